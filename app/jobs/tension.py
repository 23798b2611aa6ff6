"""Recruitment tension per territory and per job, from the needs' facts (no database, no
Flask): the tables of the public page (aggregates of at least ``PUBLIC_MINIMUM`` needs), the
coordinators' detail, the 12-month trend and the CSV/JSON exports."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from app.geo import get_departement
from app.jobs import rome, rules
from app.jobs.queries import BmoShare, FactRow

COLUMNS = (
    "code",
    "libelle",
    "besoins_ouverts",
    "postes",
    "en_difficulte_de_recrutement",
    "sans_proposition",
    "propositions",
    "propositions_par_besoin",
    "delai_median_premiere_reponse_heures",
    "bmo_annee",
    "bmo_part_projets_difficiles",
)


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    figures: rules.Tension
    bmo: BmoShare | None = None

    def to_json(self, public: bool) -> dict[str, object]:
        """A public row hides its figures below the minimum (``None``: « moins de 5 »)."""
        shown = self.figures.public or not public
        f = self.figures
        return {
            "code": self.code,
            "libelle": self.label,
            "besoins_ouverts": f.open_needs if shown else None,
            "postes": f.positions if shown else None,
            "en_difficulte_de_recrutement": f.in_difficulty if shown else None,
            "sans_proposition": f.without_proposal if shown else None,
            "propositions": f.proposals if shown else None,
            "propositions_par_besoin": round(f.proposals_per_need, 2)
            if shown and f.proposals_per_need is not None
            else None,
            "delai_median_premiere_reponse_heures": round(f.median_hours, 1)
            if shown and f.median_hours is not None
            else None,
            "bmo_annee": self.bmo.year if self.bmo else None,
            "bmo_part_projets_difficiles": round(self.bmo.share, 3)
            if self.bmo and self.bmo.share is not None
            else None,
        }


def _departement_label(code: str) -> str:
    departement = get_departement(code)
    return departement.name if departement else code


def by_departement(
    facts: list[FactRow], now: datetime, bmo: dict[str, BmoShare] | None = None
) -> list[Row]:
    groups: dict[str, list[rules.NeedFacts]] = defaultdict(list)
    for row in facts:
        groups[row.departement_code].append(row.facts)
    rows = [
        Row(code, _departement_label(code), rules.tension(items, now), (bmo or {}).get(code))
        for code, items in groups.items()
    ]
    return sorted([r for r in rows if r.figures.open_needs], key=lambda r: r.code)


def by_job(facts: list[FactRow], now: datetime) -> list[Row]:
    groups: dict[str, list[rules.NeedFacts]] = defaultdict(list)
    for row in facts:
        groups[row.rome_code].append(row.facts)
    rows = [
        Row(code, rome.label_of(code), rules.tension(items, now)) for code, items in groups.items()
    ]
    return sorted([r for r in rows if r.figures.open_needs], key=lambda r: r.code)


def total(facts: list[FactRow], now: datetime) -> rules.Tension:
    return rules.tension([r.facts for r in facts], now)


@dataclass(frozen=True)
class Month:
    end: datetime
    open_needs: int
    in_difficulty: int

    @property
    def label(self) -> str:
        return f"{self.end.month:02d}/{self.end.year}"


def trend(facts: list[FactRow], now: datetime) -> list[Month]:
    """Open needs and needs « en difficulté » at the end of each of the last 12 months."""
    items = [r.facts for r in facts]
    months = []
    for end in rules.month_ends(now):
        figures = rules.tension(items, end)
        months.append(Month(end, figures.open_needs, figures.in_difficulty))
    return months


def csv_rows(rows: list[Row], public: bool) -> list[list[object]]:
    return [[row.to_json(public)[c] for c in COLUMNS] for row in rows]
