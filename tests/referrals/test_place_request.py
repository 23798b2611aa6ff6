"""« Demander une place »: a parent without a conseiller asks an offer for a place, with no
account. The request is a referral from the parent (same states, signed link, reminders,
expiry, purge); the structure answers from the emailed link and the parent gets the answer by
email. Emails go through the outgoing queue (sent after the response)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from kit.forms import csrf_token, csrf_token_in
from kit.mails import link_in, readable
from kit.pages import controls_named, tags, text_of, unlabelled_controls
from referral_form import form_key
from sqlalchemy import func, select

from app.core.outgoing import OutgoingMail
from app.db import utcnow
from app.referrals import services
from app.referrals.commands import run_daily
from app.referrals.models import Origin, Referral, ReferralStatus


@pytest.fixture
def request_form(parent_form) -> dict:
    """What a parent types: her first name and email, a 2-year-old, Monday–Friday 8:00–17:30."""
    return {
        "prenom": "Amina",
        "courriel": "amina.k@exemple.fr",
        "telephone": "",
        "enfants": "2 ans",
        "debut": parent_form["debut"],
        "jours": ["lu", "ma", "me", "je", "ve"],
        "de": "8:00",
        "a": "17:30",
        "message": "Je reprends un emploi de caissière.",
        "accord": "y",
    }


def url(offer) -> str:
    return f"/offre/{offer.id}/demander-une-place"


def ask(client, offer, data: dict, *, key: str | None = None):
    page = client.get(url(offer)).get_data(as_text=True)
    payload = {"csrf_token": csrf_token_in(page), "cle": key or form_key(page), **data}
    return client.post(url(offer), data=payload)


def parent_requests(session) -> list[Referral]:
    session.expire_all()
    return list(session.scalars(select(Referral).where(Referral.origin == Origin.PARENT)))


def test_the_offer_page_leads_to_the_request_form(client, offer):
    page = client.get(f"/offre/{offer.id}").get_data(as_text=True)
    assert tags(page, "a", href=url(offer))
    form = client.get(url(offer)).get_data(as_text=True)
    assert unlabelled_controls(form) == []
    assert "J’accepte que ces informations soient transmises à la structure" in text_of(form)
    assert tags(form, "a", href="/orientations/vos-donnees")


def test_a_parent_asks_and_the_structure_and_the_parent_are_emailed(
    client, offer, request_form, session, smtp
):
    response = ask(client, offer, request_form)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/offre/{offer.id}/demande-envoyee")
    assert "Votre demande est envoyée" in text_of(
        client.get(response.headers["Location"]).get_data(as_text=True)
    )
    [request] = parent_requests(session)
    assert (request.status, request.prescriber_id, request.reason) == (
        ReferralStatus.SENT,
        None,
        None,
    )
    assert (request.parent_first_name, request.parent_email, request.children_months) == (
        "Amina",
        "amina.k@exemple.fr",
        [24],
    )
    structure_mail = smtp.last_to("accueil@lucioles.fr")
    assert "Un parent vous demande une place" in readable(structure_mail["Subject"])
    body = readable(smtp.text(structure_mail))
    assert "/orientations/reponse/" in body
    assert "amina" not in link_in(body).lower()  # no personal data in the link
    receipt = readable(smtp.text(smtp.last_to("amina.k@exemple.fr")))
    assert "Votre demande de place a bien été transmise" in receipt
    # Both went through the outgoing queue, sent after the response.
    statuses = session.scalars(select(OutgoingMail.status)).all()
    assert statuses and set(statuses) == {"sent"}


def test_without_the_csrf_token_nothing_is_sent(client, offer, request_form, session):
    page = client.get(url(offer)).get_data(as_text=True)
    response = client.post(url(offer), data={"cle": form_key(page), **request_form})
    assert response.status_code in (400, 422)
    assert parent_requests(session) == []


def test_a_double_click_sends_one_request(client, offer, request_form, session):
    page = client.get(url(offer)).get_data(as_text=True)
    payload = {"csrf_token": csrf_token_in(page), "cle": form_key(page), **request_form}
    first = client.post(url(offer), data=payload)
    second = client.post(url(offer), data=payload)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert len(parent_requests(session)) == 1


def test_bad_input_is_told_in_french_and_kept(client, offer, request_form, session):
    data = dict(
        request_form,
        courriel="amina@",
        enfants="deux ans",
        de="25:00",
        jours=[],
        accord="",
        prenom="Amina",
    )
    response = ask(client, offer, data)
    assert response.status_code == 422
    text = text_of(response.get_data(as_text=True))
    assert "Erreurs" in text
    assert "« deux ans » n’est pas un âge" in text
    assert "Cochez les jours où la garde est nécessaire." in text
    assert "Cochez la case d’accord" in text
    page = response.get_data(as_text=True)
    assert controls_named(page, "prenom")[0]["value"] == "Amina"
    assert controls_named(page, "courriel")[0]["value"] == "amina@"
    assert parent_requests(session) == []


def test_the_email_is_required_the_phone_is_not(client, offer, request_form, session):
    response = ask(client, offer, dict(request_form, courriel="", telephone="06 12 34 56 78"))
    assert response.status_code == 422
    assert "Indiquez votre adresse électronique" in text_of(response.get_data(as_text=True))
    assert ask(client, offer, request_form).status_code == 303


def test_requests_are_rate_limited(client, offer, request_form):
    statuses = [ask(client, offer, dict(request_form, accord="")).status_code for _ in range(6)]
    assert statuses[:5] == [422] * 5 and statuses[5] == 429


def test_a_structure_may_refuse_online_requests(client, offer, request_form, session):
    offer.online_requests = False
    session.commit()
    page = client.get(f"/offre/{offer.id}").get_data(as_text=True)
    assert not tags(page, "a", href=url(offer))
    form_page = client.get(url(offer))
    assert "Cette structure ne reçoit pas de demandes en ligne." in text_of(
        form_page.get_data(as_text=True)
    )
    response = client.post(url(offer), data={"csrf_token": csrf_token(client), **request_form})
    assert response.status_code == 200
    assert parent_requests(session) == []


def test_an_unpublished_offer_takes_no_request(client, offer, session):
    from app.directory.models import OfferStatus

    offer.status = OfferStatus.DRAFT
    session.commit()
    assert client.get(url(offer)).status_code == 404
    assert client.get("/offre/999999/demander-une-place").status_code == 404


def _structure_link(smtp) -> str:
    return link_in(readable(smtp.text(smtp.last_to("accueil@lucioles.fr"))))


def answer_from_link(app, session, link: str, reponse: str, message: str):
    """The structure, with no account nor cookie, opens its link and answers."""
    other = app.test_client()
    page = other.get(link).get_data(as_text=True)
    request = parent_requests(session)[0]
    data = {"csrf_token": csrf_token_in(page), "version": str(request.version)}
    return other, other.post(link, data={**data, "reponse": reponse, "message": message})


def test_the_structure_answers_from_its_link_and_the_parent_is_told(
    client, app, offer, request_form, session, smtp
):
    ask(client, offer, request_form)
    link = _structure_link(smtp)
    other = app.test_client()  # the structure: no account, no cookie
    page = other.get(link).get_data(as_text=True)
    assert "Demande de place nᵒ" in text_of(page)
    assert "amina.k@exemple.fr" in page
    # No « demander des informations » (the parent has no account) and no message thread.
    assert "Demander des informations" not in text_of(page)
    assert "Écrire à" not in text_of(page)
    other, answer = answer_from_link(
        app, session, link, "liste-d-attente", "Une place se libère sans doute en mars."
    )
    assert answer.status_code == 302
    assert "Le parent est prévenu par courriel" in text_of(other.get(link).get_data(as_text=True))
    session.expire_all()
    assert parent_requests(session)[0].status == ReferralStatus.WAITING_LIST
    told = smtp.last_to("amina.k@exemple.fr")
    assert "Sur liste d’attente" in readable(told["Subject"])
    body = readable(smtp.text(told))
    assert "liste d’attente" in body and "Une place se libère sans doute en mars." in body


def test_asking_for_information_is_refused_for_a_parent_request(
    client, app, offer, request_form, session, smtp
):
    ask(client, offer, request_form)
    _, response = answer_from_link(
        app, session, _structure_link(smtp), "informations-demandees", "Quel âge exactement ?"
    )
    assert response.status_code == 422
    assert parent_requests(session)[0].status == ReferralStatus.SENT


def test_an_expired_link_offers_a_new_one(client, app, offer, request_form, smtp, monkeypatch):
    ask(client, offer, request_form)
    link = _structure_link(smtp)
    import app.accounts.tokens as tokens

    monkeypatch.setattr(tokens, "REFERRAL_ANSWER", ("orientation-reponse", -1))
    monkeypatch.setattr("app.referrals.views.REFERRAL_ANSWER", ("orientation-reponse", -1))
    response = app.test_client().get(link)
    assert response.status_code == 410
    assert "nouveau lien" in text_of(response.get_data(as_text=True)).lower()


def test_managers_see_the_request_and_others_do_not(
    client, app, offer, request_form, session, manager, other_manager, prescriber, login
):
    ask(client, offer, request_form)
    request = parent_requests(session)[0]
    login(manager)
    listing = text_of(client.get("/orientations/recues").get_data(as_text=True))
    assert "Amina → Multi-accueil Les Lucioles" in listing
    assert "demande directe du parent" in listing
    assert "Demande de place nᵒ" in text_of(
        client.get(f"/orientations/{request.id}").get_data(as_text=True)
    )
    client.post("/deconnexion", data={"csrf_token": ""})
    for intruder in (other_manager, prescriber):
        visitor = app.test_client()
        from kit.clients import login_as

        login_as(visitor, intruder)
        assert visitor.get(f"/orientations/{request.id}").status_code == 404
        assert "Amina" not in text_of(visitor.get("/orientations/recues").get_data(as_text=True))


def test_unanswered_requests_expire_and_the_parent_is_told(
    client, app, offer, request_form, session, smtp
):
    ask(client, offer, request_form)
    request = parent_requests(session)[0]
    request.sent_at = request.last_activity_at = utcnow() - timedelta(days=31)
    session.commit()
    with app.app_context():
        run_daily(echo=lambda _: None)
    session.expire_all()
    assert parent_requests(session)[0].status == ReferralStatus.EXPIRED
    told = smtp.last_to("amina.k@exemple.fr")
    assert "a expiré sans réponse" in readable(told["Subject"])


def test_reminders_reach_the_structure(client, app, offer, request_form, session, smtp):
    ask(client, offer, request_form)
    request = parent_requests(session)[0]
    request.sent_at = utcnow() - timedelta(days=3, hours=1)
    session.commit()
    before = len(smtp.messages)
    with app.app_context():
        run_daily(echo=lambda _: None)
    reminders = [
        m
        for m in smtp.messages[before:]
        if "un parent attend votre réponse" in readable(m["Subject"])
    ]
    assert len(reminders) == 1


def test_the_purge_blanks_a_parent_request(client, app, offer, request_form, session):
    ask(client, offer, request_form)
    request = parent_requests(session)[0]
    request.status = ReferralStatus.REFUSED
    request.closed_at = utcnow() - timedelta(days=app.config["REFERRAL_RETENTION_DAYS"] + 1)
    session.commit()
    with app.app_context():
        run_daily(echo=lambda _: None)
    request = parent_requests(session)[0]
    assert request.anonymised_at is not None
    assert (request.parent_first_name, request.parent_email, request.message) == ("", "", "")


def test_the_unique_key_catches_a_race(session, offer, request_form):
    """Two requests with one key at the same instant: the database keeps one."""
    from sqlalchemy.exc import IntegrityError

    from app.referrals.forms import new_key
    from app.referrals.services import ReferralInput

    key = new_key()
    data = ReferralInput(
        first_name="Amina",
        initial="",
        phone="",
        email="a@exemple.fr",
        children_months=[24],
        start_date=utcnow().date() + timedelta(days=10),
        days=("lu",),
        hours_start=utcnow().time().replace(hour=8, minute=0),
        hours_end=utcnow().time().replace(hour=17, minute=0),
        reason=None,
        france_travail_id="",
        message="",
        idempotency_key=key,
    )
    services.create_parent_request(session, offer, data, utcnow())
    session.commit()
    with pytest.raises(IntegrityError):
        services.create_parent_request(session, offer, data, utcnow())
        session.commit()
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Referral)) == 1
    assert re.fullmatch(r"[0-9a-f]{32}", key)


def test_no_message_thread_on_a_parent_request(client, app, offer, request_form, session, smtp):
    """A message posted anyway (no form offers it) is refused in French and queues nothing."""
    ask(client, offer, request_form)
    link = _structure_link(smtp)
    other = app.test_client()
    page = other.get(link).get_data(as_text=True)
    request = parent_requests(session)[0]
    response = other.post(
        link + "/message",
        data={"csrf_token": csrf_token_in(page), "version": str(request.version), "texte": "Hé"},
        follow_redirects=True,
    )
    assert "Cette demande vient directement du parent" in text_of(response.get_data(as_text=True))
    assert [e.kind for e in parent_requests(session)[0].events] == ["sent", "seen"]
