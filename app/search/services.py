"""A search of the directory from its criteria: the place resolved, the index asked for ids,
the offers loaded from the database (the hot path of ``/recherche``, the widget and the API).

This sits above the directory (its criteria, models and queries) and below the web layer, so
the directory itself never imports the index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.directory.criteria import SearchCriteria
from app.directory.models import CHILDCARE_KINDS, Offer
from app.directory.queries import (
    ResultRow,
    SearchOutcome,
    load_offers,
    load_trainings,
    offer_titles,
    restricted_offers,
)
from app.directory.reach import public_point
from app.directory.rules import quality_score, resident_eligible
from app.directory.training import training_matches
from app.geo import PlaceResolution, resolve_place
from app.maps.results import MapPoint, category
from app.search.documents import COORD_SCALE
from app.search.index import SearchIndex
from app.search.query import (
    Hit,
    OfferCriteria,
    ResultWindows,
    SearchHits,
    find_map_points,
    find_offers,
    map_key,
)

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


def search_place(
    criteria: SearchCriteria,
) -> tuple[PlaceResolution | None, tuple[float, float] | None]:
    """The place typed, resolved (None when a point was given or no place typed), and the
    point searched around (None: anywhere, or the place names no single commune)."""
    if criteria.point is not None or not (criteria.place or criteria.code_insee):
        return None, criteria.point
    place = resolve_place(criteria.place, criteria.code_insee)
    if place.commune is None:
        return place, None
    return place, (place.commune.latitude, place.commune.longitude)


def search_directory(
    session: Session, index: SearchIndex, criteria: SearchCriteria, today: date, page_size: int
) -> SearchOutcome:
    """The page of offers ``criteria`` asks for. A place typed is resolved first: when it names
    no single commune, the outcome says so and nothing is searched."""
    place, point = search_place(criteria)
    if place is not None and place.commune is None:
        # Ask which place is meant before showing anything misleading.
        return SearchOutcome(criteria=criteria, place=place)
    outcome = SearchOutcome(criteria=criteria, place=place, page=criteria.page, searched=True)
    offset = (outcome.page - 1) * page_size
    if criteria.training.active:
        hits = _course_hits(session, index, criteria, point, today)
        outcome.total = len(hits)
        outcome.pages = max(1, -(-len(hits) // page_size))
        outcome.rows = _rows(session, hits[offset : offset + page_size])
        return outcome
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


#: At most this many points on a results map, the nearest (Paris 3 km has about 6,000 of the
#: 300,000 offers of the national benchmark; Leaflet's clusters draw 20,000 easily).
MAP_POINTS_LIMIT = 20_000


@dataclass(frozen=True)
class MapData:
    """The points of a search's map: ``total`` offers match, ``points`` are the nearest
    :data:`MAP_POINTS_LIMIT` of them, nearest first."""

    total: int
    points: tuple[MapPoint, ...]


class MapCache(ResultWindows[MapData]):
    """The points of recent maps, per process (a dense city's are a few MB: few entries)."""

    SIZE = 8


MAP_CACHE = MapCache()


def map_points(
    session: Session,
    index: SearchIndex,
    criteria: SearchCriteria,
    point: tuple[float, float],
    today: date,
    limit: int = MAP_POINTS_LIMIT,
) -> MapData:
    """Every offer matching ``criteria`` around ``point`` (not only the page shown), for a map:
    one pass over the index's column arrays (no offer loaded), the titles in one query; cached
    until the index changes, like search results (an edited title is re-indexed, so it changes
    the index too)."""
    data = _map_data(session, index, index_criteria(criteria, point, today), limit)
    if not criteria.training.active:
        return data
    # The course filters, on the database rows of the courses drawn (the cache is shared with
    # the same search without them).
    trainings = load_trainings(session, [p.offer_id for p in data.points])
    points = tuple(
        p
        for p in data.points
        if training_matches(trainings.get(p.offer_id), criteria.training, today)
    )
    return MapData(len(points), points)


def _map_data(session: Session, index: SearchIndex, asked: OfferCriteria, limit: int) -> MapData:
    cached = MAP_CACHE.get(map_key(index, index.searcher(), asked, limit))
    if cached is not None:
        return cached
    key, found = find_map_points(index, asked, limit)
    ids = [int(i) for i in found.ids]
    titles = offer_titles(session, ids)
    points = tuple(
        MapPoint(
            int(lat) / COORD_SCALE,
            int(lon) / COORD_SCALE,
            category(bool(avip), bool(free), bool(atypical)),
            titles[offer_id],
            offer_id,
        )
        for offer_id, lat, lon, avip, free, atypical in zip(
            ids, found.lat, found.lon, found.avip, found.free, found.atypical, strict=True
        )
        if offer_id in titles
    )
    data = MapData(found.total, points)
    MAP_CACHE.put(key, data)
    return data
