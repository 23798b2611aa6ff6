"""A prescripteur refers a parent to an offer: the form asks the minimum, warns before sending
(no place, hours, age, same parent within 30 days), one click sends one referral, and the
structure gets an email with a signed link (no personal data in it)."""

from __future__ import annotations

from datetime import date, timedelta

from kit.mails import hang_then_recover, link_in, readable
from kit.pages import tags, text_of, unlabelled_controls
from referral_form import form_key, referral_id_of, send
from sqlalchemy import func, select

from app.core.outgoing import OutgoingMail
from app.directory.models import Closure
from app.referrals.models import Referral, ReferralEvent, ReferralMail, ReferralStatus


def test_the_offer_page_offers_to_refer_to_a_prescripteur_only(
    client, login, offer, prescriber, manager
):
    assert "Orienter un parent" not in client.get(f"/offre/{offer.id}").get_data(as_text=True)
    login(prescriber)
    page = client.get(f"/offre/{offer.id}").get_data(as_text=True)
    assert tags(page, "a", href=f"/orientations/nouvelle/{offer.id}")
    client.post("/deconnexion", data={"csrf_token": ""})


def test_search_results_offer_to_refer(client, login, offer, prescriber, index, session):
    index.sync(session)
    login(prescriber)
    page = client.get("/recherche?lieu=Toulon").get_data(as_text=True)
    assert tags(page, "a", href=f"/orientations/nouvelle/{offer.id}")


def test_only_prescripteurs_may_refer(client, login, offer, manager, coordinator):
    assert client.get(f"/orientations/nouvelle/{offer.id}").status_code == 302  # to the login page
    login(manager)
    assert client.get(f"/orientations/nouvelle/{offer.id}").status_code == 403


def test_the_form_is_labelled_and_asks_for_consent(client, login, offer, prescriber):
    login(prescriber)
    page = client.get(f"/orientations/nouvelle/{offer.id}").get_data(as_text=True)
    assert unlabelled_controls(page) == []
    assert "Le parent a accepté que ces informations soient transmises à la structure" in text_of(
        page
    )
    assert tags(page, "a", href="/orientations/vos-donnees")


def test_a_referral_is_sent_and_the_structure_emailed(
    client, login, offer, prescriber, manager, parent_form, smtp, session
):
    login(prescriber)
    response = send(client, offer, parent_form)
    assert response.status_code == 302
    referral = session.get(Referral, referral_id_of(response))
    assert referral.status == ReferralStatus.SENT
    assert (referral.parent_first_name, referral.parent_initial, referral.children_months) == (
        "Amina",
        "K",
        [24],
    )
    assert referral.days == "lu,ma,me,je,ve" and referral.france_travail_id == "1234567A"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Orientation envoyée à « Multi-accueil Les Lucioles »" in text_of(page)
    assert "En attente de réponse" in text_of(page)
    # Both the offer's contact address and the manager's account are told.
    for address in ("accueil@lucioles.fr", "directrice@lucioles.fr"):
        mail = smtp.last_to(address)
        body = readable(smtp.text(mail))
        assert "Karim Diallo (France Travail Toulon)" in body
        assert "2 ans" in body and "Reprise d’un emploi" in body
        # Minimal: no contact details in the email, none in the subject nor in the link.
        assert "06 12 34 56 78" not in body and "amina" not in body.lower()
        assert "Amina" not in mail["Subject"]
        path = link_in(body)
        assert path.startswith("/orientations/reponse/")
        assert "amina" not in path.lower() and "0612" not in path
    assert session.scalar(select(ReferralMail.status)) == "queued"
    assert set(session.scalars(select(OutgoingMail.status))) == {"sent"}


