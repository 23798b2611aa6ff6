"""A conseiller on a phone sends a crèche to a parent from the search results (« Envoyer à un
parent »): the parent's email holds the offer, how to ask for a place and its link; the page
also gives a text for an SMS, with a copy button when JavaScript runs — with and without it."""

from kit.browser import assert_no_horizontal_overflow, screenshot
from kit.factories import PASSWORD, make_offer, make_structure, make_user
from kit.mails import last_mail_to, readable, text_of_mail


def test_a_conseiller_sends_a_creche_to_a_parent(app, page, live_server, session, index):
    structure = make_structure(session, "Association Les Lucioles")
    offer = make_offer(
        session,
        title="Multi-accueil Les Lucioles",
        structure=structure,
        free_places=2,
        contact_phone="04 94 00 00 00",
        contact_email="accueil@lucioles.example.org",
    )
    make_user(
        session,
        "prescripteur",
        email="karim@francetravail.example.org",
        full_name="Karim Diallo",
        organisation="France Travail Toulon",
    )
    index.sync(session)

    page.goto(f"{live_server}/connexion")
    page.get_by_label("Adresse électronique").fill("karim@francetravail.example.org")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", level=1).wait_for()

    page.goto(f"{live_server}/recherche?lieu=Toulon")
    page.get_by_role("link", name="Envoyer à un parent : Multi-accueil Les Lucioles").click()
    page.get_by_role("heading", name="Envoyer à un parent").wait_for()
    assert_no_horizontal_overflow(page)

    # A mistyped address is said in French, and what was typed stays.
    page.get_by_label("Adresse électronique du parent").fill("amina.k@exemple")
    page.get_by_label("Votre message (facultatif)").fill("La crèche dont je vous ai parlé.")
    page.get_by_role("button", name="Envoyer la fiche").click()
    page.get_by_text("Indiquez une adresse électronique valide").first.wait_for()
    assert page.get_by_label("Votre message (facultatif)").input_value() == (
        "La crèche dont je vous ai parlé."
    )
    page.get_by_label("Adresse électronique du parent").fill("amina.k@exemple.org")
    page.get_by_role("button", name="Envoyer la fiche").click()
    page.get_by_text("Fiche envoyée au parent.").wait_for()
    assert page.get_by_label("Adresse électronique du parent").input_value() == ""

    body = readable(text_of_mail(last_mail_to(app, "amina.k@exemple.org")))
    assert "Karim Diallo (France Travail Toulon) vous envoie une offre de garde" in body
    assert "La crèche dont je vous ai parlé." in body
    assert "- Téléphone : 04 94 00 00 00" in body
    assert f"/offre/{offer.id}\n" in body

    sms = page.get_by_label("Texte à coller dans un SMS")
    assert "tél. 04 94 00 00 00" in sms.input_value()
    assert f"/offre/{offer.id}" in sms.input_value()
    copy = page.get_by_role("button", name="Copier le texte")
    if page.js_enabled:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        copy.click()
        page.get_by_text("Texte copié.").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == sms.input_value()
    else:
        assert not copy.is_visible()  # hidden: the text is selectable instead
    assert_no_horizontal_overflow(page)
    screenshot(page, "share-offer")

    page.get_by_role("link", name="Revenir à l’offre").click()
    page.get_by_role("heading", name="Multi-accueil Les Lucioles").wait_for()
    assert page.get_by_role("link", name="Envoyer à un parent : Multi-accueil Les Lucioles").count()
