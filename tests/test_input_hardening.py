"""Every page and every form, found by enumerating the app's routes (tests/site_catalogue.py):
oversized bodies and fields are refused with a French answer, never stored; fuzzed query strings
and form fields never cause a 500 or show a stack trace, what was typed is shown back escaped,
and odd Unicode, HTML and SQL fragments are stored as typed and shown escaped."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kit.forms import forms_of, post_form
from kit.pages import text_of
from site_catalogue import build_world, get_pages
from werkzeug.datastructures import MultiDict

from app.core.forms import clean_text
from app.core.limits import limiter

NOT_SHOWN = ("Traceback", "sqlalchemy.exc", "jinja2.exceptions", 'File "/')


@pytest.fixture
def world(session):
    return build_world(session)


@pytest.fixture
def visitors(app, world):
    """A logged-in test client per role (None: anonymous), rate limits off for the sweep."""
    from kit.factories import PASSWORD

    clients = {}

    def client_for(role):
        if role not in clients:
            client = app.test_client()
            if role is not None:
                response = post_form(
                    client, "/connexion", {"email": world.users[role].email, "password": PASSWORD}
                )
                assert response.status_code == 302, role
            clients[role] = client
        return clients[role]

    limiter.enabled = False
    yield client_for
    limiter.enabled = True


#: Longer than any field may be (the longest texts allow 5 000 characters), under the 1 MB body.
OVERSIZED = "é" * 10_001


def field_error(html: str, name: str) -> str:
    """The message next to field ``name`` (its ``erreur-<name>`` element, or
    ``erreur-<name>-<id>`` for a field repeated on a list)."""
    match = re.search(rf'id="erreur-{re.escape(name)}(?:-\d+)?"[^>]*>(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def assert_clean(response, what):
    assert response.status_code < 500, (what, response.status_code)
    body = response.get_data(as_text=True)
    for marker in NOT_SHOWN:
        assert marker not in body, (what, marker)
    return body


def test_every_page_answers_its_visitor(app, world, visitors):
    seen, wrong = set(), []
    for endpoint, url, role in get_pages(app, world):
        response = visitors(role).get(url)
        assert_clean(response, url)
        if response.status_code not in (200, 302):
            wrong.append((endpoint, url, role, response.status_code))
        elif response.headers.get("Location", "").startswith("/connexion"):
            wrong.append(
                (
                    endpoint,
                    url,
                    role,
                    "sent to the login page: give its prefix a role in ROLE_BY_PREFIX",
                )
            )
        seen.add(endpoint)
    assert wrong == [], "\n".join(map(str, wrong))
    assert {
        "directory.search",
        "accounts.signup",
        "management.edit_offer",
        "moderation.queue",
    } <= seen


def post_forms(app, world, visitors):
    """(page url, role, form) of every POST form with free text, on every page."""
    found = []
    for _endpoint, url, role in get_pages(app, world):
        response = visitors(role).get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for form in forms_of(response.get_data(as_text=True), url):
            if form.method == "post" and form.text_fields:
                found.append((url, role, form))
    return found


def test_an_oversized_body_is_refused_with_a_french_page(client):
    response = client.post("/inscription", data={"full_name": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.get_data(as_text=True)


#: Fields of the offer form (new or edit) that a crèche ignores: no message, nothing stored.
IGNORED_BY_THE_OFFER_FORM = {
    "osm": "only read by « Importer ces horaires », which cuts it at 500 characters",
    **dict.fromkeys(
        ("certification_name", "rncp_code", "training_hours", "organisation_uai"),
        "read only for a course; the world's offer is a crèche",
    ),
}


def test_every_free_text_field_refuses_an_oversized_value(app, session, world, visitors):
    """Each free-text field of each POST form, alone at 10 001 characters (the rest as the page
    gave it): the form comes back with that field's French message, and nothing that long is
    ever stored."""
    checked, problems = [], []
    for _url, role, form in post_forms(app, world, visitors):
        client = visitors(role)
        for name in form.text_fields:
            if name == "csrf_token":
                continue
            data = [(k, v) for k, v in form.pairs if k != name] + [(name, OVERSIZED)]
            response = client.post(form.action, data=MultiDict(data))
            body = assert_clean(response, (form.action, name))
            checked.append((form.action, name))
            if response.status_code == 413:
                continue
            ignored = (
                form.action.startswith("/gestion/offres/") and name in IGNORED_BY_THE_OFFER_FORM
            )
            # an ignored field may be saved without being read (the form is valid otherwise)
            if response.status_code not in ((200, 302, 422) if ignored else (200, 422)):
                problems.append((form.action, name, response.status_code))
                continue
            if ignored:
                continue
            if not field_error(body, name):
                problems.append((form.action, name, "no message next to the field"))
    assert not problems, "\n".join(map(str, problems))
    assert len(checked) > 30, checked
    assert not longest_stored_texts(session, over=5000)


def longest_stored_texts(session, over: int) -> list[tuple[str, str]]:
    """(table, column) of every text column holding a value longer than ``over`` characters."""
    from sqlalchemy import String, Text, func, select

    from app.db import Base

    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, (String, Text)) and session.scalar(
                select(func.count()).where(func.length(column) > over)
            ):
                found.append((table.name, column.name))
    return found


# -- fuzzing ---------------------------------------------------------------------------------

#: Raw markup that must never come back unescaped.
SCRIPT = '<script>alert("passerelle")</script>'
IMG = '"><img src=x onerror=alert(1)>'
ODD = [
    SCRIPT,
    IMG,
    "' OR '1'='1",
    "'; DROP TABLE offers;--",
    "Robert'); DROP TABLE users;--",
    "\u202eeuqirbaf",
    "nul\x00octet",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👶🏽",
    "Z\u0364\u0351a\u0308\u0347lgo",
    "\ufeffBOM",
    "%00%27",
    "{{ 7*7 }}",
    "../../etc/passwd",
    "ligne\r\nSet-Cookie: x=1",
    "１２３",
    "é" * 300,
    "",
    " ",
    "-1",
    "99999999999999999999",
    "1e309",
    "NaN",
    "31/02/2026",
    "25:99",
    "ǅ ß ﬁ İ",
]
VALUES = st.one_of(st.sampled_from(ODD), st.text(max_size=40))
FUZZ = settings(
    max_examples=8, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def assert_escaped(body: str, what) -> None:
    assert SCRIPT not in body and "<img src=x" not in body, what


def get_forms(html: str, url: str):
    return [f for f in forms_of(html, url) if f.method == "get"]


def test_fuzzed_query_strings_never_break_a_page(app, world, visitors):
    """Every GET route, with the names of its own GET forms' fields (and unknown ones) set to
    odd values: an answer, never a 500 or a stack trace, and markup always escaped."""
    pages = get_pages(app, world)
    for _endpoint, url, role in pages:
        client = visitors(role)
        first = client.get(url)
        names = ["page", "lieu", "q", "x"]
        if first.mimetype == "text/html":
            for form in get_forms(first.get_data(as_text=True), url):
                names += [k for k, _ in form.pairs]
        fuzz_query_string(client, url.split("?")[0], names)


def fuzz_query_string(client, path: str, names: list[str]) -> None:
    @FUZZ
    @given(st.lists(st.tuples(st.sampled_from(sorted(set(names))), VALUES), max_size=6))
    def check(params):
        response = client.get(f"{path}?{urlencode(params)}")
        body = assert_clean(response, (path, params))
        assert_escaped(body, (path, params))

    check()


def test_fuzzed_forms_never_break_and_keep_what_was_typed(app, world, visitors):
    """Every POST form with free text, its fields set to odd values: an answer, never a 500,
    markup escaped, and when the form comes back, each text typed is shown back as typed
    (passwords aside, which are never shown back): control characters dropped, CRLF read as LF,
    and for some fields the surrounding spaces trimmed (app/core/forms.py)."""
    forms = post_forms(app, world, visitors)
    assert len(forms) >= 10
    for _url, role, form in forms:
        client = visitors(role)
        fields = [n for n in form.text_fields if n not in ("csrf_token", "version")]
        fuzz_form(client, form, fields)


def fuzz_form(client, form, fields: list[str]) -> None:
    @FUZZ
    @given(st.dictionaries(st.sampled_from(fields), VALUES, min_size=1, max_size=4))
    def check(typed):
        data = MultiDict([(k, v) for k, v in form.pairs if k not in typed] + list(typed.items()))
        response = client.post(form.action, data=data)
        body = assert_clean(response, (form.action, typed))
        assert_escaped(body, (form.action, typed))
        if response.status_code in (200, 422) and response.mimetype == "text/html":
            shown = {k: v for f in forms_of(body, form.action) for k, v in f.pairs}
            for name, value in typed.items():
                if name in form.passwords or name not in shown:
                    continue
                assert shown[name] in (clean_text(value), clean_text(value).strip()), (
                    form.action,
                    name,
                    value,
                    shown[name],
                )

    check()


# -- stored, then shown escaped -----------------------------------------------------------------

STORED = "Crèche <script>alert(\"x\")</script> O'Brien'); DROP TABLE offers;-- 👶🏽 \u202eZ\u0308"


def shown_escaped(html: str, value: str) -> bool:
    """The value reads as typed, and its markup is text, not HTML."""
    return value in text_of(html) and "<script>alert" not in html and "&lt;script&gt;" in html


def test_odd_text_is_stored_as_typed_and_shown_escaped(app, session, world, visitors):
    from kit.forms import read_form
    from sqlalchemy import select

    from app.accounts.models import User
    from app.directory.models import Offer
    from app.moderation.models import ErrorReport

    # a sign-up request, seen by the coordinator
    anonymous = visitors(None)
    response = post_form(
        anonymous,
        "/inscription",
        {
            "role": "prescripteur",
            "full_name": STORED,
            "email": "odd@exemple.fr",
            "organisation": STORED,
            "departement": "83",
            "structure_name": "",
            "structure_kind": "",
            "structure_siret": "",
            "password": "une phrase de passe solide",
            "confirm": "une phrase de passe solide",
        },
    )
    assert response.status_code == 302
    user = session.scalar(select(User).where(User.email == "odd@exemple.fr"))
    assert user.full_name == STORED and user.organisation == STORED

    # an error report on the public page, seen by the coordinator
    offer_url = f"/offre/{world.offer.id}"
    response = post_form(
        anonymous,
        f"{offer_url}/signaler",
        {"categorie": "horaires", "message": STORED, "email": ""},
    )
    assert response.status_code in (200, 302)
    assert session.scalar(select(ErrorReport).where(ErrorReport.message == STORED)) is not None

    # the offer's name, changed by its manager, on the public pages
    manager = visitors("gestionnaire")
    edit_url = f"/gestion/offres/{world.offer.id}"
    data = read_form(manager.get(edit_url).get_data(as_text=True))
    data["title"] = STORED
    assert manager.post(edit_url, data=data).status_code == 302
    session.expire_all()
    assert session.get(Offer, world.offer.id).title == STORED

    queue = visitors("coordinateur").get("/coordination").get_data(as_text=True)
    assert shown_escaped(queue, STORED)
    for page in (offer_url, "/recherche?lieu=Toulon", f"{edit_url}/historique"):
        client = manager if page.startswith("/gestion") else anonymous
        assert shown_escaped(client.get(page).get_data(as_text=True), STORED), page


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(VALUES, VALUES)
def test_a_search_shows_back_what_was_typed(app, q, de):
    """Keywords and hours typed in a search come back in their fields, as typed (an invalid
    hour too, with its message), whatever they hold."""
    client = app.test_client()
    response = client.get(f"/recherche?{urlencode({'lieu': 'Toulon', 'q': q, 'de': de})}")
    body = assert_clean(response, (q, de))
    assert_escaped(body, (q, de))
    shown = {k: v for f in forms_of(body, "/recherche") for k, v in f.pairs}
    assert shown["q"] in (q, q.strip()), (q, shown["q"])
    assert shown["de"] in (de, de.strip()), (de, shown["de"])


@pytest.mark.parametrize("digits", ["²", "٣", "１"])
def test_digits_that_are_not_ascii_are_refused_not_a_500(client, world, visitors, digits):
    """« ² ».isdigit() is True but int("²") fails: places and page numbers read ASCII only."""
    manager = visitors("gestionnaire")
    response = post_form(
        manager,
        f"/label-avip/structure/{world.structure.id}",
        {"reserved_places": digits},
    )
    assert response.status_code == 422
    assert visitors("prescripteur").get(f"/orientations?page={digits}").status_code == 200
