"""A parent on a phone: search by place, narrow by hours, open an offer — with and without JS."""

import re
from datetime import time

from kit.browser import assert_no_horizontal_overflow, screenshot, unfold_criteria
from kit.factories import make_offer


def test_parent_finds_early_care_in_toulon_and_opens_it(page, live_server, session, index):
    make_offer(
        session,
        title="Multi-accueil Les Lucioles",
        avip=True,
        free_places=2,
        slots=[(d, time(5, 30), time(21, 0)) for d in range(5)],
        offset_km=(1.0, 0.0),
    )
    make_offer(
        session,
        title="Crèche Les Petits Pas",
        offset_km=(3.0, 0.0),
        slots=[(d, time(7, 30), time(18, 30)) for d in range(5)],
    )
    index.sync(session)

    page.goto(f"{live_server}/recherche")
    page.get_by_label("Commune ou code postal").fill("Toulon")
    page.get_by_role("button", name="Rechercher").click()
    results = page.locator("#resultats")
    results.get_by_text("2 résultats à moins de 10 km de Toulon").wait_for()
    assert_no_horizontal_overflow(page)
    screenshot(page, "recherche-toulon")

    unfold_criteria(page)  # results first: the criteria fold once a place is found
    page.get_by_text("Quand ?").click()
    for day in ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi"):
        page.get_by_label(day, exact=True).check()
    page.get_by_label("De", exact=True).fill("5:30")
    page.get_by_label("À", exact=True).fill("19:00")
    if page.js_enabled:
        page.get_by_label("À", exact=True).blur()  # a change event: htmx updates the results
    else:
        page.get_by_role("button", name="Rechercher").click()
    results.get_by_text("1 résultat à moins de 10 km de Toulon").wait_for()
    assert "Crèche Les Petits Pas" not in results.inner_text()
    assert re.search(r"de=5%3A30", page.url), page.url  # the URL holds the whole search
    screenshot(page, "recherche-horaires")

    page.get_by_role("link", name="Multi-accueil Les Lucioles").click()
    page.get_by_role("heading", name="Multi-accueil Les Lucioles", level=1).wait_for()
    assert "5 h 30 – 21 h 00" in page.locator("table.hours").inner_text().replace("\xa0", " ")
    assert_no_horizontal_overflow(page)
    screenshot(page, "offre")


def test_bad_hours_show_a_message_next_to_the_field(page, live_server, session, index):
    make_offer(session)
    index.sync(session)
    page.goto(f"{live_server}/recherche?lieu=Toulon&jours=lu&de=25:00&a=19:00")
    error = page.locator("#erreur-de")
    assert "Heure invalide" in error.inner_text()
    assert page.get_by_label("De", exact=True).input_value() == "25:00"
    assert page.locator("#resume-erreurs").get_by_role("link").count() == 1
    screenshot(page, "recherche-erreurs")
