"""How an offer becomes a search document (the index schema and the document builder)."""

from __future__ import annotations

import functools
from datetime import date
from typing import TypeGuard

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema

from app.directory import hours
from app.directory.models import (
    FUNDING_LABELS,
    MODALITY_LABELS,
    Funding,
    Offer,
    OfferStatus,
)
from app.directory.reach import public_point, public_street
from app.directory.rules import offer_slots
from app.search.analysis import french_analyzer

#: Bump when the schema or the document content changes: indexes of another version are rebuilt.
SCHEMA_VERSION = 8
NO_END = 99991231
STATE_DOC_ID = "__state__"

#: The flags of an offer, as bits of the ``flags`` column (bit 0 is « avip »): a search can ask
#: for the first three; « atypical » (open early, late, at night or at the weekend:
#: ``hours.summarize``) tells a map point's category (app.maps.results.CATEGORIES).
SEARCH_FLAGS = ("avip", "places", "handicap", "atypical")


def _int_column():
    return COLUMN(NumericColumn("i"))


def build_schema() -> Schema:
    """Whoosh indexes the text (title and body, French analysis, BM25F). Everything else a
    search filters or sorts on is a column, one value per document, never a term: searches
    read the columns of a segment as whole arrays (:mod:`app.search.columns`), so terms for
    them would only slow the build (numeric ranges were more than half of all postings)."""
    analyzer = french_analyzer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        doctype=ID,
        # Frequencies, not positions (no phrase search): the same weights and lengths, hence
        # the same BM25F scores, for a smaller index built faster.
        title=TEXT(analyzer=analyzer, field_boost=3.0, phrase=False),
        body=TEXT(analyzer=analyzer, phrase=False),
        kind=COLUMN(VarBytesColumn()),
        departement=COLUMN(VarBytesColumn()),
        flags=COLUMN(NumericColumn("B")),  # bits of SEARCH_FLAGS
        # Opening hours: one 48-bit mask of fully open half-hours per weekday, to test the
        # coverage of the hours needed bitwise.
        **{f"h{day}": COLUMN(NumericColumn("Q")) for day in range(7)},
        # Coordinates in 1e-5 degrees (about 1 m) as integers.
        lat=_int_column(),
        lon=_int_column(),
        age_min=_int_column(),
        age_max=_int_column(),
        valid_until=_int_column(),
        # The AVIP label is valid from its start date to its review date (inclusive): like
        # valid_until, compared with today at query time, so a label lapses without reindexing.
        avip_from=_int_column(),
        avip_until=_int_column(),
        updated=COLUMN(NumericColumn("Q")),  # sort by last update
        meta=STORED,
    )


COORD_SCALE = 100_000


def to_micro(degrees: float) -> int:
    return round(degrees * COORD_SCALE)


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


def search_flags(offer: Offer, slots: tuple[hours.Slot, ...]) -> int:
    """The bits of :data:`SEARCH_FLAGS` the offer has (``slots``: its opening hours)."""
    wanted = (offer.avip, offer.free_places, offer.disability_access, _atypical(slots))
    return sum(1 << bit for bit, has in enumerate(wanted) if has)


@functools.lru_cache(maxsize=4096)
def _atypical(slots: tuple[hours.Slot, ...]) -> bool:
    return hours.summarize(slots).atypical


@functools.lru_cache(maxsize=4096)
def _coverage_masks(slots: tuple[hours.Slot, ...]) -> tuple[int, ...]:
    """Offers share a few opening patterns: their masks are computed once per pattern."""
    return hours.coverage_masks(slots)


def offer_document(offer: Offer) -> dict:
    slots = tuple(offer_slots(offer))
    latitude, longitude = public_point(offer)
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
        "kind": offer.kind.value.encode("utf-8"),
        "flags": search_flags(offer, slots),
        **{f"h{day}": mask for day, mask in enumerate(_coverage_masks(slots))},
        "departement": (offer.departement_code or "").encode("utf-8"),
        # A private person's point is coarse (app.directory.reach): no distance gives her home.
        "lat": to_micro(latitude),
        "lon": to_micro(longitude),
        "age_min": offer.age_min_months,
        "age_max": offer.age_max_months,
        "valid_until": date_number(offer.valid_until),
        "avip_from": date_number(offer.avip_since, default=0) if offer.avip else NO_END,
        "avip_until": date_number(offer.avip_review_on) if offer.avip else 0,
        "updated": int(offer.updated_at.timestamp()) if offer.updated_at else 0,
    }
