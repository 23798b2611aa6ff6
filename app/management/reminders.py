"""Freshness reminders: which managers get which offers « à vérifier » in their email, at
most once per :data:`REMIND_EVERY`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload

from app.accounts.models import AccountStatus, Membership, MembershipStatus, Role, User
from app.directory.models import Offer, OfferStatus
from app.directory.rules import stale_before

#: Its managers are reminded at most once per this period.
REMIND_EVERY = timedelta(days=30)


@dataclass
class ReminderPlan:
    """Who gets which offers in their reminder email."""

    by_manager: dict[int, tuple[User, list[Offer]]]
    unmanaged: list[Offer]

    @property
    def offers(self) -> int:
        return len({o.id for _, offers in self.by_manager.values() for o in offers})


def offers_to_remind(session: Session, today: date, now: datetime) -> list[Offer]:
    """Published offers « à vérifier » whose managers were not reminded in the last 30 days."""
    return list(
        session.scalars(
            select(Offer)
            .options(selectinload(Offer.structure))
            .where(
                Offer.status == OfferStatus.PUBLISHED,
                Offer.updated_at < stale_before(today),
                or_(Offer.reminded_at.is_(None), Offer.reminded_at <= now - REMIND_EVERY),
            )
            .order_by(Offer.id)
        )
    )


def plan_reminders(session: Session, today: date, now: datetime) -> ReminderPlan:
    offers = offers_to_remind(session, today, now)
    structure_ids = {o.structure_id for o in offers}
    managers: dict[int, list[User]] = defaultdict(list)
    if structure_ids:
        rows = session.execute(
            select(Membership.structure_id, User)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.structure_id.in_(structure_ids),
                Membership.status == MembershipStatus.APPROVED,
                User.role == Role.GESTIONNAIRE,
                User.status == AccountStatus.ACTIVE,
            )
            .order_by(User.id)
        ).all()
        for structure_id, user in rows:
            managers[structure_id].append(user)
    plan = ReminderPlan({}, [])
    for offer in offers:
        if not managers.get(offer.structure_id):
            plan.unmanaged.append(offer)
        for user in managers.get(offer.structure_id, ()):
            plan.by_manager.setdefault(user.id, (user, []))[1].append(offer)
    return plan


def mark_reminded(session: Session, offer_ids: list[int], now: datetime) -> None:
    """Note the reminder without touching ``updated_at`` (a reminder is not an update)."""
    if offer_ids:
        session.execute(
            update(Offer)
            .where(Offer.id.in_(offer_ids))
            .values(reminded_at=now, updated_at=Offer.updated_at)
            .execution_options(synchronize_session=False)
        )
