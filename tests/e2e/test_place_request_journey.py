"""A parent on a phone, without a conseiller, finds a childminder, asks her for a place online
(no account); the childminder answers from the emailed link on her own phone; the parent gets
the answer by email. And the offer page leads to an estimate prefilled with the offer's price
and the parent's hours, and back to her own search — with and without JavaScript."""

from datetime import timedelta

from kit.browser import assert_no_horizontal_overflow, screenshot
from kit.factories import make_offer
from kit.mails import last_link_sent_to, readable, text_of_mail

from app.directory.models import OfferKind, Structure, StructureKind
from app.geo.timezones import today_in_france


def sophie(session):
    return make_offer(
        session,
        title="Sophie M., assistante maternelle",
        kind=OfferKind.ASSISTANT_MATERNEL,
        structure=Structure(
            name="Sophie Martin", kind=StructureKind.PARTICULIER, departement_code="83"
        ),
        address="12 rue des Lilas",
        contact_public=False,
        contact_email="sophie@exemple.fr",
        age_min_months=2,
        free_places=1,
        cost_info="4,20 € net de l’heure, plus indemnités d’entretien et repas.",
        how_to_apply="Téléphonez pour convenir d’une visite.",
    )


def last_mail_to(app, address):
    from email import message_from_bytes, policy
    from pathlib import Path

    outbox = Path(app.config["MAIL_OUTBOX"])
    for path in sorted(outbox.glob("*.eml"), reverse=True):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if address in message["To"]:
            return message
    raise AssertionError(f"no email to {address}")


def test_a_parent_asks_for_a_place_and_the_childminder_answers(
    app, page, browser, live_server, session
):
    offer = sophie(session)
    page.goto(f"{live_server}/offre/{offer.id}")
    assert "rue des Lilas" not in page.content()
    assert "Téléphonez" not in page.inner_text("main")
    screenshot(page, "demande-offre")
    page.get_by_role("link", name="Demander une place en ligne").click()
    page.get_by_role("heading", name="Demander une place").wait_for()

    page.get_by_label("Âge des enfants à faire garder").fill("2 ans")
    page.get_by_label("Date de début souhaitée").fill(
        (today_in_france() + timedelta(days=20)).isoformat()
    )
    for day in ("Lundi", "Mardi", "Jeudi"):
        page.get_by_label(day, exact=True).check()
    page.get_by_label("De", exact=True).fill("8:00")
    page.get_by_label("À", exact=True).fill("17:00")
    page.get_by_label("Votre prénom").fill("Amina")
    page.get_by_label("Votre adresse électronique").fill("amina.k@exemple.fr")
    # Forgetting the consent is caught in French, and nothing typed is lost.
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.get_by_text("Cochez la case d’accord").first.wait_for()
    assert page.get_by_label("Votre prénom").input_value() == "Amina"
    assert page.get_by_label("Votre adresse électronique").input_value() == "amina.k@exemple.fr"
    assert_no_horizontal_overflow(page)
    screenshot(page, "demande-erreurs")
    page.get_by_label("J’accepte que ces informations soient transmises").check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.get_by_role("heading", name="Votre demande est envoyée").wait_for()
    assert_no_horizontal_overflow(page)
    screenshot(page, "demande-envoyee")
    receipt = readable(text_of_mail(last_mail_to(app, "amina.k@exemple.fr")))
    assert "Votre demande de place a bien été transmise" in receipt

    # Sophie, on her own phone, without an account, opens the link of her email.
    childminder = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=page.js_enabled, locale="fr-FR"
    ).new_page()
    childminder.js_enabled = page.js_enabled
    childminder.goto(live_server + last_link_sent_to(app, "sophie@exemple.fr"))
    childminder.get_by_text("amina.k@exemple.fr").first.wait_for()
    childminder.get_by_label("Accepter : le parent a une place").check()
    childminder.get_by_label("Date d’accueil prévue").fill(
        (today_in_france() + timedelta(days=21)).strftime("%d/%m/%Y")
    )
    childminder.get_by_label("Message au parent (facultatif)").fill(
        "Passez me voir mercredi à 17 h."
    )
    assert_no_horizontal_overflow(childminder)
    screenshot(childminder, "demande-reponse-structure")
    childminder.get_by_role("button", name="Envoyer ma réponse").click()
    childminder.get_by_text("Votre réponse est enregistrée : acceptée").wait_for()
    childminder.context.close()

    answer = last_mail_to(app, "amina.k@exemple.fr")
    assert "Acceptée" in readable(answer["Subject"])
    body = readable(text_of_mail(answer))
    assert "Bonne nouvelle" in body and "Passez me voir mercredi à 17 h." in body


def test_an_offer_page_leads_to_a_prefilled_estimate_and_back_to_the_search(
    page, live_server, session, index
):
    offer = sophie(session)
    index.sync(session)
    page.goto(f"{live_server}/recherche?lieu=Toulon&jours=lu&jours=ma&de=8:00&a=17:00")
    page.get_by_role("link", name="Sophie M., assistante maternelle").first.click()
    page.get_by_role("heading", name="Sophie M., assistante maternelle").wait_for()
    assert_no_horizontal_overflow(page)
    screenshot(page, "offre-telephone")
    page.get_by_role("link", name="Estimer ce que cette offre me coûterait").click()
    page.wait_for_url("**/estimer-mes-aides?**")
    assert page.locator('[name="tarif"]').input_value() == "4,20"
    assert page.locator('[name="jours"][value="lu"]').is_checked()
    assert page.locator('[name="de"]').input_value() == "8:00"
    screenshot(page, "offre-estimation-preremplie")
    page.go_back()
    page.get_by_role("link", name="Revenir à ma recherche").click()
    page.wait_for_url("**/recherche?**")
    assert "lieu=Toulon" in page.url and "jours=lu" in page.url
    assert page.get_by_role("link", name="Sophie M., assistante maternelle").first.is_visible()
    assert offer.id
