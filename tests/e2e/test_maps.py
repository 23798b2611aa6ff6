"""The maps in the browser (issue 16), on a phone (390 × 844) and a desktop (1280 × 800), with
and without JavaScript: the « Liste / Carte » switch and back (Back gives the whole page), the
map skipped by keyboard, a cluster opening, an offer's card from a map point, the coverage maps
by département and by commune, the widget's map; axe finds nothing on each map state.

Screenshots go to test-results/; with PASSERELLE_SCREENS=docs/screens the JavaScript ones also
go there for the README (``map-<name>[-desktop].png``)."""

from __future__ import annotations

import os
import re
from datetime import time
from pathlib import Path

import pytest
from accessibility import BLOCKING, axe_source, run_axe
from kit.browser import PHONE, screenshot
from kit.factories import make_offer
from playwright.sync_api import expect

DESKTOP = {"width": 1280, "height": 800}
EARLY = [(d, time(5, 30), time(19, 0)) for d in range(5)]
USUAL = [(d, time(8, 30), time(17, 30)) for d in range(5)]


@pytest.fixture(
    params=[(PHONE, True), (PHONE, False), (DESKTOP, True), (DESKTOP, False)],
    ids=["phone-js", "phone-no-js", "desktop-js", "desktop-no-js"],
)
def page(request, browser):
    viewport, js = request.param
    context = browser.new_context(viewport=viewport, java_script_enabled=js, locale="fr-FR")
    page = context.new_page()
    page.js_enabled = js
    page.desktop = viewport is DESKTOP
    yield page
    context.close()


def shot(page, name: str) -> None:
    full = f"{name}-desktop" if page.desktop else name
    screenshot(page, full)
    folder = os.environ.get("PASSERELLE_SCREENS")
    if folder and page.js_enabled:
        page.screenshot(path=str(Path(folder) / f"{full}.png"), full_page=not page.desktop)


def assert_fits(page) -> None:
    if page.js_enabled:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"the page is {width}px wide"


def assert_axe_clean(page, state: str) -> None:
    """axe on the page as it is; without JavaScript (axe needs it), on the same address in a
    context whose page scripts are blocked, as tests/e2e/test_accessibility.py does."""
    if page.js_enabled:
        violations = run_axe(page, axe_source())
    else:
        context = page.context.browser.new_context(viewport=page.viewport_size, locale="fr-FR")
        context.route(re.compile(r".*\.js(\?.*)?$"), lambda route: route.abort())
        try:
            twin = context.new_page()
            twin.goto(page.url)
            violations = run_axe(twin, axe_source())
        finally:
            context.close()
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{state}: {blocking}"


@pytest.fixture
def toulon(session, index):
    make_offer(session, title="Crèche des Mimosas", avip=True, slots=USUAL, offset_km=(1.5, -2.0))
    make_offer(session, title="Halte du Port", free_places=2, slots=USUAL, offset_km=(-2.0, 1.0))
    make_offer(session, title="Micro-crèche Aube", slots=EARLY, offset_km=(2.5, 3.0))
    make_offer(session, title="Crèche du Mourillon", slots=USUAL, offset_km=(-1.0, 4.0))
    index.sync(session)


def test_switch_to_the_map_skip_it_open_an_offer_and_come_back(page, live_server, toulon):
    page.goto(f"{live_server}/recherche?lieu=Toulon&rayon=10")
    page.get_by_role("link", name="Carte", exact=True).click()
    expect(page.locator("#carte-texte")).to_have_text(
        "4 offres dans un rayon de 10\u00a0km autour de Toulon"
    )
    assert "vue=carte" in page.url and "lieu=Toulon" in page.url and "rayon=10" in page.url
    if page.js_enabled:  # Leaflet replaces the SVG, with the same points
        expect(page.locator(".leaflet-marker-icon")).to_have_count(4)
        expect(page.locator("svg.map")).to_be_hidden()
        page.wait_for_timeout(300)
    assert_fits(page)
    assert_axe_clean(page, "carte")
    shot(page, "map-results")

    # Keyboard: the skip link comes first and jumps past the map to the list.
    page.locator(".view-switch a[aria-current]").focus()
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Passer la carte")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator(".offer-list :focus")).to_have_count(1)

    # A map point opens the offer's card (Leaflet: its popup; without JavaScript: a link).
    if page.js_enabled:
        marker = page.locator(".leaflet-marker-icon[title='Crèche des Mimosas (Accueil AVIP)']")
        marker.focus()
        page.keyboard.press("Enter")
        popup = page.locator(".leaflet-popup")
        expect(popup).to_contain_text("Accueil AVIP")
        page.wait_for_timeout(400)  # Leaflet fades the popup in: axe measures it opaque
        assert_axe_clean(page, "carte, fiche ouverte")
        popup.get_by_role("link", name="Crèche des Mimosas").click()
    else:
        page.get_by_role("link", name="Crèche des Mimosas (Accueil AVIP)").click()
    page.get_by_role("heading", name="Crèche des Mimosas").wait_for()
    page.go_back()
    expect(page.locator("#carte-texte")).to_be_visible()

    # Back to the list, then Back again: the whole map page, not a fragment.
    page.get_by_role("link", name="Liste", exact=True).click()
    expect(page.locator("#carte")).to_have_count(0)
    assert "vue=carte" not in page.url and "lieu=Toulon" in page.url
    page.go_back()
    expect(page.locator("#carte-texte")).to_be_visible()
    expect(page.locator("header")).to_have_count(1)
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("#carte")).to_have_count(1)
    if page.js_enabled:
        expect(page.locator(".leaflet-marker-icon")).to_have_count(4)


