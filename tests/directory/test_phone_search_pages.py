"""The search page as a parent on a phone meets it (issue 14): hours a keypad types, results
first under a one-line summary, history kept whole, no training courses in a childcare search,
every homonym offered."""

import re
from datetime import time

import pytest
from kit.factories import make_offer
from kit.pages import section, tags, text_of
from werkzeug.datastructures import MultiDict

from app.core.forms import FrenchQueryForm
from app.directory.forms import TimeField
from app.directory.models import OfferKind
from app.widget.models import PartnerToken

WEEKDAYS = "&".join(f"jours={d}" for d in ("lu", "ma", "me", "je", "ve"))


@pytest.fixture
def toulon(session, index):
    make_offer(
        session,
        title="Multi-accueil Les Lucioles",
        slots=[(d, time(5, 30), time(21, 0)) for d in range(5)],
        offset_km=(1.0, 0.0),
    )
    make_offer(session, title="CAP Accompagnant éducatif", kind=OfferKind.FORMATION)
    index.sync(session)


@pytest.mark.parametrize(
    ("start", "end"), [("530", "1400"), ("0530", "14"), ("5.30", "14h"), ("5 h 30", "midi")]
)
def test_hours_typed_on_a_keypad_search(client, toulon, start, end):
    html = client.get(
        "/recherche", query_string=f"lieu=Toulon&{WEEKDAYS}&de={start}&a={end}"
    ).get_data(as_text=True)
    page = text_of(html)
    assert "à corriger" not in page
    assert "1 résultat à moins de 10 km de Toulon" in page
    assert tags(html, "input", id="champ-de")[0]["value"] == start  # shown back as typed


def test_nonsense_hours_keep_the_french_message(client, toulon):
    page = text_of(
        client.get(f"/recherche?lieu=Toulon&{WEEKDAYS}&de=2460&a=25").get_data(as_text=True)
    )
    assert "Heure invalide : « 2460 ». Utilisez le format 7:30." in page
    assert "Heure invalide : « 25 ». Utilisez le format 7:30." in page


def test_the_hour_fields_use_the_ordinary_keyboard(client):
    for url in ("/recherche", "/estimer-mes-aides"):
        html = client.get(url).get_data(as_text=True)
        for field in ("champ-de", "champ-a"):
            attributes = tags(html, "input", id=field)[0]
            assert attributes["type"] == "text" and attributes["inputmode"] == "text", url


def test_a_found_place_folds_the_form_under_the_criteria_line(client, toulon):
    html = client.get(f"/recherche?lieu=Toulon&{WEEKDAYS}&de=5:30&a=14:00&age=24").get_data(
        as_text=True
    )
    details = tags(html, "details", id="criteres")[0]
    assert "open" not in details
    line = text_of(section(html, "ligne-criteres").split("</span>")[0])
    assert line == "Toulon · 10 km · lun–ven 5:30–14:00 · 2 ans"
    assert html.index('id="criteres"') < html.index('id="resultats"')
    # No place yet, or a problem to correct: the form stays open.
    assert (
        "open" in tags(client.get("/recherche").get_data(as_text=True), "details", id="criteres")[0]
    )
    wrong = client.get(f"/recherche?lieu=Toulon&{WEEKDAYS}&de=25:00&a=14:00")
    assert "open" in tags(wrong.get_data(as_text=True), "details", id="criteres")[0]


def test_the_fragment_refreshes_the_line_and_the_way_to_the_results(htmx_client, toulon):
    html = htmx_client.get("/recherche?lieu=Toulon").get_data(as_text=True)
    assert tags(html, "span", id="ligne-criteres")[0]["hx-swap-oob"] == "true"
    see = tags(html, "a", id="voir-resultats")[0]
    assert see["hx-swap-oob"] == "true" and see["href"] == "#resultats"
    assert "Voir le résultat" in text_of(section(html, "voir-resultats"))


def test_a_history_restore_gets_the_whole_page(client, toulon):
    """htmx restoring an entry asks with HX-History-Restore-Request: the header, the form and
    the results, never the bare fragment."""
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    html = client.get("/recherche?lieu=Toulon", headers=headers).get_data(as_text=True)
    assert "<html" in html and 'class="site-header"' in html
    assert 'id="recherche"' in html and 'id="resultats"' in html


