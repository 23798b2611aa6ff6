"""A search of the directory from its criteria: the place resolved, the index asked for ids,
the offers loaded from the database (the hot path of ``/recherche``, the widget and the API).

This sits above the directory (its criteria, models and queries) and below the web layer, so
the directory itself never imports the index.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.directory.criteria import SearchCriteria
from app.directory.models import CHILDCARE_KINDS, Offer
from app.directory.queries import (
    ResultRow,
    SearchOutcome,
    load_map_offers,
    load_offers,
    load_trainings,
)
from app.directory.reach import public_point
from app.directory.training import training_matches
from app.geo import resolve_place
from app.search.index import SearchIndex
from app.search.query import Hit, OfferCriteria, find_offers


def index_criteria(
    criteria: SearchCriteria, point: tuple[float, float] | None, today: date
) -> OfferCriteria:
    """What the search index is asked: the criteria around ``point`` (None: anywhere)."""
    hours_needed = criteria.hours_needed
    return OfferCriteria(
        text=criteria.text,
        kinds=criteria.searched_kinds,
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
    if criteria.training.active:
        hits = _course_hits(session, index, criteria, point, today)
        outcome.total = len(hits)
        outcome.pages = max(1, -(-len(hits) // page_size))
        outcome.rows = _rows(session, hits[offset : offset + page_size])
        return outcome
    found = find_offers(
        index, index_criteria(criteria, point, today), offset=offset, limit=page_size
    )
    outcome.total = found.total
    outcome.pages = max(1, -(-found.total // page_size))
    outcome.rows = _rows(session, found.hits)
    return outcome


#: A course search asking what only the database knows (funding, VAE, entry rule, sessions)
#: reads at most this many courses from the index, then keeps those that qualify. Courses are a
#: small part of the directory (63 DEEJE courses and the LHEO imports); the README gives the
#: figure measured.
COURSE_FILTER_LIMIT = 3000


def _course_hits(
    session: Session,
    index: SearchIndex,
    criteria: SearchCriteria,
    point: tuple[float, float] | None,
    today: date,
    limit: int = COURSE_FILTER_LIMIT,
) -> list[Hit]:
    """The courses matching ``criteria``, in the index's order, with the course filters
    applied on the database rows (the source of truth: a session passes without reindexing)."""
    found = find_offers(index, index_criteria(criteria, point, today), limit=limit)
    trainings = load_trainings(session, [h.offer_id for h in found.hits])
    return [
        h
        for h in found.hits
        if training_matches(trainings.get(h.offer_id), criteria.training, today)
    ]


def _rows(session: Session, hits: list[Hit]) -> list[ResultRow]:
    offers = load_offers(session, [h.offer_id for h in hits])
    return [ResultRow(offers[h.offer_id], h.distance_km) for h in hits if h.offer_id in offers]


def offers_nearby(
    session: Session, index: SearchIndex, offer: Offer, today: date, limit: int = 5
) -> list[ResultRow]:
    latitude, longitude = public_point(offer)
    criteria = OfferCriteria(
        latitude=latitude,
        longitude=longitude,
        radius_km=10,
        today=today,
        kinds=() if offer.is_training else tuple(k.value for k in CHILDCARE_KINDS),
    )
    found = find_offers(index, criteria, limit=limit + 1)
    hits = [h for h in found.hits if h.offer_id != offer.id][:limit]
    return _rows(session, hits)


#: At most this many points on a results map (Paris 3 km has a few thousand offers).
MAP_POINTS_LIMIT = 5000


def map_rows(
    session: Session,
    index: SearchIndex,
    criteria: SearchCriteria,
    point: tuple[float, float],
    today: date,
    limit: int = MAP_POINTS_LIMIT,
) -> list[ResultRow]:
    """Every offer matching ``criteria`` around ``point`` (not only the page shown), for a map."""
    if criteria.training.active:
        hits = _course_hits(session, index, criteria, point, today, limit)
    else:
        hits = find_offers(index, index_criteria(criteria, point, today), limit=limit).hits
    offers = load_map_offers(session, [h.offer_id for h in hits])
    return [ResultRow(offers[h.offer_id], h.distance_km) for h in hits if h.offer_id in offers]
