"""The figures of the « Territoires » pages: plain functions over the database, one per figure
family, each dated (the day they describe) and defined in :mod:`.definitions`.

By département (France) or by commune (one département): published childcare offers still
within their validity, of which AVIP (label valid today) and their reserved places, offers open
at atypical hours (early, late, night, weekend: :func:`app.directory.hours.summarize`'s rule,
as SQL by :func:`app.directory.rules.atypical_slot_clauses`), ephemeral offers, offers declaring
free places in the last month; the protocol's milestones; unmet needs; coverage rates;
outcomes. Referral response times come from :mod:`app.referrals.queries` (their one home).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.core.dates import add_months
from app.directory.models import CHILDCARE_KINDS, Offer, OfferKind, OfferStatus, OpeningSlot
from app.directory.rules import atypical_slot_clauses, avip_label_valid_clause, shown_clause
from app.geo import load_reference
from app.territories.models import CoverageRate, OutcomeCount, UnmetNeed

DATA = Path(__file__).parent / "data"

#: The overseas départements (the others overseas, collectivities, show only with offers).
DROM = ("971", "972", "973", "974", "976")

#: « Places libres déclarées » counts declarations made within this many months.
FREE_PLACES_WITHIN_MONTHS = 1

#: The counted columns of a row of figures, in the order of tables and downloads.
COUNTS = (
    "offers",
    "avip_offers",
    "avip_places",
    "early",
    "late",
    "night",
    "weekend",
    "ephemeral",
    "free_offers",
    "free_places",
)


@dataclass(frozen=True)
class AreaFigures:
    """The figures of one area (a département or a commune) on ``on``."""

    code: str
    name: str
    offers: int = 0
    avip_offers: int = 0
    avip_places: int = 0
    early: int = 0
    late: int = 0
    night: int = 0
    weekend: int = 0
    ephemeral: int = 0
    free_offers: int = 0
    free_places: int = 0

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Table:
    """Figures by area, dated, with the national (or départemental) total."""

    on: date
    level: str  # departement, commune
    rows: tuple[AreaFigures, ...]

    @property
    def total(self) -> AreaFigures:
        return AreaFigures(
            "total", "Total", **{c: sum(getattr(r, c) for r in self.rows) for c in COUNTS}
        )

    @property
    def without_avip(self) -> tuple[AreaFigures, ...]:
        return tuple(r for r in self.rows if r.avip_offers == 0)


def _base(today: date):
    return and_(
        Offer.status == OfferStatus.PUBLISHED,
        Offer.kind.in_(CHILDCARE_KINDS),
        shown_clause(today),
    )


def free_places_since(today: date) -> date:
    return add_months(today, -FREE_PLACES_WITHIN_MONTHS)


def _counts(session: Session, key, today: date, *where) -> dict[str, dict[str, int]]:
    avip = avip_label_valid_clause(today)
    ephemeral = or_(Offer.valid_until.is_not(None), Offer.kind == OfferKind.ACCUEIL_EPHEMERE)
    free = and_(Offer.free_places > 0, Offer.free_places_on >= free_places_since(today))
    query = (
        select(
            key,
            func.count(),
            func.count().filter(avip),
            func.coalesce(func.sum(Offer.avip_places).filter(avip), 0),
            func.count().filter(ephemeral),
            func.count().filter(free),
            func.coalesce(func.sum(Offer.free_places).filter(free), 0),
        )
        .where(_base(today), *where)
        .group_by(key)
    )
    names = ("offers", "avip_offers", "avip_places", "ephemeral", "free_offers", "free_places")
    return {
        row[0]: dict(zip(names, map(int, row[1:]), strict=True)) for row in session.execute(query)
    }


def _atypical(session: Session, key, today: date, *where) -> dict[str, dict[str, int]]:
    """Per area, how many offers are open early, late, at night, at the weekend (an offer
    counts once per flag, whatever its number of slots). The flags are worked out per offer
    from its slots alone (most slots, on weekdays in the day, are left out at once), then the
    offers shown are joined and counted by area."""
    clauses = atypical_slot_clauses()
    inner = (
        select(
            OpeningSlot.offer_id.label("offer_id"),
            *(func.max(case((c, 1), else_=0)).label(name) for name, c in clauses.items()),
        )
        .where(or_(*clauses.values()))
        .group_by(OpeningSlot.offer_id)
    )
    if where:  # one area's offers: their slots only, through the offer_id index
        inner = inner.where(OpeningSlot.offer_id.in_(select(Offer.id).where(*where)))
    per_offer = inner.subquery()
    query = (
        select(key, *(func.sum(per_offer.c[name]) for name in clauses))
        .select_from(per_offer)
        .join(Offer, Offer.id == per_offer.c.offer_id)
        .where(_base(today), *where)
        .group_by(key)
    )
    return {
        row[0]: dict(zip(clauses, (int(v or 0) for v in row[1:]), strict=True))
        for row in session.execute(query)
    }


def _rows(names: Iterable[tuple[str, str]], *parts: dict[str, dict[str, int]]):
    rows = []
    for code, name in names:
        values: dict[str, int] = {}
        for part in parts:
            values.update(part.get(code, {}))
        rows.append(AreaFigures(code, name, **values))
    return tuple(rows)


def departement_table(session: Session, today: date) -> Table:
    """Every département of France (101), with zeros where nothing is published (an overseas
    collectivity only when it has offers)."""
    key = Offer.departement_code
    counts = _counts(session, key, today)
    atypical = _atypical(session, key, today)
    names = [
        (d.code, d.name)
        for d in load_reference().departements.values()
        if d.code in counts or len(d.code) == 2 or d.code in DROM
    ]
    return Table(today, "departement", _rows(sorted(names), counts, atypical))


def commune_table(session: Session, departement_code: str, today: date) -> Table:
    """The communes of one département that have at least one offer shown, by name."""
    key = Offer.code_insee
    where = Offer.departement_code == departement_code
    counts = _counts(session, key, today, where)
    atypical = _atypical(session, key, today, where)
    by_code = load_reference().by_code
    names = sorted(
        ((code, by_code[code].name if code in by_code else code) for code in counts),
        key=lambda item: (item[1], item[0]),
    )
    return Table(today, "commune", _rows(names, counts, atypical))


def has_avip_offer(session: Session, departement_code: str, today: date) -> bool:
    """Whether the département has at least one offer shown with a valid AVIP label."""
    query = (
        select(Offer.id)
        .where(
            Offer.departement_code == departement_code,
            _base(today),
            avip_label_valid_clause(today),
        )
        .limit(1)
    )
    return session.scalar(query) is not None


# ------------------------------------------------------------------------ protocol milestones


@dataclass(frozen=True)
class Milestone:
    key: str
    on: date
    label: str
    creches: int
    departements: int
    kind: str  # constat, cible


@dataclass(frozen=True)
class Milestones:
    source: str
    note: str
    items: tuple[Milestone, ...]


@cache
def milestones() -> Milestones:
    """The protocol's dated AVIP figures (data/milestones.json, with its source)."""
    raw = json.loads((DATA / "milestones.json").read_text(encoding="utf-8"))
    items = tuple(
        Milestone(
            m["key"],
            date.fromisoformat(m["on"]),
            m["label"],
            m["creches"],
            m["departements"],
            m["kind"],
        )
        for m in raw["milestones"]
    )
    return Milestones(raw["source"], raw["note"], items)