def test_errors_are_french_and_nothing_typed_is_lost(
    client, login, offer, prescriber, parent_form, session
):
    login(prescriber)
    data = dict(parent_form, telephone="", courriel="", enfants="deux ans", de="25:00", accord="")
    response = send(client, offer, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    text = text_of(page)
    assert "Indiquez au moins un moyen de joindre le parent" in text
    assert "« deux ans » n’est pas un âge" in text
    assert "Le parent doit avoir accepté" in text
    assert 'value="Amina"' in page and 'value="deux ans"' in page and 'value="25:00"' in page
    assert "Reprise d’un CDD de six mois en logistique." in page
    assert session.scalar(select(func.count(Referral.id))) == 0


def test_a_double_click_sends_one_referral(client, login, offer, prescriber, parent_form, session):
    login(prescriber)
    page = client.get(f"/orientations/nouvelle/{offer.id}").get_data(as_text=True)
    key = form_key(page)
    first = send(client, offer, parent_form, key=key)
    second = send(client, offer, parent_form, key=key)
    assert first.headers["Location"] == second.headers["Location"]
    assert session.scalar(select(func.count(Referral.id))) == 1
    assert (
        session.scalar(select(func.count(ReferralEvent.id)).where(ReferralEvent.kind == "sent"))
        == 1
    )


def test_warnings_ask_for_a_confirmation_and_keep_the_form(
    client, login, offer, prescriber, parent_form, session
):
    offer.free_places = 0
    session.commit()
    login(prescriber)
    data = dict(parent_form, jours=["sa"], de="9:00", a="12:00", enfants="5 ans")
    response = send(client, offer, data)
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert "aucune place disponible" in text
    assert "ne couvrent pas tous les horaires" in text
    assert "L’offre accueille les enfants de 2 mois à 3 ans" in text
    assert session.scalar(select(func.count(Referral.id))) == 0
    page = response.get_data(as_text=True)
    assert [
        b for b in tags(page, "button") if b.get("name") == "confirmer" and b.get("value") == "1"
    ]
    assert 'value="5 ans"' in page
    confirmed = send(client, offer, data, confirm=True)
    assert confirmed.status_code == 302
    assert session.scalar(select(func.count(Referral.id))) == 1


def test_same_parent_within_30_days_is_flagged(
    client, login, offer, prescriber, other_prescriber, parent_form, session
):
    login(prescriber)
    assert send(client, offer, parent_form).status_code == 302
    client.post("/deconnexion", data={"csrf_token": ""})
    login(other_prescriber)
    # Another professional, the same phone number written differently.
    again = send(client, offer, dict(parent_form, courriel="", telephone="+33 6 12 34 56 78"))
    assert again.status_code == 200
    assert "semble déjà avoir été orienté vers cette offre" in text_of(again.get_data(as_text=True))


def test_an_offer_without_any_address_cannot_receive_referrals(
    client, login, offer, prescriber, parent_form, session
):
    offer.contact_email = ""
    session.commit()
    login(prescriber)
    page = client.get(f"/orientations/nouvelle/{offer.id}").get_data(as_text=True)
    assert "n’a pas d’adresse de courriel" in text_of(page)
    assert send(client, offer, parent_form, key="0" * 32).status_code == 200
    assert session.scalar(select(func.count(Referral.id))) == 0


def test_a_mail_failure_loses_nothing(client, login, offer, prescriber, parent_form, session, app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)  # nothing listens there
    login(prescriber)
    response = send(client, offer, parent_form)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "En attente de réponse" in text_of(page)
    assert session.scalar(select(ReferralMail.status)) == "queued"
    mails = session.scalars(select(OutgoingMail)).all()
    assert [(m.status, m.attempts) for m in mails] == [("pending", 1)] * len(mails) != []
    assert all("@" not in m.last_error for m in mails)


def test_a_hung_mail_server_delays_no_referral_and_its_emails_go_once_it_recovers(
    app, client, login, offer, manager, prescriber, parent_form, session, smtp
):
    """Issue 24, finding 9: the email leaves after the response, from the queue, retried."""
    login(prescriber)
    sent = hang_then_recover(
        app,
        session,
        smtp,
        lambda: referral_id_of(send(client, offer, dict(parent_form, prenom="Sofia"))),
    )
    assert sorted(m["To"] for m in sent) == ["accueil@lucioles.fr", "directrice@lucioles.fr"]
    assert "/orientations/reponse/" in smtp.text(smtp.last_to("accueil@lucioles.fr"))


def test_the_warning_box_holds_the_buttons_and_the_offer_hours(
    client, login, offer, prescriber, parent_form
):
    """Issue 22: « Envoyer quand même » and « Corriger » in the warning box (the form's own
    button was screens below), the offer's hours next to the parent's need."""
    login(prescriber)
    page = send(client, offer, dict(parent_form, jours=["sa"], de="9:00", a="12:00")).get_data(
        as_text=True
    )
    box = page[page.index('id="alertes"') : page.index("</div>", page.index('id="alertes"'))]
    assert [
        b for b in tags(box, "button", form="orientation", value="1") if b["name"] == "confirmer"
    ]
    assert tags(box, "a", href="#formulaire")
    assert tags(page, "form", id="orientation") and tags(page, "fieldset", id="formulaire")
    text = text_of(box)
    assert "Envoyer quand même" in text and "Corriger" in text
    assert "Le parent : samedi, 9 h 00 – 12 h 00." in text
    assert "L’offre : du lundi au vendredi 7 h 00 – 19 h 00." in text


def test_a_start_date_in_a_closure_is_flagged_to_both_sides(
    app, client, login, offer, prescriber, parent_form, session, smtp
):
    start = date.fromisoformat(parent_form["debut"])
    offer.closures.append(
        Closure(start=start - timedelta(days=2), end=start + timedelta(days=5), reason="travaux")
    )
    session.commit()
    login(prescriber)
    warned = text_of(send(client, offer, parent_form).get_data(as_text=True))
    assert "La structure est fermée du" in warned and "(travaux)" in warned
    assert "la date de début souhaitée tombe pendant cette fermeture" in warned
    sent = send(client, offer, parent_form, confirm=True)
    assert sent.status_code == 302
    # The structure's answer page (the emailed link) says it next to the start date.
    link = link_in(readable(smtp.text(smtp.last_to("accueil@lucioles.fr"))))
    answer_page = text_of(app.test_client().get(link).get_data(as_text=True))
    assert "— pendant la fermeture du" in answer_page and "(travaux)" in answer_page
