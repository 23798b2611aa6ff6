"""Searching offers: criteria → Whoosh query → ids with exact distances, sorted and paged."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, time

from whoosh import query as Q

from app.directory import hours
from app.geo.distance import bounding_box, haversine_km
from app.search.analysis import analyze
from app.search.documents import COORD_SCALE, cells_covering, date_number, to_micro
from app.search.index import SearchIndex

SORT_DISTANCE = "distance"
SORT_RELEVANCE = "pertinence"
SORT_UPDATED = "mise_a_jour"


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


def text_query(text: str) -> Q.Query | None:
    """Every word must match (title or body). A hyphenated word matches its parts or the
    merged form, so « micro-crèche », « micro crèche » and « microcrèche » meet."""
    words = []
    for raw in text.split():
        raw = raw.strip('.,;:!?«»"()[]')
        if not raw:
            continue
        terms = analyze(raw)
        if not terms:
            continue  # a stop word
        if "-" in raw and len(terms) > 1:
            parts, merged = terms[:-1], terms[-1]
            words.append(Q.Or([Q.And([_either(t) for t in parts]), _either(merged)]))
        else:
            words.extend(_either(t) for t in terms)
    if not words:
        return None
    return Q.And(words)


def _either(term: str) -> Q.Query:
    return Q.Or([Q.Term("title", term), Q.Term("body", term)])


def filter_query(c: OfferCriteria, words: Q.Query | None = None) -> Q.Query:
    """The criteria other than hours as one query, AND-ed with ``words`` when given (so that a
    text search does not walk every document of the index through an « every » matcher)."""
    parts: list[Q.Query] = [words] if words is not None else []
    if c.kinds:
        parts.append(Q.Or([Q.Term("kind", k) for k in c.kinds]))
    for wanted, flag in ((c.avip, "avip"), (c.free_places, "places"), (c.disability, "handicap")):
        if wanted:
            parts.append(Q.Term("flags", flag))
    if c.avip and c.today is not None:
        # Only a label valid today: started, and not past its review date.
        parts.append(Q.NumericRange("avip_from", None, date_number(c.today)))
        parts.append(Q.NumericRange("avip_until", date_number(c.today), None))
    if c.child_age_months is not None:
        parts.append(Q.NumericRange("age_min", None, c.child_age_months))
        parts.append(Q.NumericRange("age_max", c.child_age_months + 1, None))
    if c.departement:
        parts.append(Q.Term("departement", c.departement))
    # The index state document is excluded rather than every offer matched by its doctype.
    excluded: list[Q.Query] = [Q.Term("doctype", "state")]
    if c.today is not None:
        # Not "valid_until >= today" (an open range over every offer: hundreds of terms to
        # union at national scale) but "and not valid_until < today", a handful of past dates.
        excluded.append(Q.NumericRange("valid_until", None, date_number(c.today), endexcl=True))
    if c.latitude is not None and c.longitude is not None and c.radius_km:  # has_point
        min_lat, max_lat, min_lon, max_lon = bounding_box(c.latitude, c.longitude, c.radius_km)
        cells = cells_covering(min_lat, max_lat, min_lon, max_lon)
        if cells is not None:  # a superset of the circle; the exact distance is checked after
            # Constant score: the cell a match lies in must not weigh on its relevance.
            parts.append(Q.ConstantScoreQuery(Q.Or([Q.Term("cells", cell) for cell in cells])))
        else:
            parts.append(Q.NumericRange("lat", to_micro(min_lat), to_micro(max_lat)))
            parts.append(Q.NumericRange("lon", to_micro(min_lon), to_micro(max_lon)))
    return Q.AndNot(Q.And(parts) if parts else Q.Every(), Q.Or(excluded))


def _hours_filter(c: OfferCriteria, reader):
    """A docnum predicate for the hours needed, or None when no hours are asked."""
    if not (c.days and c.start is not None and c.end is not None):
        return None
    need = hours.needed_masks(c.days, c.start, c.end)
    columns = [(reader.column_reader(f"h{day}"), mask) for day, mask in enumerate(need) if mask]
    return lambda docnum: all(col[docnum] & mask == mask for col, mask in columns)


class ResultWindows:
    """The first :data:`WINDOW` sorted hits of recent searches, per process, keyed by the
    criteria and the index generation they were computed on: paging through a search, or the
    same national search asked again, costs a lookup until the index changes. A frequent word
    (« assistante maternelle ») matches most offers, and Whoosh scores and sorts every match in
    Python; this is what keeps such searches fast after the first one."""

    WINDOW = 500
    SIZE = 64

    def __init__(self) -> None:
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key) -> SearchHits | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key, value: SearchHits) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.SIZE:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


RESULT_WINDOWS = ResultWindows()


def find_offers(
    index: SearchIndex, c: OfferCriteria, offset: int = 0, limit: int = 20
) -> SearchHits:
    searcher = index.searcher()
    key = (index.fingerprint(searcher), c)
    if offset + limit <= ResultWindows.WINDOW:
        window = RESULT_WINDOWS.get(key)
        if window is not None:
            return SearchHits(window.total, window.hits[offset : offset + limit])
    rows = _sorted_rows(searcher, c)
    RESULT_WINDOWS.put(
        key, SearchHits(len(rows), [Hit(r[0], r[2]) for r in rows[: ResultWindows.WINDOW]])
    )
    return SearchHits(len(rows), [Hit(r[0], r[2]) for r in rows[offset : offset + limit]])


def _sorted_rows(searcher, c: OfferCriteria) -> list[tuple[int, float, float | None, int]]:
    """Every hit as (offer id, score, distance or None, docnum), sorted (the uncached search)."""
    words = text_query(c.text)
    filters = filter_query(c, words)
    if words is not None:
        results = searcher.search(filters, limit=None, sortedby=None)
        scored = [(docnum, score) for score, docnum in results.top_n]
    else:
        scored = [(docnum, 0.0) for docnum in searcher.docs_for_query(filters)]

    reader = searcher.reader()
    open_when_needed = _hours_filter(c, reader)
    if open_when_needed is not None:
        scored = [(docnum, score) for docnum, score in scored if open_when_needed(docnum)]
    ids = reader.column_reader("id")
    # rows: (offer id, score, distance or None, docnum)
    rows: list[tuple[int, float, float | None, int]] = []
    if c.latitude is not None and c.longitude is not None:  # c.has_point, for mypy
        lats, lons = reader.column_reader("lat"), reader.column_reader("lon")
        for docnum, score in scored:
            d = haversine_km(
                c.latitude, c.longitude, lats[docnum] / COORD_SCALE, lons[docnum] / COORD_SCALE
            )
            if c.radius_km is None or d <= c.radius_km:
                rows.append((int(ids[docnum]), score, d, docnum))
    else:
        rows = [(int(ids[docnum]), score, None, docnum) for docnum, score in scored]

    order = c.effective_sort
    if order == SORT_DISTANCE:
        rows.sort(key=lambda r: (r[2], r[0]))
    elif order == SORT_RELEVANCE:
        rows.sort(key=lambda r: (-r[1], r[2] if r[2] is not None else 0.0, r[0]))
    else:
        updated = reader.column_reader("updated")
        rows.sort(key=lambda r: (-updated[r[3]], r[0]))
    return rows


__all__ = ["Hit", "OfferCriteria", "SearchHits", "find_offers", "text_query"]
