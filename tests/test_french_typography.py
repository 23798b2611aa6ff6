"""French typography everywhere, by one mechanism (issue 14, « Polish that users notice »):
every page of the site (``tests/site_catalogue.py``, visited by the role that may see it) and a
few states with messages (errors, summaries, results) are read as a person reads them: no
plain space before « : ; ? ! », none inside « », a no-break space before « € » and « % »,
« nᵒ », « Caf », no « ? : ». Emails are checked as they arrive at the tests' SMTP server
(``tests/kit/mails.py``). The mechanism is :func:`app.core.french.typeset_html` on every HTML
response; these tests fail when a template or a message escapes it."""

from __future__ import annotations

import pytest
from kit.clients import login_as
from kit.forms import post_form
from kit.pages import typography_faults, visible_text_exact
from site_catalogue import build_world, get_pages

from app.core.french import typeset_html, typography


@pytest.fixture
def world(session):
    return build_world(session)


def _faults(html: str) -> list[str]:
    return typography_faults(visible_text_exact(html))


def test_every_page_of_the_site_is_in_french_typography(app, world, index, session):
    index.sync(session)
    clients: dict = {}
    checked, faults = 0, {}
    for endpoint, url, role in get_pages(app, world):
        if role not in clients:
            clients[role] = app.test_client()
            if role is not None:
                login_as(clients[role], world.users[role])
        response = clients[role].get(url)
        if response.mimetype != "text/html":
            continue
        checked += 1
        if found := _faults(response.get_data(as_text=True)):
            faults[f"{endpoint} {url}"] = found
    assert checked > 40
    assert faults == {}


def test_messages_and_error_summaries_are_in_french_typography(client, world, index, session):
    index.sync(session)
    pages = {
        "search, unknown place": client.get("/recherche?lieu=Zzyzxville&jours=lu&de=25:00"),
        "search, results": client.get("/recherche?lieu=Toulon&rayon=10"),
        "login error": post_form(
            client, "/connexion", {"email": "x@exemple.fr", "password": "pas le bon"}
        ),
        "sign-up errors": post_form(client, "/inscription", {"email": "pas-une-adresse"}),
        "error report": post_form(client, f"/offre/{world.offer.id}/signaler", {}),
        "404": client.get("/n-existe-pas"),
    }
    faults = {
        name: found
        for name, response in pages.items()
        if (found := _faults(response.get_data(as_text=True)))
    }
    assert faults == {}
    summary = visible_text_exact(pages["search, unknown place"].get_data(as_text=True))
    assert "Où ? :" not in summary.replace("\u202f", " ")  # a question is not followed by « : »


def test_the_mechanism_changes_text_never_tags_scripts_or_typed_characters():
    html = (
        '<p title="Quoi ? a : b">Horaires : 7 h 30 ; « Toulon » ? 12 € 5 % le 1er mai</p>'
        '<a href="/recherche?q=a : b">Où ?</a><script>x ? y : z</script>'
        "<textarea>Note : tel quel</textarea><pre>a : b</pre><!-- c : d -->"
        "<p>O'Brien n°42 : d'accord</p>"
    )
    out = typeset_html(html)
    assert (
        '<p title="Quoi ? a : b">Horaires\u202f: 7\u00a0h 30\u202f; «\u202fToulon\u202f»\u202f? '
        "12\u00a0€ 5\u00a0% le 1er\u00a0mai</p>"
    ) in out
    assert '<a href="/recherche?q=a : b">Où\u202f?</a><script>x ? y : z</script>' in out
    assert "<textarea>Note : tel quel</textarea><pre>a : b</pre><!-- c : d -->" in out
    assert "<p>O'Brien n°42\u202f: d'accord</p>" in out  # typed characters kept
    assert typeset_html(out) == out  # idempotent
    # The service's own messages: also the apostrophe and « nᵒ ».
    assert typography("L'orientation n°42 : vue") == "L’orientation nᵒ\u00a042\u202f: vue"
    assert typography("déjà\u00a0: fait") == "déjà\u202f: fait"


def test_json_is_left_alone(client):
    response = client.get("/api/v1/communes?q=Toulon")
    assert response.mimetype == "application/json"
    assert response.get_json() is not None


def test_a_question_label_in_an_error_summary_has_no_colon(app):
    with app.test_request_context("/"):
        macros = app.jinja_env.get_template("macros/forms.html").module
        html = typeset_html(
            str(
                macros.error_summary(
                    [("lieu", "Où ?", "Saisissez une commune."), ("de", "De", "Heure invalide.")]
                )
            )
        )
    text = visible_text_exact(html)
    assert "Où\u202f? Saisissez une commune." in text
    assert "De\u202f: Heure invalide." in text
    assert typography_faults(text) == []
