"""What a scenario may change in the AGE, and how its values become dated parameters.

Pure: no Flask, no database. A scenario's overrides are a dict ``key → value`` (the keys of
:data:`OVERRIDES`); :func:`parameter_values` turns them into national parameter names and
values of the same shape as the TOML files; :func:`overlay` makes the
:class:`~app.estimator.parameters.RuleOverlay` the estimator and the cost model read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from app.estimator.parameters import Entry, FrozenDict, Reader, RuleOverlay

__all__ = [
    "AGE_START",
    "MAX_MONTHS",
    "OVERRIDES",
    "Override",
    "ScenarioRow",
    "decode",
    "encode",
    "national_values",
    "overlay",
    "parameter_values",
]

#: The AGE exists from this date: a scenario changes the AGE, not the former AGEPI.
AGE_START = date(2024, 5, 1)
#: The longest experiment (the protocol: « pour 1 an », then assess).
MAX_MONTHS = 36
AMOUNT_KEYS = tuple(f"montant_{tier}_{n}" for tier in ("reduit", "plein") for n in (1, 2, 3))


@dataclass(frozen=True)
class Override:
    key: str
    label: str
    kind: str  # "int" | "decimal" | "bool"
    low: Decimal
    high: Decimal
    unit: str = ""


OVERRIDES: tuple[Override, ...] = (
    Override(
        "age_enfant_maximum",
        "Âge limite de l’enfant (moins de … ans)",
        "int",
        Decimal(1),
        Decimal(18),
        "ans",
    ),
    Override(
        "coefficient_seuil_ressources",
        "Seuil de ressources, en multiple de l’ARE minimale",
        "decimal",
        Decimal("0.5"),
        Decimal(4),
        "× ARE minimale",
    ),
    Override("parent_isole_requis", "Réservée aux parents isolés", "bool", Decimal(0), Decimal(1)),
    Override(
        "cdd_duree_minimum_jours",
        "Durée minimale d’un CDD ou d’une mission d’intérim",
        "int",
        Decimal(1),
        Decimal(365),
        "jours",
    ),
    Override(
        "formation_duree_minimum_heures",
        "Durée minimale d’une formation",
        "int",
        Decimal(1),
        Decimal(1200),
        "heures",
    ),
    *(
        Override(
            f"montant_{tier}_{n}",
            f"Montant {'de moins de 15 h' if tier == 'reduit' else 'de 15 h ou plus'} par "
            f"semaine, {n}{' enfant' if n == 1 else ' enfants' if n == 2 else ' enfants ou plus'}",
            "decimal",
            Decimal(0),
            Decimal(5000),
            "€",
        )
        for tier in ("reduit", "plein")
        for n in (1, 2, 3)
    ),
    Override(
        "coefficient_mayotte",
        "Coefficient appliqué aux montants à Mayotte",
        "decimal",
        Decimal(0),
        Decimal(2),
    ),
    Override(
        "delai_entre_deux_aides_mois",
        "Une aide au plus tous les … mois",
        "int",
        Decimal(0),
        Decimal(60),
        "mois",
    ),
)
BY_KEY = {o.key: o for o in OVERRIDES}

_SIMPLE = {
    "age_enfant_maximum": "age.age_enfant_maximum",
    "coefficient_seuil_ressources": "are.coefficient_seuil_ressources",
    "parent_isole_requis": "age.parent_isole_requis",
    "formation_duree_minimum_heures": "age.formation_duree_minimum_heures",
    "coefficient_mayotte": "age.coefficient_mayotte",
    "delai_entre_deux_aides_mois": "age.delai_entre_deux_aides_mois",
}


def national_values(on: date) -> dict[str, Any]:
    """The national value of each override key on ``on`` (an AGE date)."""
    read = Reader(on)
    values: dict[str, Any] = {key: read(name) for key, name in _SIMPLE.items()}
    values["cdd_duree_minimum_jours"] = read("age.cdd_duree_minimum")["jours"]
    amounts = read("age.montants")
    for tier in ("reduit", "plein"):
        for n in (1, 2, 3):
            values[f"montant_{tier}_{n}"] = amounts[tier][n - 1]
    return values


def changed(values: Mapping[str, Any], on: date) -> dict[str, Any]:
    """Only the values that differ from the national ones on ``on``."""
    national = national_values(on)
    return {k: v for k, v in values.items() if k in BY_KEY and v != national[k]}


def parameter_values(overrides: Mapping[str, Any], on: date) -> dict[str, Any]:
    """Parameter name → value, shaped as in the national files (amount tables complete: an
    amount not overridden keeps its national value)."""
    out: dict[str, Any] = {}
    for key, name in _SIMPLE.items():
        if key in overrides:
            out[name] = overrides[key]
    if "cdd_duree_minimum_jours" in overrides:
        out["age.cdd_duree_minimum"] = FrozenDict(jours=int(overrides["cdd_duree_minimum_jours"]))
    if any(k in overrides for k in AMOUNT_KEYS):
        national = national_values(on)
        out["age.montants"] = FrozenDict(
            (
                tier,
                tuple(
                    Decimal(overrides.get(f"montant_{tier}_{n}", national[f"montant_{tier}_{n}"]))
                    for n in (1, 2, 3)
                ),
            )
            for tier in ("reduit", "plein")
        )
    return out


def encode(value: Any) -> str:
    """A parameter value as JSON text (Decimals as strings, exact)."""

    def plain(v: Any) -> Any:
        if isinstance(v, Decimal):
            return {"decimal": str(v)}
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [plain(x) for x in v]
        return v

    return json.dumps(plain(value), ensure_ascii=False, sort_keys=True)


def decode(text: str) -> Any:
    """The value :func:`encode` wrote, with the national files' types (Decimal, tuples,
    :class:`FrozenDict`)."""

    def typed(v: Any) -> Any:
        if isinstance(v, dict):
            if set(v) == {"decimal"}:
                return Decimal(v["decimal"])
            return FrozenDict((k, typed(x)) for k, x in v.items())
        if isinstance(v, list):
            return tuple(typed(x) for x in v)
        return v

    return typed(json.loads(text))


@dataclass(frozen=True)
class ScenarioRow:
    """A stored dated parameter of a scenario (what :func:`overlay` needs of a DB row)."""

    name: str
    value: str
    starts_on: date
    ends_on: date  # exclusive
    source: str


def overlay(rows: Iterable[ScenarioRow], label: str) -> RuleOverlay:
    """The local rules of these dated rows."""
    entries: dict[str, list[Entry]] = {}
    for row in rows:
        entries.setdefault(row.name, []).append(
            Entry(
                name=row.name,
                start=row.starts_on,
                end=row.ends_on,
                value=decode(row.value),
                source=row.source,
                unverified=False,
                note="Règle expérimentale locale",
            )
        )
    return RuleOverlay(
        {k: tuple(sorted(v, key=lambda e: e.start)) for k, v in entries.items()}, label
    )


def rows_for(
    overrides: Mapping[str, Any], starts_on: date, last_day: date, source: str
) -> list[ScenarioRow]:
    """The dated rows of a scenario's overrides, in force from ``starts_on`` to ``last_day``."""
    return [
        ScenarioRow(name, encode(value), starts_on, last_day + timedelta(days=1), source)
        for name, value in sorted(parameter_values(overrides, starts_on).items())
    ]


def overrides_of(rows: Iterable[ScenarioRow], on: date) -> dict[str, Any]:
    """Back from stored rows to the override keys (for the edit form and the summary)."""
    by_name = {row.name: decode(row.value) for row in rows}
    out: dict[str, Any] = {key: by_name[name] for key, name in _SIMPLE.items() if name in by_name}
    if "age.cdd_duree_minimum" in by_name:
        out["cdd_duree_minimum_jours"] = by_name["age.cdd_duree_minimum"]["jours"]
    if "age.montants" in by_name:
        national = national_values(on)
        for tier in ("reduit", "plein"):
            for n in (1, 2, 3):
                value = by_name["age.montants"][tier][n - 1]
                if value != national[f"montant_{tier}_{n}"]:
                    out[f"montant_{tier}_{n}"] = value
    return out
