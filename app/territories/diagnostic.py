"""The coordinators' diagnostic of their département (the CDSF's input): each structure's
referral figures, offers not updated for 3 months, AVIP label reviews due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.directory.models import Offer, OfferStatus
from app.directory.rules import stale_before
from app.moderation.queries import reviews_due_query
from app.referrals.queries import ResponseFigures, structures_response

#: Offers listed by name at most (all are counted).
LISTED = 200


@dataclass(frozen=True)
class Diagnostic:
    structures: list[tuple[str, ResponseFigures]]
    stale_count: int
    stale: list[Offer]
    reviews_due: list[Offer]


def build(session: Session, departement_code: str, now: datetime, today: date) -> Diagnostic:
    stale_where = (
        Offer.departement_code == departement_code,
        Offer.status == OfferStatus.PUBLISHED,
        Offer.updated_at < stale_before(today),
    )
    stale_count = session.scalar(select(func.count()).select_from(Offer).where(*stale_where))
    stale = session.scalars(
        select(Offer).where(*stale_where).order_by(Offer.updated_at, Offer.id).limit(LISTED)
    )
    reviews = session.scalars(
        reviews_due_query(today)
        .where(Offer.departement_code == departement_code)
        .order_by(Offer.avip_review_on, Offer.id)
        .limit(LISTED)
    )
    return Diagnostic(
        structures_response(session, departement_code, now),
        stale_count or 0,
        list(stale),
        list(reviews),
    )
