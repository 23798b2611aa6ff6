"""Searching offers: criteria → ids with exact distances, sorted and paged.

A search runs segment by segment of the index on the segment's column arrays
(:mod:`app.search.columns`), with numpy: no Python work per matching document.

1. Candidates: the documents in the cells covering the circle (or, without a place, those
   holding the rarest word of the text, or every offer), live (not deleted) only.
2. Filters on the candidates: validity, kinds, flags, AVIP dates, age, département, hour
   masks, then each word of the text (its doc numbers in the title's and body's postings).
3. Exact distance to the point (haversine, vectorized; the few documents within a micrometre
   of the radius are measured again with :func:`haversine_km`, as the hits shown are).
4. Order: by distance, by relevance or by last update; only the first
   :data:`ResultWindows.WINDOW` hits (or up to the page asked) are ordered completely.

Relevance is Whoosh's BM25F, computed the way Whoosh computes it (same statistics, same
formula, same sums in the same order: the matcher tree Whoosh builds for the query is walked
once per segment), but over arrays rather than one document at a time. It is only computed
when the order asks for it.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np
from whoosh import query as Q
from whoosh.matching import (
    FilterMatcher,
    IntersectionMatcher,
    LeafMatcher,
    ListMatcher,
    NullMatcherClass,
    UnionMatcher,
    WrappingMatcher,
)
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.util.numeric import byte_to_length

from app.directory import hours
from app.geo.distance import EARTH_RADIUS_KM, bounding_box, haversine_km
from app.search.analysis import analyze
from app.search.columns import COLUMNS, SegmentColumns
from app.search.documents import COORD_SCALE, SEARCH_FLAGS, date_number
from app.search.index import SearchIndex

SORT_DISTANCE = "distance"
SORT_RELEVANCE = "pertinence"
SORT_UPDATED = "mise_a_jour"

#: Vectorized and scalar haversines may differ in their last bits (about 1e-12 km here):
#: distances closer than this to a radius or to another distance are measured again exactly.
_EPSILON_KM = 1e-9
#: Field lengths as Whoosh decodes them from their one-byte encoding.
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


@dataclass(frozen=True)
class OfferCriteria:
    text: str = ""
    kinds: tuple[str, ...] = ()
    avip: bool = False
    free_places: bool = False
    disability: bool = False
    child_age_months: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float | None = None
    departement: str | None = None
    days: tuple[int, ...] = ()
    start: time | None = None
    end: time | None = None
    today: date | None = None
    sort: str = ""

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def effective_sort(self) -> str:
        if self.sort == SORT_RELEVANCE and self.text.strip():
            return SORT_RELEVANCE
        if self.sort == SORT_UPDATED:
            return SORT_UPDATED
        if self.has_point:
            return SORT_DISTANCE
        return SORT_RELEVANCE if self.text.strip() else SORT_UPDATED


@dataclass(frozen=True)
class Hit:
    offer_id: int
    distance_km: float | None


@dataclass(frozen=True)
class SearchHits:
    total: int
    hits: list[Hit]


# -- the text -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """One word of a text search: its terms, all needed (in the title or the body); for a
    hyphenated word, or else its merged form."""

    parts: tuple[str, ...]
    merged: str | None = None


def text_words(text: str) -> list[Word]:
    """Every word must match. A hyphenated word matches its parts or the merged form, so
    « micro-crèche », « micro crèche » and « microcrèche » meet; stop words are dropped."""
    words = []
    for raw in text.split():
        raw = raw.strip('.,;:!?«»"()[]')
        if not raw:
            continue
        terms = analyze(raw)
        if not terms:
            continue  # a stop word
        if "-" in raw and len(terms) > 1:
            words.append(Word(tuple(terms[:-1]), terms[-1]))
        else:
            words.extend(Word((t,)) for t in terms)
    return words


def text_query(text: str) -> Q.Query | None:
    """The words of :func:`text_words` as a Whoosh query (what relevance is computed for)."""
    return _words_query(text_words(text))


def _words_query(words: list[Word]) -> Q.Query | None:
    queries: list[Q.Query] = []
    for word in words:
        if word.merged is None:
            queries.append(_either(word.parts[0]))
        else:
            queries.append(Q.Or([Q.And([_either(t) for t in word.parts]), _either(word.merged)]))
    return Q.And(queries) if queries else None


def _either(term: str) -> Q.Query:
    return Q.Or([Q.Term("title", term), Q.Term("body", term)])


# -- what a search asks of every segment ------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    words: tuple[Word, ...]
    today: int | None
    kinds: tuple[str, ...]
    flag_bits: int
    avip_day: int | None
    age: int | None
    departement: str | None
    #: The box around the circle in 1e-5 degrees (lat min, max, lon min, max), widened to
    #: whole units so that it holds every point of the circle.
    box: tuple[int, int, int, int] | None
    point: tuple[float, float] | None
    radius: float | None
    hours: tuple[tuple[int, int], ...]  # (weekday, mask of the half-hours needed)


def _plan(c: OfferCriteria) -> _Plan:
    flag_bits = 0
    for wanted, flag in ((c.avip, "avip"), (c.free_places, "places"), (c.disability, "handicap")):
        if wanted:
            flag_bits |= 1 << SEARCH_FLAGS.index(flag)
    box = None
    point = None
    if c.latitude is not None and c.longitude is not None:
        point = (c.latitude, c.longitude)
        if c.radius_km:
            min_lat, max_lat, min_lon, max_lon = bounding_box(c.latitude, c.longitude, c.radius_km)
            box = (
                math.floor(min_lat * COORD_SCALE),
                math.ceil(max_lat * COORD_SCALE),
                math.floor(min_lon * COORD_SCALE),
                math.ceil(max_lon * COORD_SCALE),
            )
    need: tuple[tuple[int, int], ...] = ()
    if c.days and c.start is not None and c.end is not None:
        masks = hours.needed_masks(c.days, c.start, c.end)
        need = tuple((day, mask) for day, mask in enumerate(masks) if mask)
    today = date_number(c.today) if c.today is not None else None
    return _Plan(
        words=tuple(text_words(c.text)),
        today=today,
        kinds=c.kinds,
        flag_bits=flag_bits,
        avip_day=today if c.avip else None,
        age=c.child_age_months,
        departement=c.departement or None,
        box=box,
        point=point,
        radius=c.radius_km if point is not None else None,
        hours=need,
    )


#: The plan of a search, for the code that matches saved searches against one offer
#: (:mod:`app.alerts.matching`): the same filters as a search, computed the same way.
SearchPlan = _Plan
DISTANCE_EPSILON_KM = _EPSILON_KM


def search_plan(c: OfferCriteria) -> SearchPlan:
    """What a search with criteria ``c`` filters on (box, kinds, flags, AVIP day, age, hours)."""
    return _plan(c)


def _in_sorted(docs: np.ndarray, found: np.ndarray, size: int) -> np.ndarray:
    """Which of ``docs`` (ascending doc numbers) are in ``found`` (ascending too)."""
    if not len(found) or not len(docs):
        return np.zeros(len(docs), dtype=bool)
    if len(docs) * 16 > size:  # many candidates: a bitmap of the segment is cheaper
        bitmap = np.zeros(size, dtype=bool)
        bitmap[found] = True
        return bitmap[docs]
    at = np.searchsorted(found, docs)
    at[at == len(found)] = 0
    return found[at] == docs


def _has_term(cols: SegmentColumns, term: str, docs: np.ndarray) -> np.ndarray:
    has = np.zeros(len(docs), dtype=bool)
    for postings in cols.text.values():
        found, _ = postings.postings(term)
        if len(found):
            has |= _in_sorted(docs, found, cols.size)
    return has


def _has_word(cols: SegmentColumns, word: Word, docs: np.ndarray) -> np.ndarray:
    has = np.ones(len(docs), dtype=bool)
    for term in word.parts:
        has &= _has_term(cols, term, docs)
    if word.merged is not None:
        has |= _has_term(cols, word.merged, docs)
    return has


def _word_candidates(cols: SegmentColumns, words: tuple[Word, ...], live: np.ndarray):
    """The live documents holding some term of the rarest word: a superset of the matches."""

    def postings(term: str) -> list[np.ndarray]:
        return [p.postings(term)[0] for p in cols.text.values()]

    def choices(word: Word) -> list[np.ndarray]:
        rarest = min(word.parts, key=lambda t: sum(len(d) for d in postings(t)))
        found = postings(rarest)
        if word.merged is not None:
            found += postings(word.merged)
        return found

    best = min((choices(w) for w in words), key=lambda found: sum(len(d) for d in found))
    bitmap = np.zeros(cols.size, dtype=bool)
    for found in best:
        bitmap[found] = True
    return np.flatnonzero(bitmap & live)


def _matches(cols: SegmentColumns, segment, plan: _Plan) -> np.ndarray:
    """The doc numbers of a segment matching every criterion but the exact distance."""
    live = cols.live(segment)
    if plan.box is not None:
        lat0, lat1, lon0, lon1 = plan.box
        near = (cols.lat >= lat0) & (cols.lat <= lat1) & (cols.lon >= lon0) & (cols.lon <= lon1)
        docs = np.flatnonzero(near & live)
    elif plan.words:
        docs = _word_candidates(cols, plan.words, live)
    else:
        docs = np.flatnonzero(live)

    def keep(condition: np.ndarray) -> None:
        nonlocal docs
        docs = docs[condition]

    numbers = cols.numbers
    if plan.today is not None and len(docs):
        keep(numbers["valid_until"][docs] >= plan.today)
    if plan.kinds and len(docs):
        codes = [cols.code(cols.kind_names, k) for k in plan.kinds]
        keep(np.isin(cols.kind[docs], codes))
    if plan.flag_bits and len(docs):
        bits = np.uint8(plan.flag_bits)
        keep((cols.flags[docs] & bits) == bits)
    if plan.avip_day is not None and len(docs):
        keep(
            (numbers["avip_from"][docs] <= plan.avip_day)
            & (numbers["avip_until"][docs] >= plan.avip_day)
        )
    if plan.age is not None and len(docs):
        keep((numbers["age_min"][docs] <= plan.age) & (numbers["age_max"][docs] > plan.age))
    if plan.departement is not None and len(docs):
        keep(cols.departement[docs] == cols.code(cols.departement_names, plan.departement))
    for day, mask in plan.hours:
        if len(docs):
            need = np.uint64(mask)
            keep((cols.hours[day][docs] & need) == need)
    for word in plan.words:
        if len(docs):
            keep(_has_word(cols, word, docs))
    return docs


def _distances(point: tuple[float, float], lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """:func:`haversine_km` from ``point`` to arrays of coordinates in 1e-5 degrees."""
    phi1 = math.radians(point[0])
    phi2 = np.radians(lat / COORD_SCALE)
    dphi = phi2 - phi1
    dlambda = np.radians(lon / COORD_SCALE - point[1])
    a = np.sin(dphi / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _exact_km(point: tuple[float, float], lat, lon) -> float:
    return haversine_km(point[0], point[1], int(lat) / COORD_SCALE, int(lon) / COORD_SCALE)


# -- relevance ----------------------------------------------------------------------------------


class _Scoring:
    """Scores of the hits of one segment, by walking the matcher tree Whoosh builds for the
    relevance query: each node adds its children's scores as Whoosh's matcher would."""

    def __init__(self, cols: SegmentColumns, docs: np.ndarray) -> None:
        self.cols = cols
        self.docs = docs

    def score(self, m) -> tuple[np.ndarray, np.ndarray]:
        """(matches, scores) of matcher ``m`` for the hits (0.0 where it does not match:
        adding it changes no sum)."""
        n = len(self.docs)
        if isinstance(m, NullMatcherClass):
            return np.zeros(n, dtype=bool), np.zeros(n)
        if isinstance(m, (UnionMatcher, IntersectionMatcher)):
            has_a, a = self.score(m.a)
            has_b, b = self.score(m.b)
            if isinstance(m, UnionMatcher):
                return has_a | has_b, a + b
            both = has_a & has_b  # no score where only one side matches
            return both, np.where(both, a + b, 0.0)
        if type(m) in (WrappingMatcher, FilterMatcher):  # a boost, or deleted documents
            has, scores = self.score(m.child)
            return has, scores * m.boost
        if isinstance(m, (LeafMatcher, ListMatcher)):
            return self._leaf(m)
        raise TypeError(f"no vectorized score for {type(m).__name__}")

    def _leaf(self, m) -> tuple[np.ndarray, np.ndarray]:
        fieldname, term = m.term()
        term = term.decode("utf-8") if isinstance(term, bytes) else term
        scorer = getattr(m, "scorer", None) or getattr(m, "_scorer", None)
        cols, docs = self.cols, self.docs
        if fieldname in cols.text:
            found, weights = cols.text[fieldname].postings(term)
            if len(docs) * 16 > cols.size:  # many hits: spread the postings over the segment
                spread = np.zeros(cols.size)
                spread[found] = weights
                present = np.zeros(cols.size, dtype=bool)
                present[found] = True
                has = present[docs]
                w = spread[docs[has]]
            else:
                at = np.searchsorted(found, docs)
                at[at == len(found)] = 0
                has = found[at] == docs if len(found) else np.zeros(len(docs), dtype=bool)
                w = weights[at[has]].astype(np.float64)
            scores = np.zeros(len(docs))
            if isinstance(scorer, BM25FScorer):
                fl = _LENGTHS[cols.lengths[fieldname][docs[has]]]
                b, k1 = scorer.B, scorer.K1
                # Whoosh's bm25(), operation for operation, so that the floats are the same.
                scores[has] = scorer.idf * (
                    (w * (k1 + 1)) / (w + k1 * ((1 - b) + b * fl / scorer.avgfl))
                )
            elif isinstance(scorer, WeightScorer):
                scores[has] = w
            else:
                raise TypeError(f"no vectorized score for {type(scorer).__name__}")
            return has, scores
        raise TypeError(f"no vectorized score for a term of {fieldname}")


# -- the search -----------------------------------------------------------------------------------


@dataclass
class _Found:
    """The hits of every segment, end to end."""

    ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    distances: np.ndarray | None  # vectorized: exact within _EPSILON_KM
    scores: np.ndarray | None
    updated: np.ndarray | None


def _search(searcher, folder: Path | None, plan: _Plan, order: str) -> _Found:
    scoring_query = None
    context = None
    if order == SORT_RELEVANCE:
        words = _words_query(list(plan.words))
        if words is not None:
            scoring_query = words
            context = searcher.context()
    parts: dict[str, list[np.ndarray]] = {
        "ids": [],
        "lat": [],
        "lon": [],
        "distances": [],
        "scores": [],
        "updated": [],
    }
    for leaf, _offset in searcher.leaf_searchers():
        reader = leaf.reader()
        if not reader.doc_count_all():
            continue
        cols = COLUMNS.get(folder, reader)
        docs = _matches(cols, reader.segment(), plan)
        if plan.point is not None and len(docs):
            distances = _distances(plan.point, cols.lat[docs], cols.lon[docs])
            if plan.radius is not None:
                inside = distances <= plan.radius + _EPSILON_KM
                for i in np.flatnonzero(inside & (distances > plan.radius - _EPSILON_KM)):
                    d = docs[i]
                    inside[i] = _exact_km(plan.point, cols.lat[d], cols.lon[d]) <= plan.radius
                docs, distances = docs[inside], distances[inside]
            parts["distances"].append(distances)
        if not len(docs):
            continue
        parts["ids"].append(cols.ids[docs])
        parts["lat"].append(cols.lat[docs])
        parts["lon"].append(cols.lon[docs])
        if scoring_query is not None:
            matcher = scoring_query.matcher(leaf, context)
            parts["scores"].append(_Scoring(cols, docs).score(matcher)[1])
        if order == SORT_UPDATED:
            parts["updated"].append(cols.updated[docs])

    def joined(name: str, dtype) -> np.ndarray:
        return np.concatenate(parts[name]) if parts[name] else np.zeros(0, dtype=dtype)

    return _Found(
        ids=joined("ids", np.int64),
        lat=joined("lat", np.int32),
        lon=joined("lon", np.int32),
        distances=joined("distances", np.float64) if plan.point is not None else None,
        scores=joined("scores", np.float64) if scoring_query is not None else None,
        updated=joined("updated", np.int64) if order == SORT_UPDATED else None,
    )


def _first_hits(
    found: _Found, order: str, point: tuple[float, float] | None, count: int
) -> list[Hit]:
    """The first ``count`` hits in order — by (distance, id), (-score, distance or 0, id) or
    (-last update, id), as ever — with the exact distances of :func:`haversine_km`."""
    ids = found.ids
    total = len(ids)
    count = min(count, total)
    if not count:
        return []
    primary: np.ndarray | None = None
    if order == SORT_RELEVANCE and found.scores is not None:
        primary = -found.scores
    elif order == SORT_UPDATED and found.updated is not None:
        primary = -found.updated
    distances = found.distances if order != SORT_UPDATED else None

    # Only the hits not after the count-th on the first key are ordered completely.
    chosen = np.arange(total)
    if total > count:
        if primary is not None:
            threshold = np.partition(primary, count - 1)[count - 1]
            chosen = np.flatnonzero(primary <= threshold)
        elif distances is not None:
            threshold = np.partition(distances, count - 1)[count - 1]
            chosen = np.flatnonzero(distances <= threshold + _EPSILON_KM)
    keys = [ids[chosen]]
    if distances is not None:
        keys.append(distances[chosen])
    if primary is not None:
        keys.append(primary[chosen])
    ranked = [int(i) for i in chosen[np.lexsort(keys)]]

    exact: dict[int, float] = {}

    def measured(i: int) -> float:
        if i not in exact:
            assert point is not None
            exact[i] = _exact_km(point, found.lat[i], found.lon[i])
        return exact[i]

    if distances is not None and point is not None:
        # The hits after the count-th that the vectorized distance puts within rounding of it
        # may come before it once measured exactly: measure them too, then order again.
        last = ranked[count - 1]
        extra = count
        while (
            extra < len(ranked)
            and distances[ranked[extra]] <= distances[last] + 2 * _EPSILON_KM
            and (primary is None or primary[ranked[extra]] == primary[last])
        ):
            extra += 1
        head = ranked[:extra]
        head.sort(
            key=lambda i: (
                primary[i] if primary is not None else 0,
                measured(i),
                int(ids[i]),
            )
        )
        ranked = head
    return [Hit(int(ids[i]), measured(i) if point is not None else None) for i in ranked[:count]]


V = TypeVar("V")


class ResultWindows(Generic[V]):
    """The first :data:`WINDOW` sorted hits of recent searches, per process, keyed by the
    criteria and the index generation they were computed on: paging through a search, or the
    same search asked again, costs a lookup until the index changes."""

    WINDOW = 500
    SIZE = 64

    def __init__(self) -> None:
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.SIZE:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


RESULT_WINDOWS: ResultWindows[SearchHits] = ResultWindows()


def find_offers(
    index: SearchIndex, c: OfferCriteria, offset: int = 0, limit: int = 20
) -> SearchHits:
    searcher = index.searcher()
    key = (index.fingerprint(searcher), c)
    if offset + limit <= ResultWindows.WINDOW:
        window = RESULT_WINDOWS.get(key)
        if window is not None:
            return SearchHits(window.total, window.hits[offset : offset + limit])
    plan = _plan(c)
    found = _search(searcher, index.searcher_folder(searcher), plan, c.effective_sort)
    total = len(found.ids)
    hits = _first_hits(
        found, c.effective_sort, plan.point, max(ResultWindows.WINDOW, offset + limit)
    )
    RESULT_WINDOWS.put(key, SearchHits(total, hits[: ResultWindows.WINDOW]))
    return SearchHits(total, hits[offset : offset + limit])


# -- the points of a map ------------------------------------------------------------------------


@dataclass(frozen=True)
class MapHits:
    """The offers of a search as a map shows them, nearest first (by distance, then id), from
    the column arrays alone: ids, the published point (a private person's is coarse: the index
    holds :func:`app.directory.reach.public_point`) in 1e-5 degrees, and what tells a point's
    category: an AVIP label valid on the day searched, free places, atypical hours."""

    total: int
    ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    avip: np.ndarray
    free: np.ndarray
    atypical: np.ndarray


_FREE_BIT = np.uint8(1 << SEARCH_FLAGS.index("places"))
_ATYPICAL_BIT = np.uint8(1 << SEARCH_FLAGS.index("atypical"))


def _map_search(searcher, folder: Path | None, plan: _Plan, limit: int) -> MapHits:
    parts: dict[str, list[np.ndarray]] = {
        k: [] for k in ("ids", "lat", "lon", "distances", "avip", "flags")
    }
    for leaf, _offset in searcher.leaf_searchers():
        reader = leaf.reader()
        if not reader.doc_count_all():
            continue
        cols = COLUMNS.get(folder, reader)
        docs = _matches(cols, reader.segment(), plan)
        if plan.point is None or not len(docs):
            continue
        distances = _distances(plan.point, cols.lat[docs], cols.lon[docs])
        if plan.radius is not None:
            inside = distances <= plan.radius + _EPSILON_KM
            for i in np.flatnonzero(inside & (distances > plan.radius - _EPSILON_KM)):
                d = docs[i]
                inside[i] = _exact_km(plan.point, cols.lat[d], cols.lon[d]) <= plan.radius
            docs, distances = docs[inside], distances[inside]
        parts["ids"].append(cols.ids[docs])
        parts["lat"].append(cols.lat[docs])
        parts["lon"].append(cols.lon[docs])
        parts["distances"].append(distances)
        if plan.today is not None:
            numbers = cols.numbers
            valid = (numbers["avip_from"][docs] <= plan.today) & (
                numbers["avip_until"][docs] >= plan.today
            )
        else:
            valid = np.zeros(len(docs), dtype=bool)
        parts["avip"].append(valid)
        parts["flags"].append(cols.flags[docs])

    def joined(name: str, dtype) -> np.ndarray:
        return np.concatenate(parts[name]) if parts[name] else np.zeros(0, dtype=dtype)

    ids = joined("ids", np.int64)
    order = np.lexsort((ids, joined("distances", np.float64)))[:limit]
    flags = joined("flags", np.uint8)[order]
    return MapHits(
        total=len(ids),
        ids=ids[order],
        lat=joined("lat", np.int32)[order],
        lon=joined("lon", np.int32)[order],
        avip=joined("avip", bool)[order],
        free=(flags & _FREE_BIT) != 0,
        atypical=(flags & _ATYPICAL_BIT) != 0,
    )


def map_key(index: SearchIndex, searcher, c: OfferCriteria, limit: int) -> tuple:
    """What a map's points depend on: the criteria and the index's generation and segments (an
    edit is re-indexed, so it changes the key, as for :class:`ResultWindows`)."""
    return ("map", index.fingerprint(searcher), c, limit)


def find_map_points(index: SearchIndex, c: OfferCriteria, limit: int) -> tuple[tuple, MapHits]:
    """Every offer matching ``c`` around its point (the ``limit`` nearest), in one pass over
    the column arrays, with its :func:`map_key` (for a cache of what is made of it)."""
    searcher = index.searcher()
    found = _map_search(searcher, index.searcher_folder(searcher), _plan(c), limit)
    return map_key(index, searcher, c, limit), found


__all__ = [
    "DISTANCE_EPSILON_KM",
    "Hit",
    "MapHits",
    "OfferCriteria",
    "SearchHits",
    "SearchPlan",
    "Word",
    "find_map_points",
    "find_offers",
    "map_key",
    "search_plan",
    "text_query",
    "text_words",
]
