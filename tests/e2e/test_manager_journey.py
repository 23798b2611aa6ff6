"""A gestionnaire on a phone opens her offer on Saturday mornings: she logs in, adds a slot to
the weekly hours, saves, and the public search finds the offer with its new hours — with and
without JavaScript."""

from datetime import time

from kit.browser import assert_no_horizontal_overflow, screenshot
from kit.factories import PASSWORD, make_offer, make_structure, make_user

from app.geo.timezones import today_in_france


def test_manager_edits_the_hours_and_the_public_search_finds_them(
    page, live_server, session, index
):
    structure = make_structure(session, "Association Les Petits Loups")
    offer = make_offer(
        session,
        title="Multi-accueil Les Lucioles",
        structure=structure,
        free_places=1,
        slots=[(d, time(7, 30), time(18, 30)) for d in range(5)],
    )
    manager = make_user(
        session,
        "gestionnaire",
        email="nadia@lucioles.example.org",
        structures=[structure],
        full_name="Nadia Benali",
    )
    index.sync(session)

    page.goto(f"{live_server}/connexion")
    page.get_by_label("Adresse électronique").fill(manager.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Mes offres").click()
    page.get_by_role("heading", name="Mes offres", level=1).wait_for()
    assert_no_horizontal_overflow(page)
    screenshot(page, "gestion-liste")

    # one click for today's free places (htmx swaps the row; without JS the page reloads)
    page.get_by_label("Places disponibles aujourd’hui").fill("2")
    page.get_by_role(
        "button", name="Mettre à jour les places de « Multi-accueil Les Lucioles »"
    ).click()
    today = today_in_france()
    page.locator(f"#offre-{offer.id}").get_by_text(
        f"2 places disponibles au {today:%d/%m}"
    ).wait_for()
    if page.js_enabled:
        page.locator("#annonce").get_by_text(
            "« Multi-accueil Les Lucioles » : 2 places disponibles"
        ).wait_for()
        page.wait_for_function(
            f"document.activeElement && document.activeElement.id === 'places-ok-{offer.id}'"
        )

    page.get_by_role("link", name="Modifier « Multi-accueil Les Lucioles »").click()
    page.get_by_role("heading", name="Modifier l’offre", level=1).wait_for()
    page.get_by_role("button", name="Ajouter un créneau").click()
    saturday = page.locator("#champ-slots-5-weekday")
    saturday.wait_for()
    assert saturday.input_value() == "5"  # the day after Friday, Friday's hours copied
    if page.js_enabled:
        # only the hours fieldset was swapped, and the focus is on the new row
        page.wait_for_function(
            "document.activeElement && document.activeElement.id === 'champ-slots-5-weekday'"
        )
        page.locator("#champ-slots-5-opens").fill("25:00")
        page.locator("#champ-slots-5-opens").blur()
        page.locator("#erreur-slots-5-opens").get_by_text("Heure invalide").wait_for()
        assert page.locator("#champ-slots-5-opens").get_attribute("aria-invalid") == "true"
    page.locator("#champ-slots-5-opens").fill("8:00")
    page.locator("#champ-slots-5-closes").fill("12:00")
    if page.js_enabled:
        page.locator("#champ-slots-5-closes").blur()
        page.locator("#resume-horaires").get_by_text("8 h 00 – 12 h 00").wait_for()
        assert page.locator("#erreur-slots-5-opens").inner_text().strip() == ""
    assert_no_horizontal_overflow(page)
    screenshot(page, "gestion-horaires")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    page.get_by_text(
        "Modifications enregistrées. Elles sont visibles dès maintenant dans l’annuaire."
    ).wait_for()
    screenshot(page, "gestion-enregistre")

    page.goto(f"{live_server}/recherche?lieu=Toulon&jours=sa&de=8:30&a=11:30")
    results = page.locator("#resultats")
    results.get_by_text("1 résultat à moins de 10 km de Toulon").wait_for()
    results.get_by_role("link", name="Multi-accueil Les Lucioles").click()
    page.get_by_role("heading", name="Multi-accueil Les Lucioles", level=1).wait_for()
    table = page.locator("table.hours").inner_text().replace("\xa0", " ")
    assert "Samedi\t8 h 00 – 12 h 00" in table or "Samedi 8 h 00 – 12 h 00" in table, table
    assert_no_horizontal_overflow(page)
    assert offer.id
