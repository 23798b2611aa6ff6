"""The results map and the AVIP coverage map, on a phone (390 × 844), with and without
JavaScript (issue 16): the « Liste / Carte » switch and back, the map skipped by keyboard, a
point leading to its offer, clusters where offers are dense."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from kit.browser import assert_no_horizontal_overflow, screenshot
from kit.factories import make_offer
from playwright.sync_api import expect

SCREENS = Path("/work/notes/screens")
EARLY = [(d, time(5, 30), time(19, 0)) for d in range(5)]
USUAL = [(d, time(8, 30), time(17, 30)) for d in range(5)]


def shot(page, name: str) -> None:
    screenshot(page, name)
    if SCREENS.is_dir():
        suffix = "js" if page.js_enabled else "nojs"
        page.screenshot(path=str(SCREENS / f"{name}-{suffix}.png"), full_page=True)


@pytest.fixture
def toulon(session, index):
    make_offer(session, title="Crèche des Mimosas", avip=True, slots=USUAL, offset_km=(1.5, -2.0))
    make_offer(session, title="Halte du Port", free_places=2, slots=USUAL, offset_km=(-2.0, 1.0))
    make_offer(session, title="Micro-crèche Aube", slots=EARLY, offset_km=(2.5, 3.0))
    make_offer(session, title="Crèche du Mourillon", slots=USUAL, offset_km=(-1.0, 4.0))
    index.sync(session)


def test_switch_to_the_map_and_back_and_open_an_offer(page, live_server, toulon):
    page.goto(f"{live_server}/recherche?lieu=Toulon&rayon=10")
    page.get_by_role("link", name="Carte", exact=True).click()
    expect(page.locator("#carte-texte")).to_have_text(
        "4 offres dans un rayon de 10\u00a0km autour de Toulon"
    )
    assert "vue=carte" in page.url and "lieu=Toulon" in page.url and "rayon=10" in page.url
    assert_no_horizontal_overflow(page)
    if page.js_enabled:  # Leaflet replaces the SVG, with the same points, clusters and popups
        page.locator(".leaflet-marker-icon").first.wait_for()
        expect(page.locator("svg.map")).to_be_hidden()
        page.wait_for_timeout(300)
    shot(page, "map-results")
    if page.js_enabled:
        marker = page.locator(".leaflet-marker-icon[title='Crèche des Mimosas (Accueil AVIP)']")
        marker.focus()
        page.keyboard.press("Enter")
        page.locator(".leaflet-popup").get_by_role("link", name="Crèche des Mimosas").click()
        page.get_by_role("heading", name="Crèche des Mimosas").wait_for()
        page.go_back()
        page.locator("#carte-texte").wait_for()
        return

    # Keyboard: the skip link comes first and jumps past the map's points.
    page.locator(".view-switch a[aria-current]").focus()
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Passer la carte")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("class", "map-link")

    page.get_by_role("link", name="Crèche des Mimosas (Accueil AVIP)").click()
    page.get_by_role("heading", name="Crèche des Mimosas").wait_for()
    page.go_back()
    expect(page.locator("#carte-texte")).to_be_visible()

    page.get_by_role("link", name="Liste", exact=True).click()
    expect(page.locator("#carte")).to_have_count(0)
    assert "vue=carte" not in page.url and "lieu=Toulon" in page.url


def test_dense_offers_are_clustered(page, live_server, session, index):
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
    if page.js_enabled:  # a cluster opens on a click
        cluster = page.locator(".marker-cluster").first
        cluster.wait_for()
        before = page.locator(".leaflet-marker-icon").count()
        cluster.click()
        page.wait_for_timeout(600)
        assert page.locator(".leaflet-marker-icon").count() != before
    else:
        assert page.locator(".map-cluster").count() > 1
    assert_no_horizontal_overflow(page)
    shot(page, "map-clusters")


def test_avip_coverage_by_departement(page, live_server, session, index):
    make_offer(session, title="Crèche AVIP", avip=True)
    make_offer(session, title="Crèche de Lyon", code_insee="69123", avip=True)
    make_offer(session, title="Crèche d'Ajaccio", code_insee="2A004")
    page.goto(f"{live_server}/couverture-avip")
    page.get_by_role("heading", name="Couverture AVIP par département").wait_for()
    expect(page.get_by_role("row", name="83 Var 1")).to_be_visible()
    shot(page, "map-coverage")
