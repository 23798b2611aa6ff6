"""Directory queries: run a search from the form, load offers, offers nearby."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.directory.forms import SearchForm
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
    form: SearchForm
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


def criteria_from_form(
    form: SearchForm, commune: Commune | None, today: date, departement: str | None = None
) -> OfferCriteria:
    hours_needed = form.hours_needed()
    return OfferCriteria(
        text=(form.q.data or "") if not form.q.errors else "",
        kinds=form.kinds(),
        avip=form.flag("avip"),
        free_places=form.flag("places"),
        disability=form.flag("handicap"),
        child_age_months=form.child_age_months(),
        latitude=commune.latitude if commune else None,
        longitude=commune.longitude if commune else None,
        radius_km=form.radius_km() if commune else None,
        days=form.days() if hours_needed else (),
        start=hours_needed[0] if hours_needed else None,
        end=hours_needed[1] if hours_needed else None,
        today=today,
        sort=form.tri.data if not form.tri.errors else "",
        departement=departement,
    )


def search_directory(
    session: Session,
    index: SearchIndex,
    form: SearchForm,
    today: date,
    page_size: int,
    departement: str | None = None,
) -> SearchOutcome:
    """``departement`` limits the search to one département (a partner widget's preset)."""
    form.validate()
    place = None
    lieu = (form.lieu.data or "").strip() if not form.lieu.errors else ""
    code = form.code_insee.data if not form.code_insee.errors else None
    if lieu or code:
        place = resolve_place(lieu, code or None)
        if place.commune is None:
            # Ask which place is meant before showing anything misleading.
            return SearchOutcome(form=form, place=place)
    outcome = SearchOutcome(form=form, place=place, page=form.page_number(), searched=True)
    criteria = criteria_from_form(form, outcome.commune, today, departement)
    offset = (outcome.page - 1) * page_size
    found = find_offers(index, criteria, offset=offset, limit=page_size)
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
