"""``flask referrals daily``: reminders at 3 and 7 days, expiry at 30 days, emails that failed
sent again, and the purge that blanks personal data 6 months after closing while keeping the
statistics. Time is moved by dating the referral back, as the command reads the real clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from kit.mails import readable, retries_due
from kit.pages import text_of
from referral_form import referral_id_of, send
from sqlalchemy import func, select

from app.core.outgoing import OutgoingMail
from app.db import utcnow
from app.referrals.models import (
    Referral,
    ReferralAccess,
    ReferralEvent,
    ReferralMail,
    ReferralStatus,
)


@pytest.fixture
def referral(client, login, offer, prescriber, manager, parent_form, smtp, session):
    login(prescriber)
    return session.get(Referral, referral_id_of(send(client, offer, parent_form)))


def age(session, referral, days: float) -> None:
    """Make the referral (and its last activity) ``days`` old."""
    moment = utcnow() - timedelta(days=days)
    referral.sent_at = referral.last_activity_at = moment
    session.commit()


def daily(app):
    result = app.test_cli_runner().invoke(args=["referrals", "daily"])
    assert result.exit_code == 0, result.output
    return result.output


def mails_to(smtp, address):
    return [m for m in smtp.messages if address in m["To"]]


def test_reminders_at_3_and_7_days_then_expiry_at_30(app, referral, session, smtp):
    before = len(mails_to(smtp, "accueil@lucioles.fr"))
    age(session, referral, 2)
    daily(app)
    assert len(mails_to(smtp, "accueil@lucioles.fr")) == before

    age(session, referral, 3.1)
    output = daily(app)
    assert "1 rappel" in output
    reminders = mails_to(smtp, "accueil@lucioles.fr")[before:]
    assert len(reminders) == 1 and "attend votre réponse" in readable(reminders[0]["Subject"])
    daily(app)  # a second run the same day sends nothing more
    assert len(mails_to(smtp, "accueil@lucioles.fr")) == before + 1

    age(session, referral, 7.1)
    daily(app)
    second = mails_to(smtp, "accueil@lucioles.fr")[-1]
    assert "Deuxième rappel" in readable(smtp.text(second))
    session.refresh(referral)
    assert referral.reminders_sent == 2

    age(session, referral, 30.1)
    daily(app)
    session.refresh(referral)
    assert referral.status == ReferralStatus.EXPIRED and referral.closed_at is not None
    expired = readable(smtp.text(smtp.last_to("conseiller@francetravail.fr")))
    assert "a expiré" in expired
    kinds = session.scalars(
        select(ReferralEvent.kind)
        .where(ReferralEvent.referral_id == referral.id)
        .order_by(ReferralEvent.id)
    ).all()
    assert kinds == ["sent", "reminder", "reminder", "expired"]


def test_an_answered_referral_gets_no_reminder_and_does_not_expire_at_30_days(
    app, client, referral, session, smtp
):
    referral.status, referral.first_answer_at = ReferralStatus.WAITING_LIST, utcnow()
    session.commit()
    age(session, referral, 31)
    before = len(smtp.messages)
    daily(app)
    session.refresh(referral)
    assert referral.status == ReferralStatus.WAITING_LIST
    assert len(smtp.messages) == before


def test_emails_that_failed_are_sent_by_the_command(
    app, client, login, offer, prescriber, parent_form, session, smtp
):
    port = app.config["MAIL_PORT"]
    app.config.update(MAIL_PORT=9)  # the mail server is down while the referral is sent
    client.post("/deconnexion", data={"csrf_token": ""})
    login(prescriber)
    before = len(smtp.messages)
    referral = session.get(
        Referral, referral_id_of(send(client, offer, dict(parent_form, prenom="Sofia")))
    )
    assert (
        session.scalar(select(ReferralMail.status).where(ReferralMail.referral_id == referral.id))
        == "queued"
    )
    (mail,) = session.scalars(select(OutgoingMail)).all()
    assert (mail.status, mail.attempts) == ("pending", 1)
    assert len(smtp.messages) == before
    app.config.update(MAIL_PORT=port)
    assert "Courriels : 0 envoyé(s)" in daily(app)  # not before its retry delay
    retries_due(session)
    assert "Courriels : 1 envoyé(s)" in daily(app)
    session.refresh(mail)
    assert (mail.status, mail.attempts) == ("sent", 2)
    assert "/orientations/reponse/" in smtp.text(smtp.last_to("accueil@lucioles.fr"))
    assert "Courriels : 0 envoyé(s)" in daily(app)  # never twice


def test_purge_blanks_personal_data_and_keeps_the_statistics(
    app, client, login, referral, manager, session
):
    post_message = referral.events[0]
    assert post_message.kind == "sent"
    referral.status = ReferralStatus.REFUSED
    referral.first_answer_at = referral.sent_at + timedelta(hours=20)
    referral.refusal_reason, referral.refusal_detail = "complet", "Désolée pour Amina."
    referral.closed_at = utcnow() - timedelta(days=app.config["REFERRAL_RETENTION_DAYS"] - 1)
    session.commit()
    daily(app)
    session.refresh(referral)
    assert referral.anonymised_at is None and referral.parent_first_name == "Amina"  # not yet

    referral.closed_at = utcnow() - timedelta(days=app.config["REFERRAL_RETENTION_DAYS"] + 1)
    session.commit()
    assert "1 orientation anonymisée" in daily(app)
    session.expire_all()
    kept = session.get(Referral, referral.id)
    assert kept.anonymised_at is not None
    for name in (
        "parent_first_name",
        "parent_initial",
        "parent_phone",
        "parent_email",
        "france_travail_id",
        "message",
        "refusal_detail",
        "days",
    ):
        assert getattr(kept, name) == "", name
    assert kept.children_months == [] and kept.start_date is None and kept.hours_start is None
    assert all(e.text == "" for e in kept.events)
    # The statistics remain.
    assert (kept.status, kept.reason.value, kept.refusal_reason, kept.children_count) == (
        ReferralStatus.REFUSED,
        "emploi",
        "complet",
        1,
    )
    assert kept.first_answer_at - kept.sent_at == timedelta(hours=20)
    # The people who could see it see that it was erased.
    login(manager)
    page = text_of(client.get(f"/orientations/{referral.id}").get_data(as_text=True))
    assert "ont été effacées" in page and "Amina" not in page and "06 12" not in page


def test_purge_command_with_its_own_retention(app, referral, session):
    referral.status, referral.closed_at = ReferralStatus.CANCELLED, utcnow() - timedelta(days=40)
    session.commit()
    result = app.test_cli_runner().invoke(args=["referrals", "purge", "--jours", "30"])
    assert result.exit_code == 0 and "1 orientation anonymisée" in result.output
    session.refresh(referral)
    assert referral.parent_phone == ""
    refused = app.test_cli_runner().invoke(args=["referrals", "purge", "--jours", "0"])
    assert refused.exit_code != 0


def test_open_referrals_are_never_purged(app, referral, session):
    age(session, referral, 400)
    referral.status = ReferralStatus.WAITING_LIST
    referral.last_activity_at = utcnow()
    session.commit()
    daily(app)
    session.refresh(referral)
    assert referral.parent_first_name == "Amina"


def test_access_log_lines_older_than_a_year_go(app, referral, session):
    session.add(
        ReferralAccess(
            referral_id=referral.id,
            via="compte",
            action="consultation",
            at=utcnow() - timedelta(days=400),
        )
    )
    session.commit()
    daily(app)
    assert (
        session.scalar(
            select(func.count(ReferralAccess.id)).where(
                ReferralAccess.at < utcnow() - timedelta(days=365)
            )
        )
        == 0
    )
