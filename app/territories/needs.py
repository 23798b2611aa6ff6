"""Unmet needs: one counter row per month, commune and kind of need, incremented by each search
(one upsert). Nothing personal is kept: no query text, no address, no IP, no time of day.

A search counts when it was made from a known commune; it is « sans réponse » when it found no
offer. Its kind of need is what it asked: the hours band (from the hours asked), the child's
age band, AVIP or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.directory import hours
from app.territories.models import UnmetNeed

#: Hours bands, most telling first: the first the hours asked fall into.
HOURS_BANDS = {
    "": "Horaires non précisés",
    "nuit": "La nuit",
    "tot": "Tôt le matin",
    "soir": "En soirée",
    "week-end": "Le week-end",
    "journee": "En journée",
}
#: Age bands (months, upper bound exclusive).
AGE_BANDS = {
    "": "Âge non précisé",
    "0-1": "Moins d’un an",
    "1-3": "De 1 à 3 ans",
    "3-6": "De 3 à 6 ans",
    "6+": "6 ans et plus",
}


def hours_band(days: tuple[int, ...], start: time | None, end: time | None) -> str:
    """The band of the hours asked (the same bounds as the offers' atypical hours)."""
    if not days or start is None or end is None:
        return ""
    crosses = end <= start
    if start < hours.NIGHT_END or crosses or end > hours.NIGHT_START:
        return "nuit"
    if start < hours.EARLY_BEFORE:
        return "tot"
    if end > hours.LATE_AFTER:
        return "soir"
    if any(d >= 5 for d in days):
        return "week-end"
    return "journee"


def age_band(months: int | None) -> str:
    if months is None:
        return ""
    if months < 12:
        return "0-1"
    if months < 36:
        return "1-3"
    if months < 72:
        return "3-6"
    return "6+"


@dataclass(frozen=True)
class SearchNeed:
    """What of a search is counted: where from, what kind of need, found something or not."""

    code_insee: str
    departement_code: str
    hours_band: str
    age_band: str
    avip: bool
    found: bool


def record(session: Session, need: SearchNeed, today: date) -> None:
    """Add one search to its counter, in one statement (INSERT … ON CONFLICT DO UPDATE, the
    same on SQLite and PostgreSQL); the caller commits."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    unmet = 0 if need.found else 1
    statement = insert(UnmetNeed).values(
        month=today.strftime("%Y-%m"),
        code_insee=need.code_insee,
        departement_code=need.departement_code,
        hours_band=need.hours_band,
        age_band=need.age_band,
        avip=need.avip,
        searches=1,
        unmet=unmet,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["month", "code_insee", "hours_band", "age_band", "avip"],
        set_={
            "searches": UnmetNeed.searches + 1,
            "unmet": UnmetNeed.unmet + unmet,
        },
    )
    session.execute(statement)


def since_month(today: date, months: int) -> str:
    """The first month of the last ``months`` months, as stored (« 2026-10 »)."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def need_of(criteria, commune_code: str | None, departement_code: str | None, total: int):
    """The counted part of a search (a :class:`app.directory.criteria.SearchCriteria` and its
    outcome), or None when it was not made from a known commune."""
    if not commune_code or not departement_code:
        return None
    return SearchNeed(
        commune_code,
        departement_code,
        hours_band(criteria.days, criteria.start, criteria.end),
        age_band(criteria.child_age_months),
        bool(criteria.avip),
        found=total > 0,
    )
