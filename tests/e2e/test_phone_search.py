"""A parent on a phone (390 × 844), with and without JavaScript (issue 14): hours typed on a
keypad, Back/Forward/Reload after each kind of update, results first, homonyms."""

from __future__ import annotations

import re
from datetime import time

import pytest
from kit.browser import PHONE, assert_no_horizontal_overflow, screenshot, unfold_criteria
from kit.factories import make_offer
from playwright.sync_api import expect

from app.directory.models import OfferKind

EARLY = [(d, time(5, 30), time(21, 0)) for d in range(5)]
USUAL = [(d, time(7, 30), time(18, 30)) for d in range(5)]


@pytest.fixture
def toulon(session, index):
    make_offer(
        session,
        title="Multi-accueil Les Lucioles",
        free_places=2,
        slots=EARLY,
        offset_km=(1.0, 0.0),
    )
    make_offer(session, title="Crèche Les Petits Pas", slots=USUAL, offset_km=(3.0, 0.0))
    index.sync(session)


def apply(page) -> None:
    """With JS the change already refreshed the results; without, the form is sent."""
    if not page.js_enabled:
        page.get_by_role("button", name="Rechercher").click()


def assert_whole_search_page(page, count: str) -> None:
    """The header, the title, the criteria and the results: a whole page, not a fragment."""
    expect(page.locator("#champ-lieu")).to_have_value(re.compile("^Toulon"))
    expect(page.locator("#ligne-criteres")).to_contain_text("Toulon")
    page.locator("#resultats").get_by_text(count).wait_for()
    page.get_by_role("heading", name="Trouver un mode de garde ou une formation").wait_for()
    assert page.locator("header.site-header .brand").is_visible()
    assert page.locator("main").count() == 1 and page.locator("footer.site-footer").count() == 1


def test_hours_typed_on_a_keypad(page, live_server, toulon):
    page.goto(f"{live_server}/recherche?lieu=Toulon")
    unfold_criteria(page)
    page.get_by_text("Quand ?").click()
    for day in ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi"):
        page.get_by_label(day, exact=True).check()
    start, end = page.get_by_label("De", exact=True), page.get_by_label("À", exact=True)
    assert start.get_attribute("inputmode") != "numeric"
    start.fill("530")
    end.fill("1400")
    if page.js_enabled:
        end.blur()
    apply(page)
    results = page.locator("#resultats")
    results.get_by_text("1 résultat à moins de 10 km de Toulon").wait_for()
    card = results.locator(".offer-card")
    assert "Couvre vos horaires lun–ven 5:30–14:00" in card.inner_text().replace("\xa0", " ")
    assert start.input_value() == "530" and end.input_value() == "1400"  # shown as typed
    assert "de=530" in page.url and "a=1400" in page.url
    assert page.locator("#erreur-de").inner_text().strip() == ""
    assert_no_horizontal_overflow(page)
    screenshot(page, "telephone-heures-clavier")


def test_back_forward_reload_after_a_filter(page, live_server, toulon):
    page.goto(f"{live_server}/recherche?lieu=Toulon")
    assert_whole_search_page(page, "2 résultats")
    unfold_criteria(page)
    page.get_by_text("Quoi ?").click()
    page.get_by_label("Avec des places disponibles").check()
    apply(page)
    assert_whole_search_page(page, "1 résultat à moins de 10 km de Toulon")
    page.wait_for_url("**places=1**")
    if page.js_enabled:
        history = page.evaluate("history.length")
        page.get_by_label("Uniquement les accueils AVIP").check()
        page.locator("#resultats").get_by_text("Aucun résultat").wait_for()
        page.get_by_label("Uniquement les accueils AVIP").uncheck()
        page.locator("#resultats").get_by_text("1 résultat").wait_for()
        assert page.evaluate("history.length") == history  # filters replace, never push
        # The results refreshed below the open form: a way down to them stays in sight.
        page.get_by_text("Quoi ?").scroll_into_view_if_needed()
        see = page.get_by_role("link", name="Voir le résultat")
        expect(see).to_be_in_viewport()
        see.click()
        expect(page.locator("#titre-resultats")).to_be_in_viewport()

    page.get_by_role("link", name="Multi-accueil Les Lucioles").click()
    page.get_by_role("heading", name="Multi-accueil Les Lucioles", level=1).wait_for()
    page.go_back()
    assert_whole_search_page(page, "1 résultat à moins de 10 km de Toulon")
    assert "places=1" in page.url
    page.go_forward()
    page.get_by_role("heading", name="Multi-accueil Les Lucioles", level=1).wait_for()
    page.go_back()
    page.reload()
    assert_whole_search_page(page, "1 résultat à moins de 10 km de Toulon")
    assert_no_horizontal_overflow(page)
    screenshot(page, "telephone-retour-filtre")


