"""A parent on a phone estimates her aid before saying yes to a job — with and without JS."""

from datetime import timedelta

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
