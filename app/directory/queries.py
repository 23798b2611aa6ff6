"""Directory queries: load offers for result cards and pages; the shape of a search's outcome
(run by :func:`app.search.services.search_directory`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.directory.criteria import SearchCriteria
from app.directory.models import Offer, OfferKind, OfferStatus, Training
from app.directory.rules import avip_label_valid_clause
from app.geo import Commune, PlaceResolution, haversine_km


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


def load_trainings(session: Session, ids: list[int]) -> dict[int, Training]:
    """The course details (and sessions) of these offers, for the course filters: lighter than
    :func:`load_offers` (no hours, closures or structure)."""
    if not ids:
        return {}
    query = (
        select(Training)
        .where(Training.offer_id.in_(ids))
        .options(selectinload(Training.sessions))
        .order_by(Training.offer_id)
    )
    return {t.offer_id: t for t in session.execute(query).scalars()}


#: Ids per query when loading many titles (well below SQLite's and PostgreSQL's bind limits).
TITLE_CHUNK = 2000


def offer_titles(session: Session, ids: list[int]) -> dict[int, str]:
    """The titles of offers (a map's thousands of points), a chunk of ids per query."""
    titles: dict[int, str] = {}
    for start in range(0, len(ids), TITLE_CHUNK):
        chunk = ids[start : start + TITLE_CHUNK]
        query = select(Offer.id, Offer.title).where(Offer.id.in_(chunk)).order_by(Offer.id)
        titles.update({row[0]: row[1] for row in session.execute(query)})
    return titles


def get_public_offer(session: Session, offer_id: int) -> Offer | None:
    offers = load_offers(session, [offer_id])
    offer = offers.get(offer_id)
    if offer is None or offer.status is not OfferStatus.PUBLISHED:
        return None
    return offer


def avip_coverage(session: Session, today: date) -> dict[str, int]:
    """Per département with published offers: how many hold a valid AVIP label (0 included).
    A département absent has no published offer at all (no data, not zero)."""
    avip = func.count().filter(avip_label_valid_clause(today))
    query = (
        select(Offer.departement_code, avip)
        .where(Offer.status == OfferStatus.PUBLISHED)
        .group_by(Offer.departement_code)
    )
    return {row[0]: row[1] for row in session.execute(query)}


#: How far a parent is pointed to a relais petite enfance of another commune.
RELAIS_MAX_KM = 20.0


def relais_for(session: Session, code_insee: str, latitude: float, longitude: float):
    """The relais petite enfance (RPE) of a commune: a published one in the commune, else the
    nearest within :data:`RELAIS_MAX_KM` (RPE often serve several communes); None."""
    box = 0.3  # degrees around the point, ~ 20–30 km, before the exact distance
    relais = session.scalars(
        select(Offer)
        .where(
            Offer.kind == OfferKind.RELAIS_PETITE_ENFANCE,
            Offer.status == OfferStatus.PUBLISHED,
            Offer.latitude.between(latitude - box, latitude + box),
            Offer.longitude.between(longitude - box * 1.5, longitude + box * 1.5),
        )
        .options(selectinload(Offer.structure))
        .order_by(Offer.id)
    ).all()
    same = [r for r in relais if r.code_insee == code_insee]
    if same:
        return same[0]
    near = [(haversine_km(latitude, longitude, r.latitude, r.longitude), r.id, r) for r in relais]
    near = [n for n in near if n[0] <= RELAIS_MAX_KM]
    return min(near)[2] if near else None


def restricted_offers(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Among ``ids``, the offers reserved to the residents of some communes: id → codes."""
    found: dict[int, list[str]] = {}
    for start in range(0, len(ids), 500):
        for offer_id, codes in session.execute(
            select(Offer.id, Offer.eligible_communes).where(
                Offer.id.in_(ids[start : start + 500]), Offer.eligible_communes.is_not(None)
            )
        ):
            if codes:
                found[offer_id] = list(codes)
    return found


def avip_coverage_by_commune(session: Session, today: date, departement: str) -> dict[str, int]:
    """:func:`avip_coverage` per commune (INSEE code) of one département."""
    avip = func.count().filter(avip_label_valid_clause(today))
    query = (
        select(Offer.code_insee, avip)
        .where(Offer.status == OfferStatus.PUBLISHED, Offer.departement_code == departement)
        .group_by(Offer.code_insee)
    )
    return {row[0]: row[1] for row in session.execute(query)}