def test_dense_offers_are_clustered_and_a_cluster_opens(page, live_server, session, index):
    for i in range(90):
        make_offer(
            session,
            title=f"Crèche {i}",
            avip=i % 4 == 0,
            free_places=2 if i % 4 == 1 else None,
            slots=EARLY if i % 4 == 2 else USUAL,
            offset_km=((i % 9) * 0.9 - 4, (i // 9) * 0.9 - 4),
            commit=False,
        )
    session.commit()
    index.sync(session)
    page.goto(f"{live_server}/recherche?lieu=Toulon&rayon=10&vue=carte")
    expect(page.locator("#carte-texte")).to_contain_text("90 offres")
    if page.js_enabled:  # a cluster opens on a click: more marks, fewer in clusters
        cluster = page.locator(".marker-cluster").first
        cluster.wait_for()
        page.wait_for_timeout(300)
        before = page.locator(".leaflet-marker-icon").count()
        cluster.click()
        page.wait_for_timeout(800)
        assert page.locator(".leaflet-marker-icon").count() != before
        assert page.locator(".leaflet-marker-icon:not(.marker-cluster)").count() > 0
    else:
        assert page.locator(".map-cluster").count() > 1
        expect(page.locator(".map-cluster").first).to_have_attribute(
            "aria-label", re.compile(r"\d+ offres regroupées")
        )
    assert_fits(page)
    assert_axe_clean(page, "carte, groupes")
    shot(page, "map-clusters")


def test_the_coverage_maps_by_departement_and_by_commune(page, live_server, session, index):
    make_offer(session, title="Crèche AVIP", avip=True)
    make_offer(session, title="Crèche AVIP de Hyères", code_insee="83069", avip=True)
    make_offer(session, title="Crèche de La Seyne", code_insee="83126")
    make_offer(session, title="Crèche de Lyon", code_insee="69123", avip=True)
    make_offer(session, title="Crèche d'Ajaccio", code_insee="2A004")
    page.goto(f"{live_server}/couverture-avip")
    page.get_by_role("heading", name="Couverture AVIP par département").wait_for()
    expect(page.get_by_role("row", name="83 Var 2")).to_be_visible()
    assert_fits(page)
    assert_axe_clean(page, "couverture par département")
    shot(page, "map-coverage")
    page.get_by_role("link", name="83 Var").click()
    page.get_by_role("heading", name="Couverture AVIP par commune : 83 Var").wait_for()
    expect(page.get_by_role("row", name="83137 Toulon 1")).to_be_visible()
    expect(page.get_by_role("row", name="83126 La Seyne-sur-Mer 0")).to_be_visible()
    expect(page.locator("svg.map path.area")).to_have_count(153)
    assert_fits(page)
    assert_axe_clean(page, "couverture par commune")
    shot(page, "map-coverage-commune")


def test_the_widget_switches_to_its_map(page, live_server, toulon):
    page.goto(f"{live_server}/widget/recherche?apercu=1&lieu=Toulon&rayon=10")
    page.get_by_role("link", name="Carte", exact=True).click()
    expect(page.locator("#carte-texte")).to_contain_text("4 offres")
    assert "/widget/recherche" in page.url and "vue=carte" in page.url
    if page.js_enabled:
        expect(page.locator(".leaflet-marker-icon")).to_have_count(4)
        page.locator(".leaflet-marker-icon").first.click()
        popup = page.locator(".leaflet-popup")
        expect(popup.get_by_role("button", name="Fermer la fiche")).to_be_visible()
        expect(popup.locator(".leaflet-popup-content a")).to_have_attribute("target", "_blank")
        page.wait_for_timeout(400)  # the popup's fade-in
    else:
        expect(page.locator("a.map-link").first).to_have_attribute("target", "_blank")
    assert_fits(page)
    assert_axe_clean(page, "widget, carte")
    shot(page, "map-widget")
    page.get_by_role("link", name="Liste", exact=True).click()
    expect(page.locator("#carte")).to_have_count(0)