@dataclass(frozen=True)
class Today:
    """Today's counterpart of a milestone: AVIP offers (all kinds, not only crèches) and the
    départements with at least one."""

    on: date
    avip_offers: int
    departements: int
    departements_total: int


def today_against_milestones(table: Table) -> Today:
    covered = sum(1 for r in table.rows if r.avip_offers > 0)
    return Today(table.on, table.total.avip_offers, covered, len(table.rows))


# ------------------------------------------------------------------------ unmet needs


@dataclass(frozen=True)
class NeedRow:
    code_insee: str
    name: str
    hours_band: str
    age_band: str
    avip: bool
    searches: int
    unmet: int


def unmet_needs(session: Session, departement_code: str, since_month: str) -> tuple[NeedRow, ...]:
    """The département's searches since ``since_month`` (« 2026-10 ») that found nothing, by
    commune and kind of need, most unmet first (kinds of need never unmet are left out)."""
    searches = func.sum(UnmetNeed.searches)
    unmet = func.sum(UnmetNeed.unmet)
    query = (
        select(
            UnmetNeed.code_insee,
            UnmetNeed.hours_band,
            UnmetNeed.age_band,
            UnmetNeed.avip,
            searches,
            unmet,
        )
        .where(UnmetNeed.departement_code == departement_code, UnmetNeed.month >= since_month)
        .group_by(UnmetNeed.code_insee, UnmetNeed.hours_band, UnmetNeed.age_band, UnmetNeed.avip)
        .having(unmet > 0)
        .order_by(
            unmet.desc(),
            UnmetNeed.code_insee,
            UnmetNeed.hours_band,
            UnmetNeed.age_band,
            UnmetNeed.avip,
        )
    )
    by_code = load_reference().by_code
    return tuple(
        NeedRow(
            row[0],
            by_code[row[0]].name if row[0] in by_code else row[0],
            row[1],
            row[2],
            bool(row[3]),
            int(row[4]),
            int(row[5]),
        )
        for row in session.execute(query)
    )


# ------------------------------------------------------------------------ coverage rates


@dataclass(frozen=True)
class CoverageRow:
    level: str
    code: str
    name: str
    year: int
    rate: Decimal


def coverage_rates(session: Session, departement_code: str) -> tuple[CoverageRow, ...]:
    """The imported coverage rates of a département: itself first, then its EPCI, then its
    communes, by name."""
    order = case(
        (CoverageRate.level == "departement", 0), (CoverageRate.level == "epci", 1), else_=2
    )
    query = (
        select(CoverageRate)
        .where(CoverageRate.departement_code == departement_code)
        .order_by(order, CoverageRate.name, CoverageRate.id)
    )
    return tuple(
        CoverageRow(c.level, c.code, c.name, c.year, c.rate) for c in session.scalars(query)
    )


# ------------------------------------------------------------------------ outcomes


def outcome_counts(session: Session, departement_code: str) -> dict[tuple[str, int, str], int]:
    """(offer kind, months, outcome) → answers, for one département."""
    query = (
        select(
            OutcomeCount.offer_kind, OutcomeCount.months, OutcomeCount.outcome, OutcomeCount.answers
        )
        .where(OutcomeCount.departement_code == departement_code)
        .order_by(
            OutcomeCount.offer_kind, OutcomeCount.months, OutcomeCount.outcome, OutcomeCount.id
        )
    )
    return {(r[0], r[1], r[2]): r[3] for r in session.execute(query)}
