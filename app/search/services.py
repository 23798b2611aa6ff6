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
    restricted_offers,
)
from app.directory.reach import public_point
from app.directory.rules import quality_score, resident_eligible
from app.geo import resolve_place
from app.search.index import SearchIndex
from app.search.query import Hit, OfferCriteria, ResultWindows, SearchHits, find_offers

RESULT_WINDOW = ResultWindows.WINDOW


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
    asked = index_criteria(criteria, point, today)
    home = outcome.commune
    if home is not None and offset + page_size <= RESULT_WINDOW:
        # From a commune: the places that do not take its residents go after the others, within
        # the first RESULT_WINDOW results (the index's order is kept otherwise).
        window = find_offers(index, asked, offset=0, limit=RESULT_WINDOW)
        hits = _eligible_first(session, window.hits, home.code_insee, home.departement_code)
        found = SearchHits(window.total, hits[offset : offset + page_size])
    else:
        found = find_offers(index, asked, offset=offset, limit=page_size)
    outcome.total = found.total
    outcome.pages = max(1, -(-found.total // page_size))
    outcome.rows = _quality_ties(_rows(session, found.hits), today)
    return outcome


#: Two results this close (km) are at the same place for ordering (e.g. a commune's centre).
SAME_PLACE_KM = 0.001


def _quality_ties(rows: list[ResultRow], today: date) -> list[ResultRow]:
    """Within a page, results at the same distance (places imported without coordinates sit at
    their commune's centre) come in order of their quality signal, the best first."""
    out: list[ResultRow] = []
    group: list[ResultRow] = []
    for row in [*rows, None]:
        if (
            row is not None
            and group
            and row.distance_km is not None
            and group[0].distance_km is not None
            and abs(row.distance_km - group[0].distance_km) <= SAME_PLACE_KM
        ):
            group.append(row)
            continue
        out.extend(sorted(group, key=lambda r: -quality_score(r.offer, today)))
        group = [row] if row is not None else []
    return out


def _eligible_first(
    session: Session, hits: list[Hit], code_insee: str, departement_code: str
) -> list[Hit]:
    """The hits in their order, those reserved to residents of other communes moved last."""
    restricted = restricted_offers(session, [h.offer_id for h in hits])
    if not restricted:
        return hits
    outside = {
        offer_id
        for offer_id, codes in restricted.items()
        if not resident_eligible(codes, code_insee, departement_code)
    }
    return [h for h in hits if h.offer_id not in outside] + [
        h for h in hits if h.offer_id in outside
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
    found = find_offers(index, index_criteria(criteria, point, today), limit=limit)
    offers = load_map_offers(session, [h.offer_id for h in found.hits])
    return [
        ResultRow(offers[h.offer_id], h.distance_km) for h in found.hits if h.offer_id in offers
    ]
