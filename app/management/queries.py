"""What the back office's pages read: the offers a person manages, one page at a time, and an
offer's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from app.accounts.models import User
from app.accounts.policies import manageable_offers_query
from app.directory.history import ACTION_LABELS, FIELD_LABELS, history_text
from app.directory.models import Offer, OfferChange, OfferStatus
from app.directory.rules import stale_before
from app.geo.timezones import zone_for_departement
from app.management.presenters import HistoryEntry, OfferRow


@dataclass
class OfferListing:
    rows: list[OfferRow]
    total: int
    stale: int
    page: int
    pages: int


def list_offers(
    session: Session,
    user: User,
    today: date,
    *,
    page: int,
    page_size: int,
    stale_only: bool = False,
) -> OfferListing:
    """The offers ``user`` manages (archived last, then by title), one page of them."""
    base = manageable_offers_query(session, user)
    stale_filter = (Offer.status == OfferStatus.PUBLISHED, Offer.updated_at < stale_before(today))
    stale = (
        session.scalar(select(func.count()).select_from(base.where(*stale_filter).subquery())) or 0
    )
    if stale_only:
        base = base.where(*stale_filter)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    query = (
        base.options(selectinload(Offer.structure), selectinload(Offer.slots))
        .order_by(case((Offer.status == OfferStatus.ARCHIVED, 1), else_=0), Offer.title, Offer.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    rows = [OfferRow.of(o, today) for o in session.scalars(query)]
    return OfferListing(rows, total, stale, page, pages)


@dataclass
class HistoryPage:
    entries: list[HistoryEntry]
    page: int
    pages: int


def offer_history(session: Session, offer: Offer, *, page: int, page_size: int) -> HistoryPage:
    """The offer's changes, newest first, with who made them and what changed."""
    total = (
        session.scalar(select(func.count(OfferChange.id)).where(OfferChange.offer_id == offer.id))
        or 0
    )
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    rows = session.execute(
        select(OfferChange, User)
        .outerjoin(User, User.id == OfferChange.user_id)
        .where(OfferChange.offer_id == offer.id)
        .order_by(OfferChange.at.desc(), OfferChange.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    zone = zone_for_departement(offer.departement_code)
    entries = []
    for change, user in rows:
        if user is not None:
            who = user.full_name + (f" ({user.organisation})" if user.organisation else "")
        else:
            who = "Passerelle (automatique)" if change.user_id is None else "Compte supprimé"
        items = []
        for key, values in (change.changes or {}).items():
            if isinstance(values, (list, tuple)):
                before, after = [*values, "", ""][:2]
            else:
                before, after = "", values
            items.append((FIELD_LABELS.get(key, key), history_text(before), history_text(after)))
        local = change.at.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
        entries.append(
            HistoryEntry(local, who, ACTION_LABELS.get(change.action, change.action), items)
        )
    return HistoryPage(entries, page, pages)
