"""Outcomes: 3 and 6 months after an accepted referral, the prescripteur is asked by a signed
link that works once; the answer is kept as a counter only."""

from __future__ import annotations

from datetime import datetime, timedelta

from kit.factories import make_offer, make_referral, make_user
from kit.forms import csrf_token_in
from kit.mails import last_link_sent_to, last_mail_to, readable, text_of_mail
from kit.pages import text_of
from sqlalchemy import select

from app.core.dates import add_months
from app.core.outgoing import send_pending
from app.referrals.models import ReferralEvent, ReferralStatus, Side
from app.territories import outcomes
from app.territories.models import OutcomeCount

NOW = datetime(2026, 12, 5, 9)


def _accepted(session, prescriber, accepted_at: datetime):
    referral = make_referral(
        session,
        make_offer(session),
        prescriber,
        status=ReferralStatus.ACCEPTED,
        sent_at=accepted_at - timedelta(days=2),
        first_answer_at=accepted_at,
    )
    session.add(
        ReferralEvent(referral_id=referral.id, kind="accepted", side=Side.STRUCTURE, at=accepted_at)
    )
    session.commit()
    return referral


def _norm(text: str) -> str:
    return readable(text)


def test_the_prescripteur_is_asked_once_at_three_months_and_answers_once(app, client, session):
    prescriber = make_user(session, "prescripteur", "conseillere@francetravail.example.org")
    accepted_at = datetime.combine(add_months(NOW.date(), -3), NOW.time())
    _accepted(session, prescriber, accepted_at)
    _accepted(session, prescriber, NOW - timedelta(days=150))  # its 3 months are long past
    assert outcomes.ask_due(session, NOW).asked == 1
    session.commit()
    assert outcomes.ask_due(session, NOW).asked == 0  # the same day again: nothing more
    session.commit()
    send_pending(session)
    mail = _norm(text_of_mail(last_mail_to(app, "conseillere@francetravail.example.org")))
    assert "Il y a 3 mois" in mail and "(Amina K.)" in mail
    link = last_link_sent_to(app, "conseillere@francetravail.example.org")
    assert link.startswith("/territoires/suivi/")

    page = client.get(link).get_data(as_text=True)
    assert "En emploi" in page and "Je ne sais pas" in page
    response = client.post(link, data={"csrf_token": csrf_token_in(page), "reponse": "emploi"})
    assert "votre réponse « En emploi » est comptée" in _norm(
        text_of(response.get_data(as_text=True))
    )
    counts = session.execute(
        select(
            OutcomeCount.departement_code,
            OutcomeCount.offer_kind,
            OutcomeCount.months,
            OutcomeCount.outcome,
            OutcomeCount.answers,
        )
    ).all()
    assert counts == [("83", "creche_collective", 3, "emploi", 1)]

    again = client.post(link, data={"csrf_token": csrf_token_in(page), "reponse": "formation"})
    assert "Une réponse a déjà été donnée avec ce lien" in _norm(again.get_data(as_text=True))
    assert session.scalar(select(OutcomeCount.answers)) == 1


def test_a_broken_link_or_a_bad_answer_counts_nothing(app, client, session):
    assert "n’est pas valide" in _norm(client.get("/territoires/suivi/abc").get_data(as_text=True))
    prescriber = make_user(session, "prescripteur", "p@exemple.fr")
    _accepted(session, prescriber, datetime.combine(add_months(NOW.date(), -6), NOW.time()))
    outcomes.ask_due(session, NOW)
    session.commit()
    send_pending(session)
    link = last_link_sent_to(app, "p@exemple.fr")
    page = client.get(link).get_data(as_text=True)
    assert "6 mois après" in _norm(page)
    response = client.post(link, data={"csrf_token": csrf_token_in(page), "reponse": "loto"})
    assert "Choisissez l’une des quatre réponses." in _norm(response.get_data(as_text=True))
    assert session.scalar(select(OutcomeCount.id)) is None
    assert client.post(link, data={"reponse": "emploi"}).status_code == 400  # no CSRF token
