"""A new manager on a phone: asks for an account for her crèche, confirms her address from the
email, the département's coordinator approves her, and she finds her offer in « Mes offres » —
with and without JavaScript."""

from kit.browser import assert_no_horizontal_overflow, screenshot, site_menu
from kit.factories import PASSWORD, make_offer, make_structure, make_user
from kit.mails import last_link_sent_to

PASSPHRASE = "les lucioles ouvrent a cinq heures"


def log_in(page, live_server, email, password):
    page.goto(f"{live_server}/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", level=1).wait_for()


def log_out(page):
    site_menu(page).get_by_role("button", name="Se déconnecter").click()
    page.get_by_text("Vous êtes déconnecté·e.").wait_for()


def test_new_manager_signs_up_is_approved_and_finds_her_offer(app, page, live_server, session):
    structure = make_structure(session, "Association Les Petits Loups", siret="12345678901234")
    make_offer(session, title="Multi-accueil Les Lucioles", structure=structure)
    coordinator = make_user(
        session,
        "coordinateur",
        email="coordination83@caf.example.org",
        departement_code="83",
        full_name="Paul Coordinateur",
    )

    page.goto(f"{live_server}/inscription")
    page.get_by_label("Vous êtes").select_option("gestionnaire")
    page.get_by_label("Prénom et nom").fill("Nadia Benali")
    page.get_by_label("Adresse électronique professionnelle").fill("nadia@lucioles.example.org")
    page.get_by_label("Organisme ou employeur").fill("Association Les Petits Loups")
    page.get_by_label("Département").select_option("83")
    page.get_by_label("Nom de la structure que vous gérez").fill("Association Les Petits Loups")
    page.get_by_label("Type de structure").select_option("association")
    page.get_by_label("SIRET de la structure (facultatif)").fill("12345678901234")
    page.get_by_label("Mot de passe", exact=True).fill(PASSPHRASE)
    page.get_by_label("Le même mot de passe, encore une fois").fill(PASSPHRASE)
    assert_no_horizontal_overflow(page)
    screenshot(page, "inscription")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.get_by_role("heading", name="Vérifiez votre messagerie").wait_for()

    page.goto(live_server + last_link_sent_to(app, "nadia@lucioles.example.org"))
    page.get_by_role("heading", name="Adresse confirmée").wait_for()

    log_in(page, live_server, coordinator.email, PASSWORD)
    page.goto(f"{live_server}/coordination")
    page.get_by_text("Nadia Benali").first.wait_for()
    assert_no_horizontal_overflow(page)
    screenshot(page, "coordination")
    page.get_by_role("button", name="Valider le compte de Nadia Benali").click()
    page.get_by_role("heading", level=1).wait_for()
    assert "Valider le compte de Nadia Benali" not in page.content()
    log_out(page)

    log_in(page, live_server, "nadia@lucioles.example.org", PASSPHRASE)
    page.get_by_role("link", name="Mes offres").click()
    page.get_by_role("link", name="Multi-accueil Les Lucioles").first.wait_for()
    assert_no_horizontal_overflow(page)