def test_only_a_new_search_may_write_the_history(client):
    html = client.get("/recherche").get_data(as_text=True)
    form = tags(html, "form", id="recherche")[0]
    assert form["hx-replace-url"] == "true" and "hx-push-url" not in form
    assert "data-new-search-pushes" in form
    place = tags(html, "input", id="champ-lieu")[0]  # the autocomplete never touches the URL
    assert place["hx-push-url"] == "false" and place["hx-replace-url"] == "false"


def test_the_widget_never_writes_the_partner_page_history(client, session):
    token = PartnerToken(
        name="Caf du Var", token="jeton-caf", allowed_origins=["https://www.caf.fr"]
    )
    session.add(token)
    session.commit()
    html = client.get("/widget/recherche?token=jeton-caf").get_data(as_text=True)
    form = tags(html, "form", id="recherche")[0]
    assert form["hx-push-url"] == "false" and form["hx-replace-url"] == "false"
    config = next(m["content"] for m in tags(html, "meta") if m.get("name") == "htmx-config")
    assert '"historyEnabled": false' in config


def test_a_childcare_search_leaves_training_out(client, toulon):
    page = text_of(client.get("/recherche?lieu=Toulon").get_data(as_text=True))
    assert "Multi-accueil Les Lucioles" in page and "CAP Accompagnant" not in page
    training = text_of(client.get("/recherche?lieu=Toulon&type=formation").get_data(as_text=True))
    assert "CAP Accompagnant" in training and "Les Lucioles" not in training
    both = text_of(
        client.get("/recherche?lieu=Toulon&type=formation&type=creche_collective").get_data(
            as_text=True
        )
    )
    assert "CAP Accompagnant" in both and "Les Lucioles" in both


def test_the_api_agrees_on_training(client, toulon):
    titles = {i["titre"] for i in client.get("/api/v1/offres?commune=83137").get_json()["items"]}
    assert titles == {"Multi-accueil Les Lucioles"}
    found = client.get("/api/v1/offres?commune=83137&types=formation").get_json()["items"]
    assert {i["titre"] for i in found} == {"CAP Accompagnant éducatif"}
    spec = client.get("/api/v1/openapi.json").get_json()
    types = next(
        p for p in spec["paths"]["/api/v1/offres"]["get"]["parameters"] if p.get("name") == "types"
    )
    assert "sans les formations" in types["description"]


@pytest.mark.parametrize(("typed", "count"), [("Sainte-Colombe", 12), ("17210", 14)])
def test_every_homonym_and_every_commune_of_a_postcode_is_offered(client, typed, count):
    html = client.get("/recherche", query_string={"lieu": typed}).get_data(as_text=True)
    results = section(html, "resultats")
    links = re.findall(r'<a href="(/recherche\?[^"]*)"', results)
    assert len(links) == count
    page = text_of(results)
    assert "Précisez le lieu" in page and "17 – Charente-Maritime" in page
    if typed == "Sainte-Colombe":
        assert "autres communes correspondent aussi" in page  # Sainte-Colombe-sur-…


class _HoursForm(FrenchQueryForm):
    """The hour fields as the estimator and the referral forms declare them."""

    de = TimeField("De")
    a = TimeField("À")


@pytest.mark.parametrize(
    ("typed", "read"),
    [("530", time(5, 30)), ("1400", time(14)), ("14h", time(14)), ("minuit", time(0))],
)
def test_the_estimator_and_referral_hour_field_reads_a_keypad(typed, read):
    form = _HoursForm(MultiDict({"de": typed, "a": "19:00"}))
    assert form.validate(), form.errors
    assert form.de.time_value == read and form.de.data == typed


def test_the_hour_field_refuses_nonsense_in_french():
    form = _HoursForm(MultiDict({"de": "5:75", "a": "2460"}))
    assert not form.validate()
    assert form.errors == {
        "de": ["Heure invalide\u00a0: «\u00a05:75\u00a0». Utilisez le format 7:30."],
        "a": ["Heure invalide\u00a0: «\u00a02460\u00a0». Utilisez le format 7:30."],
    }
