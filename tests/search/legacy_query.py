"""The search as it was before the column arrays (Whoosh matchers, one document at a time),
kept only as the oracle of ``test_equivalence.py``: its schema (version 5: every criterion
indexed as terms), its documents and its queries, verbatim but for one fix (see
``_sorted_rows``) and its result windows (not kept). Nothing in ``app`` imports it."""

from __future__ import annotations

import contextlib
import math
from unittest import mock

from whoosh import query as Q
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

import app.search.index as index_module
from app.directory import hours
from app.directory.models import FUNDING_LABELS, MODALITY_LABELS, Funding, Offer
from app.directory.reach import public_point, public_street
from app.directory.rules import offer_slots
from app.geo.distance import bounding_box, haversine_km
from app.search.analysis import analyze, french_analyzer
from app.search.documents import COORD_SCALE, NO_END, date_number, to_micro
from app.search.query import SORT_DISTANCE, SORT_RELEVANCE, Hit, OfferCriteria, SearchHits


@contextlib.contextmanager
def legacy_writes():
    """While it lasts, ``SearchIndex`` rebuilds and syncs write legacy documents (and no
    column arrays, which the legacy search does not read)."""
    with (
        mock.patch.object(index_module, "build_schema", build_schema),
        mock.patch.object(index_module, "offer_document", offer_document),
        mock.patch.object(index_module, "_write_columns", lambda ix, folder: None),
    ):
        yield


def build_schema() -> Schema:
    analyzer = french_analyzer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        doctype=ID,
        title=TEXT(analyzer=analyzer, field_boost=3.0),
        body=TEXT(analyzer=analyzer),
        kind=ID,
        flags=KEYWORD,
        # Opening hours: one 48-bit mask of fully open half-hours per weekday, read from
        # columns to test coverage bitwise (far cheaper than AND-ing up to 336 terms). Columns
        # only, not indexed: a 64-bit NUMERIC field would add 16 terms per value to the index,
        # and these seven masks were more than half of all postings (and of the build time).
        **{f"h{day}": COLUMN(NumericColumn("Q")) for day in range(7)},
        departement=ID,
        code_insee=ID,
        # Coordinates in 1e-5 degrees (about 1 m) as integers: Whoosh's float columns are broken.
        lat=NUMERIC(int, bits=32, signed=True, sortable=True),
        lon=NUMERIC(int, bits=32, signed=True, sortable=True),
        # The grid cells the offer lies in, at 0.1° and 1° (see grid_cells): a place search
        # ORs the few cells covering its circle instead of intersecting two numeric ranges,
        # each a band across the whole country.
        cells=KEYWORD,
        age_min=NUMERIC(int),
        age_max=NUMERIC(int),
        valid_until=NUMERIC(int),
        # The AVIP label is valid from its start date to its review date (inclusive): like
        # valid_until, compared with today at query time, so a label lapses without reindexing.
        avip_from=NUMERIC(int),
        avip_until=NUMERIC(int),
        updated=COLUMN(NumericColumn("Q")),  # only read as a column (sort by last update)
        meta=STORED,
    )


#: Grid resolutions: (prefix, cells per degree). 0.1° is about 11 km north–south.
GRIDS = (("f", 10), ("c", 1))


def cells_of(latitude: float, longitude: float) -> list[str]:
    """The cell of a point at each grid resolution: « f431_59 c43_5 »."""
    return [
        f"{prefix}{math.floor(latitude * per):d}_{math.floor(longitude * per):d}"
        for prefix, per in GRIDS
    ]


def cells_covering(
    min_lat: float, max_lat: float, min_lon: float, max_lon: float, limit: int = 150
) -> list[str] | None:
    """The cells of the finest grid that covers the box in at most ``limit`` cells, or None
    when even the coarsest needs more (a huge radius: the caller uses numeric ranges)."""
    for prefix, per in GRIDS:
        lats = range(math.floor(min_lat * per), math.floor(max_lat * per) + 1)
        lons = range(math.floor(min_lon * per), math.floor(max_lon * per) + 1)
        if len(lats) * len(lons) <= limit:
            return [f"{prefix}{a:d}_{b:d}" for a in lats for b in lons]
    return None


def offer_flags(offer: Offer, summary: hours.HoursSummary) -> list[str]:
    flags = []
    if offer.avip:
        flags.append("avip")
    if offer.free_places:
        flags.append("places")
    if offer.disability_access:
        flags.append("handicap")
    if offer.is_ephemeral:
        flags.append("ephemere")
    for name in ("early", "late", "night", "weekend", "atypical"):
        if getattr(summary, name):
            flags.append(name)
    if offer.training is not None:
        flags.extend(f"financement_{f}" for f in offer.training.funding)
        if offer.training.vae_possible:
            flags.append("vae")
        if offer.training.open_to_iae:
            flags.append("iae")
    return flags


def offer_document(offer: Offer) -> dict:
    slots = offer_slots(offer)
    summary = hours.summarize(slots)
    body = [
        offer.description,
        offer.structure.name,
        offer.kind_label,
        offer.commune_name,
        public_street(offer),
        offer.cost_info,
    ]
    if offer.training is not None:
        t = offer.training
        body += [
            t.certification_label,
            t.rncp_code,
            MODALITY_LABELS[t.modality],
            *(FUNDING_LABELS[Funding(f)] for f in t.funding if f in FUNDING_LABELS),
        ]
        if t.rncp_code.upper().startswith("RNCP"):
            body.append(t.rncp_code[4:])
    return {
        "id": str(offer.id),
        "doctype": "offer",
        "title": offer.title,
        "body": "\n".join(p for p in body if p),
        "kind": offer.kind.value,
        "flags": " ".join(offer_flags(offer, summary)),
        **{f"h{day}": mask for day, mask in enumerate(hours.coverage_masks(slots))},
        "departement": offer.departement_code,
        "code_insee": offer.code_insee,
        # A private person's point is coarse (app.directory.reach): no distance gives her home.
        "lat": to_micro(public_point(offer)[0]),
        "lon": to_micro(public_point(offer)[1]),
        "cells": " ".join(cells_of(*public_point(offer))),
        "age_min": offer.age_min_months,
        "age_max": offer.age_max_months,
        "valid_until": date_number(offer.valid_until),
        "avip_from": date_number(offer.avip_since, default=0) if offer.avip else NO_END,
        "avip_until": date_number(offer.avip_review_on) if offer.avip else 0,
        "updated": int(offer.updated_at.timestamp()) if offer.updated_at else 0,
    }


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


def find_offers(index, c: OfferCriteria, offset: int = 0, limit: int = 20) -> SearchHits:
    """The legacy search, uncached (its result windows were the same as today's)."""
    rows = _sorted_rows(index.searcher(), c)
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
    # The one change to the legacy search: Whoosh's AndNotMatcher never tests the first
    # document of its positive side against the negative one (_find_first compares the two
    # current ids without skipping the negative side forward), so an expired offer that was
    # the first match in a segment was shown. The new search never shows one; the oracle
    # drops them here.
    excluded = set(searcher.docs_for_query(filters.b))
    scored = [(docnum, score) for docnum, score in scored if docnum not in excluded]

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
