"""Outcomes (« suivi des trajectoires »): 3 and 6 months after a referral was accepted, its
prescripteur is asked by email what became of the parent; the answer is kept as a counter only
(département, offer kind, delay, answer), never beside the referral.

The email holds one signed link (valid :data:`LINK_DAYS` days) to a page with four buttons;
the answer (a POST) marks the question answered, so the link works once. A question due more
than :data:`ASK_WITHIN_DAYS` days ago is not sent late (the daily step did not run, or the
referral predates this feature).
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_request_context
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.accounts.tokens import TokenError, make_token, read_token
from app.core.dates import add_months
from app.core.mail import absolute_url
from app.core.outgoing import queue_mail
from app.referrals.models import Origin, Referral, ReferralEvent, ReferralStatus
from app.territories.models import OutcomeAsk, OutcomeCount

#: The delays of the questions, in months after the acceptance (the CNAF's AVIP evaluation saw
#: more than 4 in 10 of those in a job lose it within six months).
DELAYS = (3, 6)
ASK_WITHIN_DAYS = 30
LINK_DAYS = 30
OUTCOME_LINK = ("suivi-parcours", LINK_DAYS * 24 * 3600)

OUTCOMES = {
    "emploi": "En emploi",
    "formation": "En formation",
    "recherche": "En recherche d’emploi",
    "inconnu": "Je ne sais pas",
}


@dataclass
class AskReport:
    asked: int = 0
    without_address: int = 0


def _accepted(session: Session, since: datetime):
    """(referral, accepted at) of prescripteurs' referrals accepted since ``since`` and still
    accepted (the first acceptance counts)."""
    accepted_at = (
        select(ReferralEvent.referral_id, ReferralEvent.at)
        .where(ReferralEvent.kind == "accepted", ReferralEvent.at >= since)
        .order_by(ReferralEvent.referral_id, ReferralEvent.at, ReferralEvent.id)
    )
    first: dict[int, datetime] = {}
    for referral_id, at in session.execute(accepted_at):
        first.setdefault(referral_id, at)
    if not first:
        return []
    referrals = session.scalars(
        select(Referral)
        .where(
            Referral.id.in_(first),
            Referral.status == ReferralStatus.ACCEPTED,
            Referral.origin == Origin.PRESCRIBER,
        )
        .order_by(Referral.id)
    )
    return [(r, first[r.id]) for r in referrals]


def ask_due(session: Session, now: datetime) -> AskReport:
    """Queue today's questions (the caller commits); a second run the same day sends none."""
    today = now.date()
    report = AskReport()
    oldest = add_months(today, -max(DELAYS)) - timedelta(days=ASK_WITHIN_DAYS)
    asked = {(a, m) for a, m in session.execute(select(OutcomeAsk.referral_id, OutcomeAsk.months))}
    for referral, accepted_at in _accepted(session, datetime.combine(oldest, datetime.min.time())):
        for months in DELAYS:
            due = add_months(accepted_at.date(), months)
            if due > today or today > due + timedelta(days=ASK_WITHIN_DAYS):
                continue
            if (referral.id, months) in asked:
                continue
            ask = OutcomeAsk(referral_id=referral.id, months=months, due_on=due, sent_at=now)
            session.add(ask)
            session.flush()
            prescriber = referral.prescriber
            if prescriber is None or not prescriber.email:
                report.without_address += 1
                continue
            with (
                nullcontext()
                if has_request_context()
                else current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"])
            ):
                _queue_question(session, ask, referral, prescriber.email, accepted_at)
            report.asked += 1
    return report


def _queue_question(session, ask, referral, address, accepted_at) -> None:
    queue_mail(
        session,
        address,
        f"Que devient le parent orienté vers « {referral.offer.title} » ?",
        "outcome_question",
        referral=referral,
        prescriber=referral.prescriber,
        months=ask.months,
        accepted_at=accepted_at,
        link=absolute_url("territories.outcome", token=make_token(OUTCOME_LINK, {"a": ask.id})),
    )


class OutcomeLinkError(ValueError):
    """The link is broken, expired or already used (``reason``: invalid, expired, used)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def ask_from_token(session: Session, token: str) -> OutcomeAsk:
    try:
        payload = read_token(OUTCOME_LINK, token)
    except TokenError as error:
        raise OutcomeLinkError("expired" if error.expired else "invalid") from None
    ask_id = payload.get("a")
    ask = session.get(OutcomeAsk, ask_id) if isinstance(ask_id, int) else None
    if ask is None:
        raise OutcomeLinkError("invalid")
    if ask.answered_at is not None:
        raise OutcomeLinkError("used")
    return ask


def answer(session: Session, token: str, outcome: str, now: datetime) -> OutcomeAsk:
    """Count the answer and use up the link (the caller commits)."""
    if outcome not in OUTCOMES:
        raise OutcomeLinkError("invalid")
    ask = ask_from_token(session, token)
    ask.answered_at = now
    referral = session.get(Referral, ask.referral_id)
    assert referral is not None  # the ask goes with its referral (ON DELETE CASCADE)
    _increment(session, referral.departement_code, referral.offer.kind.value, ask.months, outcome)
    return ask


def _increment(session: Session, departement: str, kind: str, months: int, outcome: str) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(OutcomeCount).values(
        departement_code=departement, offer_kind=kind, months=months, outcome=outcome, answers=1
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["departement_code", "offer_kind", "months", "outcome"],
            set_={"answers": OutcomeCount.answers + 1},
        )
    )
