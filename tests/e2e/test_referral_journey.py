"""A prescripteur on a phone refers a parent to a crèche; the crèche answers from the emailed
link, without an account; the prescripteur sees the answer, and the offer page now shows the
crèche's usual response time — with and without JavaScript."""

import re
from datetime import timedelta

from kit.browser import assert_no_horizontal_overflow, screenshot, site_menu
from kit.factories import PASSWORD, make_offer, make_referral, make_structure, make_user
from kit.mails import last_link_sent_to

from app.db import utcnow
from app.referrals.models import ReferralStatus


def answered_before(session, offer, prescriber, hours):
    """Two earlier referrals, answered within a day and a half: one more makes a badge."""
    for n, h in enumerate(hours):
        sent = utcnow() - timedelta(days=10 + n)
        make_referral(
            session,
            offer,
            prescriber,
            commit=False,
            idempotency_key=f"{n + 1:032x}",
            parent_first_name="Ancien",
            parent_initial="A",
            consent_at=sent,
            sent_at=sent,
            last_activity_at=sent,
            status=ReferralStatus.ACCEPTED,
            first_answer_at=sent + timedelta(hours=h),
            closed_at=sent + timedelta(hours=h),
        )
    session.commit()


def test_a_parent_is_referred_and_the_creche_answers_from_its_phone(
    app, page, browser, live_server, session
):
    structure = make_structure(session, "Association Les Lucioles")
    offer = make_offer(
        session,
        title="Multi-accueil Les Lucioles",
        structure=structure,
        free_places=2,
        contact_email="accueil@lucioles.example.org",
    )
    prescriber = make_user(
        session,
        "prescripteur",
        email="karim@francetravail.example.org",
        full_name="Karim Diallo",
        organisation="France Travail Toulon",
    )
    answered_before(session, offer, prescriber, [20, 30])

    page.goto(f"{live_server}/connexion")
    page.get_by_label("Adresse électronique").fill(prescriber.email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", level=1).wait_for()
    page.goto(f"{live_server}/offre/{offer.id}")
    assert "Répond aux orientations" not in page.content()
    page.get_by_role("link", name="Orienter un parent").click()
    page.get_by_role("heading", name="Orienter un parent").wait_for()

    page.get_by_label("Prénom du parent").fill("Amina")
    page.get_by_label("Initiale de son nom").fill("K")
    page.get_by_label("Téléphone du parent").fill("06 12 34 56 78")
    page.get_by_label("Âge des enfants à faire garder").fill("2 ans")
    page.get_by_label("Date de début souhaitée").fill(
        (utcnow() + timedelta(days=14)).date().isoformat()
    )
    for day in ("Lundi", "Mardi", "Jeudi"):
        page.get_by_label(day, exact=True).check()
    page.get_by_label("De", exact=True).fill("8:00")
    page.get_by_label("À", exact=True).fill("17:00")
    page.get_by_label("Reprise d’un emploi").check()
    # Forgetting the consent is caught, and nothing typed is lost.
    page.get_by_role("button", name="Envoyer l’orientation").click()
    page.get_by_text("Le parent doit avoir accepté").first.wait_for()
    assert page.get_by_label("Prénom du parent").input_value() == "Amina"
    assert_no_horizontal_overflow(page)
    screenshot(page, "orientation-erreurs")
    page.get_by_label(
        "Le parent a accepté que ces informations soient transmises à la structure"
    ).check()
    page.get_by_role("button", name="Envoyer l’orientation").click()
    page.get_by_text("Orientation envoyée à « Multi-accueil Les Lucioles »").wait_for()
    page.get_by_text("En attente de réponse").first.wait_for()
    assert_no_horizontal_overflow(page)
    screenshot(page, "orientation-envoyee")

    # The crèche, on its own phone, without an account, opens the link of the email.
    crèche = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=page.js_enabled, locale="fr-FR"
    ).new_page()
    crèche.js_enabled = page.js_enabled
    crèche.goto(live_server + last_link_sent_to(app, "accueil@lucioles.example.org"))
    crèche.get_by_text("06 12 34 56 78").wait_for()
    crèche.get_by_label("Accepter : le parent a une place").check()
    crèche.get_by_label("Date d’accueil prévue").fill(
        (utcnow() + timedelta(days=15)).strftime("%d/%m/%Y")
    )
    assert_no_horizontal_overflow(crèche)
    screenshot(crèche, "orientation-reponse-structure")
    crèche.get_by_role("button", name="Envoyer ma réponse").click()
    crèche.get_by_text("Votre réponse est enregistrée : acceptée").wait_for()
    crèche.context.close()

    site_menu(page).get_by_role("link", name="Mon espace").click()
    page.get_by_role("link", name="Mes orientations").click()
    page.get_by_text("Acceptée").first.wait_for()
    page.get_by_role("link", name=re.compile("Amina K.")).click()
    page.get_by_text("Acceptée par la structure : accueil prévu le").wait_for()
    assert_no_horizontal_overflow(page)
    screenshot(page, "orientation-acceptee")
    page.goto(f"{live_server}/offre/{offer.id}")
    page.get_by_text("Répond aux orientations sous 1\u00a0jour").wait_for()
