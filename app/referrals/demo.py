"""Demo referrals for the embedded default: the demo prescripteur has referred a few (fictitious)
parents to the demo manager's offer, so that the lists, the timeline and the response-time
badge can be seen at once. Never in production (called with the demo accounts)."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.demo import DEMO_ACCOUNTS
from app.accounts.models import Membership, User
from app.db import utcnow
from app.directory.models import Offer, OfferStatus
from app.referrals.models import Reason, Referral, ReferralEvent, ReferralStatus, Side

# (first name, initial, days ago, hours to the answer or None, final status, reason)
DEMO = (
    ("Inès", "B", 40, 20, ReferralStatus.ACCEPTED, Reason.JOB),
    ("Yasmina", "T", 25, 30, ReferralStatus.WAITING_LIST, Reason.TRAINING),
    ("Sarah", "L", 12, 45, ReferralStatus.REFUSED, Reason.JOB_SEARCH),
    ("Fatou", "D", 0, None, ReferralStatus.SENT, Reason.INTERVIEW),
)
EVENT = {
    ReferralStatus.ACCEPTED: "accepted",
    ReferralStatus.WAITING_LIST: "waiting_list",
    ReferralStatus.REFUSED: "refused",
}


def create_demo_referrals(session: Session) -> int:
    emails = {role.value: email for email, role, *_ in DEMO_ACCOUNTS}
    prescriber = session.scalar(select(User).where(User.email == emails["prescripteur"]))
    manager = session.scalar(select(User).where(User.email == emails["gestionnaire"]))
    if (
        prescriber is None
        or manager is None
        or session.scalar(
            select(Referral.id).where(Referral.prescriber_id == prescriber.id).limit(1)
        )
    ):
        return 0
    offer = session.scalar(
        select(Offer)
        .join(Membership, Membership.structure_id == Offer.structure_id)
        .where(
            Membership.user_id == manager.id,
            Offer.status == OfferStatus.PUBLISHED,
            Offer.kind != "formation",
        )
        .order_by(Offer.id)
        .limit(1)
    )
    if offer is None:
        return 0
    now = utcnow()
    for n, (first_name, initial, days_ago, answer_hours, status, reason) in enumerate(DEMO):
        sent = now - timedelta(days=days_ago, hours=1)
        referral = Referral(
            offer_id=offer.id,
            structure_id=offer.structure_id,
            departement_code=offer.departement_code,
            prescriber_id=prescriber.id,
            idempotency_key=uuid.uuid4().hex,
            status=status,
            parent_first_name=first_name,
            parent_initial=initial,
            parent_phone=f"06 00 00 00 0{n}",
            children_months=[18 + 6 * n],
            children_count=1,
            start_date=(sent + timedelta(days=21)).date(),
            days="lu,ma,me,je,ve",
            hours_start=time(8),
            hours_end=time(17, 30),
            reason=reason,
            message="Parent fictif des données de démonstration.",
            consent_at=sent,
            sent_at=sent,
            last_activity_at=sent,
        )
        referral.events.append(
            ReferralEvent(kind="sent", side=Side.PRESCRIBER, actor_id=prescriber.id, at=sent)
        )
        if answer_hours is not None:
            answered = sent + timedelta(hours=answer_hours)
            referral.seen_at = referral.first_answer_at = referral.last_activity_at = answered
            referral.events.append(
                ReferralEvent(kind="seen", side=Side.STRUCTURE, actor_id=manager.id, at=answered)
            )
            referral.events.append(
                ReferralEvent(
                    kind=EVENT[status], side=Side.STRUCTURE, actor_id=manager.id, at=answered
                )
            )
            if status == ReferralStatus.ACCEPTED:
                referral.accepted_start_date = referral.start_date
            if status == ReferralStatus.REFUSED:
                referral.refusal_reason = "horaires"
            if status in (ReferralStatus.ACCEPTED, ReferralStatus.REFUSED):
                referral.closed_at = answered
        session.add(referral)
    session.commit()
    return len(DEMO)
