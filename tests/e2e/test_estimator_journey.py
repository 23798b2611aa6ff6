"""A parent on a phone estimates her aid before saying yes to a job — with and without JS."""

from datetime import timedelta
from urllib.parse import urlencode

from kit.browser import assert_no_horizontal_overflow, screenshot

from app.geo.timezones import today_in_france


def test_parent_estimates_her_aid_then_looks_for_care(page, live_server):
    start = today_in_france() + timedelta(days=10)
    end = start + timedelta(days=89)
    page.goto(f"{live_server}/estimer-mes-aides")
    screenshot(page, "estimateur-vide")

    page.get_by_label("Un CDD (contrat à durée déterminée)").check()
    page.get_by_label("Date de début", exact=True).fill(start.isoformat())
    page.get_by_label("Date de fin du contrat").fill(end.isoformat())
    page.get_by_label("Nombre d’heures par semaine").fill("35")
    if page.js_enabled:
        # The next step appears once this one is answered, and the focus goes to it.
        situation = page.locator("#etape-situation")
        assert not situation.is_visible()
        page.keyboard.press("Tab")
        situation.wait_for(state="visible")
        page.wait_for_function("document.activeElement.id === 'etape-situation'")

    page.get_by_label("Votre commune").fill("Toulon")
    page.locator("#champ-inscrit-oui").check()
    page.locator("#champ-allocation-non").check()
    page.locator("#champ-parent_isole-oui").check()
    if page.js_enabled:
        page.locator("#etape-enfants").wait_for(state="visible")
    page.get_by_label("1er enfant").select_option("2")
    page.get_by_role("button", name="Ajouter un enfant").click()
    page.get_by_label("2e enfant").select_option("7")
    page.get_by_label("2e enfant").blur()
    if page.js_enabled:
        page.locator("#etape-garde").wait_for(state="visible")
    for day in ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi"):
        page.get_by_label(day, exact=True).check()
    page.get_by_label("De", exact=True).fill("7:30")
    page.get_by_label("À", exact=True).fill("18:00")
    page.get_by_label("Revenus mensuels de votre foyer, en euros").fill("1 450")
    page.get_by_label("Salaire horaire net d’un·e assistant·e maternel·le, en euros").fill("4,60")
    assert_no_horizontal_overflow(page)
    screenshot(page, "estimateur-rempli")

    page.get_by_role("button", name="Voir mon estimation").click()
    results = page.locator("#resultats")
    results.get_by_text("Votre estimation").wait_for()
    text = results.inner_text().replace("\xa0", " ").replace("\u202f", " ")
    assert "Vous pouvez demander l’AGE : 478,40 €" in text
    assert "Assistant·e maternel·le" in text and "par mois après toutes les aides" in text
    # Issue 14: the cash paid each month comes first, the tax credit apart with its year.
    assert "À payer chaque mois pour la garde" in text
    assert "1er enfant (2 ans)" in text and "2e enfant" not in text  # 7 years: at school
    assert "calculer=1" in page.url  # the address is the shareable link
    assert_no_horizontal_overflow(page)
    screenshot(page, "estimateur-resultat")

    page.get_by_role("link", name="Version à imprimer").click()
    page.get_by_role("heading", name="Mon estimation des aides à la garde").wait_for()
    screenshot(page, "estimateur-impression")
    page.go_back()

    page.get_by_role("link", name="Voir les modes de garde près de chez moi").click()
    page.get_by_role("heading", name="Trouver un mode de garde ou une formation").wait_for()
    assert page.get_by_label("Commune ou code postal").input_value() == "Toulon (83 – Var)"
    assert page.get_by_label("De", exact=True).input_value() == "07:30"


def test_missing_answers_are_summarised_and_typed_ones_kept(page, live_server):
    page.goto(f"{live_server}/estimer-mes-aides?calculer=1&heures_semaine=trente&ressources=1+800")
    summary = page.locator("#resume-erreurs")
    assert "à corriger" in summary.inner_text()
    assert page.get_by_label("Nombre d’heures par semaine").input_value() == "trente"
    assert page.get_by_label("Revenus mensuels de votre foyer, en euros").input_value() == "1 800"
    summary.get_by_role("link").first.click()
    assert_no_horizontal_overflow(page)
    screenshot(page, "estimateur-erreurs")


def test_two_children_get_one_card_each_and_a_total_on_a_phone(page, live_server):
    """Issue 15: every child who needs care, one card each, a total, cash per month first;
    the print view lists the care days and hours."""
    start = today_in_france() + timedelta(days=10)
    answers = [
        ("activite", "cdi"),
        ("date_debut", start.isoformat()),
        ("heures_semaine", "35"),
        ("inscrit", "oui"),
        ("allocation", "non"),
        ("parent_isole", "non"),
        ("deja_aide", "non"),
        ("enfants-0", "1"),
        ("enfants-1", "4"),
        ("naissance-1", "3"),
        *[("jours", d) for d in ("lu", "ma", "me", "je", "ve")],
        ("de", "8:00"),
        ("a", "17:30"),
        ("ressources", "3 000"),
        ("tarif", "4,80"),
        ("calculer", "1"),
    ]
    page.goto(f"{live_server}/estimer-mes-aides?{urlencode(answers)}")
    results = page.locator("#resultats")
    results.get_by_text("Votre estimation").wait_for()
    headline = page.locator(".headline")
    assert headline.is_visible()
    assert "de vos 2 enfants" in headline.inner_text().replace("\xa0", " ")
    # The headline is in the first screen of a 390 × 844 phone once the results show.
    assert headline.bounding_box()["y"] < page.viewport_size["height"] + page.evaluate(
        "window.scrollY"
    )
    text = results.inner_text().replace("\xa0", " ").replace("\u202f", " ")
    assert "1er enfant (1 an)" in text and "2e enfant (4 ans)" in text
    assert "Pour vos 2 enfants à faire garder" in text
    assert "va en général à l’école" in text  # the crèche card of the child of 4
    assert "Indemnité d’entretien estimée" in text  # said next to the figure, not hidden
    assert_no_horizontal_overflow(page)
    screenshot(page, "estimateur-deux-enfants")

    page.get_by_role("link", name="Version à imprimer").click()
    page.get_by_role("heading", name="Mon estimation des aides à la garde").wait_for()
    printed = page.locator("dl.answers").inner_text().replace("\xa0", " ")
    assert "lundi, mardi, mercredi, jeudi, vendredi, de 8:00 à 17:30" in printed
    assert_no_horizontal_overflow(page)
    screenshot(page, "estimateur-deux-enfants-impression")
