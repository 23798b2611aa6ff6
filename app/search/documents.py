"""How an offer becomes a search document (the index schema and the document builder)."""

from __future__ import annotations

import math
from datetime import date
from typing import TypeGuard

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from app.directory import hours
from app.directory.models import (
    FUNDING_LABELS,
    MODALITY_LABELS,
    Funding,
    Offer,
    OfferStatus,
)
from app.directory.rules import offer_slots
from app.search.analysis import french_analyzer

#: Bump when the schema or the document content changes: indexes of another version are rebuilt.
SCHEMA_VERSION = 5
NO_END = 99991231
STATE_DOC_ID = "__state__"


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


COORD_SCALE = 100_000


def to_micro(degrees: float) -> int:
    return round(degrees * COORD_SCALE)


#: Grid resolutions: (prefix, cells per degree). 0.1° is about 11 km north–south.
GRIDS = (("f", 10), ("c", 1))


def cells_of(latitude: float, longitude: float) -> list[str]:
    """The cell of a point at each grid resolution: « f431_59 c43_5 »."""
    return [
        f"{prefix}{math.floor(latitude * per):d}_{math.floor(longitude * per):d}"
        for prefix, per in GRIDS
    ]


def cell_ranges_covering(
    min_lat: float, max_lat: float, min_lon: float, max_lon: float, limit: int = 150
) -> tuple[str, range, range] | None:
    """The grid (its prefix) and the rows and columns of its cells that cover the box: the
    finest grid doing it in at most ``limit`` cells, or None when even the coarsest needs more
    (a huge radius: the caller uses numeric ranges)."""
    for prefix, per in GRIDS:
        lats = range(math.floor(min_lat * per), math.floor(max_lat * per) + 1)
        lons = range(math.floor(min_lon * per), math.floor(max_lon * per) + 1)
        if len(lats) * len(lons) <= limit:
            return prefix, lats, lons
    return None


def cells_covering(
    min_lat: float, max_lat: float, min_lon: float, max_lon: float, limit: int = 150
) -> list[str] | None:
    """The cells of :func:`cell_ranges_covering` as index terms (« f431_59 »)."""
    found = cell_ranges_covering(min_lat, max_lat, min_lon, max_lon, limit)
    if found is None:
        return None
    prefix, lats, lons = found
    return [f"{prefix}{a:d}_{b:d}" for a in lats for b in lons]


def date_number(value: date | None, default: int = NO_END) -> int:
    return default if value is None else value.year * 10000 + value.month * 100 + value.day


#: The offers search shows, and so the index holds: ``is_indexable`` says it of one offer,
#: ``searchable_offer_count`` counts them in the database (one definition for both).
INDEXED_STATUS = OfferStatus.PUBLISHED


def is_indexable(offer: Offer | None) -> TypeGuard[Offer]:
    return offer is not None and offer.status is INDEXED_STATUS


def searchable_offer_count(session: Session) -> int:
    """How many offers the index must hold: those ``is_indexable`` accepts (one COUNT)."""
    return (
        session.scalar(
            select(func.count()).select_from(Offer).where(Offer.status == INDEXED_STATUS)
        )
        or 0
    )


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
        offer.address,
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
        "lat": to_micro(offer.latitude),
        "lon": to_micro(offer.longitude),
        "cells": " ".join(cells_of(offer.latitude, offer.longitude)),
        "age_min": offer.age_min_months,
        "age_max": offer.age_max_months,
        "valid_until": date_number(offer.valid_until),
        "avip_from": date_number(offer.avip_since, default=0) if offer.avip else NO_END,
        "avip_until": date_number(offer.avip_review_on) if offer.avip else 0,
        "updated": int(offer.updated_at.timestamp()) if offer.updated_at else 0,
    }