def test_typing_a_commune_never_changes_the_address(page, live_server, toulon):
    page.goto(f"{live_server}/recherche?lieu=Toulon")
    unfold_criteria(page)
    address = page.url
    place = page.get_by_label("Commune ou code postal")
    place.fill("")
    if page.js_enabled:
        with page.expect_response(lambda r: "/lieux" in r.url):
            place.press_sequentially("La Seyne", delay=30)
        page.wait_for_timeout(300)  # let htmx settle (a swap, never a history entry)
        assert page.url == address
        page.reload()
        assert_whole_search_page(page, "2 résultats")
        unfold_criteria(page)
        place.fill("")
        place.press_sequentially("La Seyne", delay=30)
        page.get_by_role("button", name="Rechercher").click()  # a new search: one entry
        page.locator("#resultats").get_by_text("de La Seyne-sur-Mer").wait_for()
        page.wait_for_load_state("networkidle")
        assert "lieu=La+Seyne" in page.url or "lieu=La%20Seyne" in page.url, page.url
        page.go_back()
        assert_whole_search_page(page, "2 résultats")
        page.go_forward()
        page.locator("#resultats").get_by_text("de La Seyne-sur-Mer").wait_for()
    else:
        place.fill("La Seyne-sur-Mer")
        page.get_by_role("button", name="Rechercher").click()
        page.locator("#resultats").get_by_text("de La Seyne-sur-Mer").wait_for()
        page.go_back()
        assert_whole_search_page(page, "2 résultats")
    assert "/lieux" not in page.url
    page.reload()
    assert page.get_by_role("heading", name="Trouver un mode de garde ou une formation").count()
    screenshot(page, "telephone-retour-commune")


def test_first_result_in_the_first_screen_from_the_home_page(page, live_server, toulon):
    page.goto(live_server)
    page.get_by_label("Votre commune ou code postal").fill("Toulon")
    page.get_by_role("button", name="Trouver un mode de garde").click()
    first = page.locator(".offer-card").first
    first.wait_for()
    box = first.locator("h3").bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    header = page.locator("header.site-header").bounding_box()
    assert header is not None and header["height"] < 70, header  # one line
    assert not page.get_by_role("link", name="Estimer mes aides").is_visible()
    page.get_by_text("Menu", exact=True).click()  # a details/summary: no JS needed
    assert page.get_by_role("link", name="Estimer mes aides").is_visible()
    page.get_by_text("Menu", exact=True).click()
    page.locator("#criteres > summary").click()  # « Modifier »
    assert page.get_by_label("Commune ou code postal").is_visible()
    assert_no_horizontal_overflow(page)
    screenshot(page, "telephone-resultats-d-abord")


@pytest.mark.parametrize("typed", ["Sainte-Colombe", "17210"])
def test_sainte_colombe_17_by_name_and_by_postcode(page, live_server, session, index, typed):
    make_offer(session, title="MAM Les Colombes", kind=OfferKind.MAM, code_insee="17319")
    index.sync(session)
    page.goto(f"{live_server}/recherche")
    page.get_by_label("Commune ou code postal").fill(typed)
    page.get_by_role("button", name="Rechercher").click()
    results = page.locator("#resultats")
    results.get_by_role("heading", name="Précisez le lieu").wait_for()
    group = results.locator(".choices > li", has_text="17 – Charente-Maritime")
    assert group.count() == 1
    if typed == "Sainte-Colombe":
        assert results.locator(".choices a").count() == 12  # all the communes of that name
        assert "autres communes correspondent aussi" in results.inner_text()
    else:
        assert results.locator(".choices a").count() == 14  # every commune of the postcode
    assert_no_horizontal_overflow(page)
    screenshot(page, f"telephone-homonymes-{typed.lower()}")
    group.get_by_role("link", name="Sainte-Colombe").click()
    results.get_by_text("1 résultat à moins de 10 km de Sainte-Colombe").wait_for()
    assert "MAM Les Colombes" in results.inner_text()
    expect(page.locator("#ligne-criteres")).to_contain_text("Sainte-Colombe · 10 km")


def test_back_forward_reload_after_a_page_of_results(page, live_server, session, index):
    for n in range(7):
        make_offer(session, title=f"Crèche numéro {n + 1}", offset_km=(0.5 * n, 0.0))
    index.sync(session)
    page.goto(f"{live_server}/recherche?lieu=Toulon")
    page.get_by_role("link", name="Page suivante").click()
    page.locator(".offer-card", has_text="Crèche numéro 6").wait_for()
    page.wait_for_url("**page=2**")
    assert page.locator("h1").count() == 1 and page.locator("header.site-header").count() == 1
    page.go_back()
    page.locator(".offer-card", has_text="Crèche numéro 1").first.wait_for()
    assert_whole_search_page(page, "7 résultats")
    page.go_forward()
    page.locator(".offer-card", has_text="Crèche numéro 6").wait_for()
    page.reload()
    assert_whole_search_page(page, "7 résultats")
    assert page.locator(".offer-card").count() == 2
    assert page.locator("h1").count() == 1
