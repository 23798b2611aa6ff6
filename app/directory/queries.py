"""Directory queries: run a search from its criteria, load offers, offers nearby."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.directory.criteria import SearchCriteria
from app.directory.models import CHILDCARE_KINDS, Offer, OfferStatus, Training
from app.geo import Commune, PlaceResolution, resolve_place
from app.search.index import SearchIndex
from app.search.query import Hit, OfferCriteria, find_offers


@dataclass
class ResultRow:
    offer: Offer
    distance_km: float | None


@dataclass
class SearchOutcome:
    criteria: SearchCriteria
    place: PlaceResolution | None
    rows: list[ResultRow] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    searched: bool = False

    @property
    def commune(self) -> Commune | None:
        return self.place.commune if self.place else None


def load_offers(session: Session, ids: list[int]) -> dict[int, Offer]:
    """The offers with what a result card shows, in one round of queries."""
    if not ids:
        return {}
    query = (
        select(Offer)
        .where(Offer.id.in_(ids))
        .options(
            selectinload(Offer.slots),
            selectinload(Offer.closures),
            selectinload(Offer.structure),
            selectinload(Offer.training).selectinload(Training.sessions),
        )
        .order_by(Offer.id)
    )
    return {offer.id: offer for offer in session.execute(query).scalars()}


def get_public_offer(session: Session, offer_id: int) -> Offer | None:
    offers = load_offers(session, [offer_id])
    offer = offers.get(offer_id)
    if offer is None or offer.status is not OfferStatus.PUBLISHED:
        return None
    return offer


def index_criteria(
    criteria: SearchCriteria, point: tuple[float, float] | None, today: date
) -> OfferCriteria:
    """What the search index is asked: the criteria around ``point`` (None: anywhere)."""
    hours_needed = criteria.hours_needed
    return OfferCriteria(
        text=criteria.text,
        kinds=criteria.kinds,
        avip=criteria.avip,
        free_places=criteria.free_places,
        disability=criteria.disability,
        child_age_months=criteria.child_age_months,
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        radius_km=criteria.radius_km if point else None,
        days=criteria.days if hours_needed else (),
        start=hours_needed[0] if hours_needed else None,
        end=hours_needed[1] if hours_needed else None,
        today=today,
        sort=criteria.sort,
        departement=criteria.departement,
    )


def search_directory(
    session: Session, index: SearchIndex, criteria: SearchCriteria, today: date, page_size: int
) -> SearchOutcome:
    """The page of offers ``criteria`` asks for. A place typed is resolved first: when it names
    no single commune, the outcome says so and nothing is searched."""
    place = None
    point = criteria.point
    if point is None and (criteria.place or criteria.code_insee):
        place = resolve_place(criteria.place, criteria.code_insee)
        if place.commune is None:
            # Ask which place is meant before showing anything misleading.
            return SearchOutcome(criteria=criteria, place=place)
        point = (place.commune.latitude, place.commune.longitude)
    outcome = SearchOutcome(criteria=criteria, place=place, page=criteria.page, searched=True)
    offset = (outcome.page - 1) * page_size
    found = find_offers(
        index, index_criteria(criteria, point, today), offset=offset, limit=page_size
    )
    outcome.total = found.total
    outcome.pages = max(1, -(-found.total // page_size))
    outcome.rows = _rows(session, found.hits)
    return outcome


def _rows(session: Session, hits: list[Hit]) -> list[ResultRow]:
    offers = load_offers(session, [h.offer_id for h in hits])
    return [ResultRow(offers[h.offer_id], h.distance_km) for h in hits if h.offer_id in offers]


def offers_nearby(
    session: Session, index: SearchIndex, offer: Offer, today: date, limit: int = 5
) -> list[ResultRow]:
    criteria = OfferCriteria(
        latitude=offer.latitude,
        longitude=offer.longitude,
        radius_km=10,
        today=today,
        kinds=() if offer.is_training else tuple(k.value for k in CHILDCARE_KINDS),
    )
    found = find_offers(index, criteria, limit=limit + 1)
    hits = [h for h in found.hits if h.offer_id != offer.id][:limit]
    return _rows(session, hits)
