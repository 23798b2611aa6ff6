"""The AGE cost and reach model: pure functions over dated parameters and population groups.

A population is a table of groups (rows): a territory (département), a registration category,
an allowance band, the age band of the youngest child, the number of children and whether the
parent is single, with a head count and yearly rates (job starts, training entries, share of
full-time activity, take-up). :func:`evaluate` applies one set of :class:`Rules` to every row at
once (numpy); :func:`compare` sets a scenario against the national rules.

For each group, with ``N`` people, ``λ`` eligible events per person per year and take-up ``p``:

- eligible people = N × [category eligible] × [single, if required] × share of the youngest
  child under the age limit × share under the resource threshold (both interpolated uniformly
  inside their band);
- eligible events = eligible people × λ, with λ = CDI rate + CDD rate × share of contracts at
  least the minimum length + training rate × share of courses at least the minimum hours;
- expected aids = eligible people × pλ / (1 + pλ·T/12): the aid is granted at most once every
  T months (a renewal process with a dead time of T months);
- cost = aids × (share full-time × full amount + the rest × reduced amount), for the group's
  number of children, × the Mayotte coefficient in the 976.

Simplifications (said on the page and in the README): the number of children of a group counts
for the amount whatever the age limit; business creation is not modelled; the application
delay is not modelled (take-up absorbs it).
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from app.estimator.parameters import Reader, RuleOverlay

__all__ = [
    "AGE_BANDS",
    "ALLOWANCE_BANDS",
    "CATEGORIES",
    "COUNT_BANDS",
    "Comparison",
    "Outcome",
    "Population",
    "Rules",
    "assumptions",
    "compare",
    "default_population",
    "departement_names",
    "evaluate",
    "rules_on",
]

CATEGORIES = ("1-3", "6-8", "4", "5")
_CATEGORY_MEMBERS: dict[str, tuple[int | str, ...]] = {
    "1-3": (1, 2, 3),
    "6-8": (6, 7, 8),
    "4": (4,),
    "5": (5,),
}
MAYOTTE = "976"
DAYS_PER_MONTH = 30.4375


@lru_cache(maxsize=1)
def assumptions() -> Mapping[str, Any]:
    """The national default and its sources (``data/population_default.toml``)."""
    text = resources.files(__package__).joinpath("data/population_default.toml").read_text("utf-8")
    return tomllib.loads(text)


ALLOWANCE_BANDS: tuple[str, ...] = tuple(assumptions()["allowance"]["bands"])
AGE_BANDS: tuple[str, ...] = tuple(assumptions()["children"]["age_bands"])
COUNT_BANDS: tuple[str, ...] = tuple(assumptions()["children"]["count_bands"])


@lru_cache(maxsize=1)
def _departements() -> tuple[tuple[str, str, int], ...]:
    text = (
        resources.files(__package__).joinpath("data/departements_population.csv").read_text("utf-8")
    )
    return tuple(
        (row["departement"], row["nom"], int(row["population"]))
        for row in csv.DictReader(text.splitlines())
    )


def departement_names() -> dict[str, str]:
    """Code → name of the 101 départements the default covers."""
    return {code: name for code, name, _ in _departements()}


# ---------------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Rules:
    """The AGE / AGEPI conditions and amounts the model needs, read on one date."""

    dispositif: str
    categories: frozenset[str]
    child_age_limit: int
    resource_coefficient: float
    single_required: bool
    cdd_min_days: float
    training_min_hours: float
    reduced: tuple[float, float, float]
    full: tuple[float, float, float]
    mayotte_coefficient: float
    months_between: int


def rules_on(on: date, overlay: RuleOverlay | None = None) -> Rules:
    """The rules in force on ``on`` (the national files, or ``overlay`` where it applies): the
    same parameters the estimator reads, so a rule has one home."""
    read = Reader(on, overlay)
    d = read("age.dispositif")

    def param(key: str) -> Any:
        return read(f"{d}.{key}")

    eligible = set(param("categories_eligibles"))
    cdd = param("cdd_duree_minimum")
    amounts = param("montants")
    return Rules(
        dispositif=d,
        categories=frozenset(
            c for c, members in _CATEGORY_MEMBERS.items() if eligible.issuperset(members)
        ),
        child_age_limit=int(param("age_enfant_maximum")),
        resource_coefficient=float(read("are.coefficient_seuil_ressources")),
        single_required=bool(param("parent_isole_requis")),
        cdd_min_days=float(cdd["jours"]) if "jours" in cdd else cdd["mois"] * DAYS_PER_MONTH,
        training_min_hours=float(param("formation_duree_minimum_heures")),
        reduced=tuple(float(x) for x in amounts["reduit"][:3]),  # type: ignore[arg-type]
        full=tuple(float(x) for x in amounts["plein"][:3]),  # type: ignore[arg-type]
        mayotte_coefficient=float(param("coefficient_mayotte")),
        months_between=int(param("delai_entre_deux_aides_mois")),
    )


# ---------------------------------------------------------------------------- population


@dataclass(frozen=True)
class Population:
    """Groups as parallel arrays (one row per group); ``territories`` names the codes indexed
    by ``territory``; ``sources`` says where each territory's figures come from."""

    territories: tuple[str, ...]
    territory: np.ndarray
    category: np.ndarray
    allowance: np.ndarray
    youngest: np.ndarray
    children: np.ndarray
    single: np.ndarray
    count: np.ndarray
    rate_cdi: np.ndarray
    rate_cdd: np.ndarray
    rate_training: np.ndarray
    share_full: np.ndarray
    take_up: np.ndarray
    sources: Mapping[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.count)

    def only(self, codes: Iterable[str]) -> Population:
        """The groups of these territories only."""
        chosen = set(codes)
        wanted = [i for i, c in enumerate(self.territories) if c in chosen]
        keep = np.isin(self.territory, wanted)
        remap = np.full(len(self.territories), -1)
        remap[wanted] = np.arange(len(wanted))
        arrays = {
            name: getattr(self, name)[keep]
            for name in (
                "category",
                "allowance",
                "youngest",
                "children",
                "single",
                "count",
                "rate_cdi",
                "rate_cdd",
                "rate_training",
                "share_full",
                "take_up",
            )
        }
        codes_kept = tuple(self.territories[i] for i in wanted)
        return Population(
            territories=codes_kept,
            territory=remap[self.territory[keep]],
            sources={c: self.sources.get(c, "") for c in codes_kept},
            **arrays,
        )


def _national_grid() -> dict[str, np.ndarray]:
    """One row per group of the national default (4 × 5 × 6 × 3 × 2 = 720), with its count."""
    a = assumptions()
    cats = np.array([a["job_seekers"]["categories"][c] for c in CATEGORIES], dtype=float)
    parents = a["parents"]
    single_share = np.array([1 - parents["share_single"], parents["share_single"]])
    allowance = np.array(a["allowance"]["shares"], dtype=float)
    youngest = np.array(a["children"]["youngest_shares"], dtype=float)
    counts_by_single = np.array(
        [a["children"]["couple_count_shares"], a["children"]["single_count_shares"]], dtype=float
    )
    c, b, y, n, s = np.meshgrid(
        np.arange(len(CATEGORIES)),
        np.arange(len(ALLOWANCE_BANDS)),
        np.arange(len(AGE_BANDS)),
        np.arange(len(COUNT_BANDS)),
        np.arange(2),
        indexing="ij",
    )
    c, b, y, n, s = (x.ravel() for x in (c, b, y, n, s))
    count = (
        cats[c]
        * parents["share_parents"]
        * single_share[s]
        * allowance[b]
        * youngest[y]
        * counts_by_single[s, n]
    )
    return {
        "category": c,
        "allowance": b,
        "youngest": y,
        "children": n,
        "single": s == 1,
        "count": count,
    }


@lru_cache(maxsize=4)
def default_population(codes: tuple[str, ...] | None = None) -> Population:
    """The national default split by legal population over the départements ``codes`` (all
    101 when None)."""
    a = assumptions()
    deps = [(code, pop) for code, _, pop in _departements() if codes is None or code in codes]
    total = sum(pop for _, _, pop in _departements())
    grid = _national_grid()
    size = len(grid["count"])
    shares = np.array([pop / total for _, pop in deps])
    rows = size * len(deps)
    territory = np.repeat(np.arange(len(deps)), size)
    events = a["events"]

    def full(value: float) -> np.ndarray:
        return np.full(rows, float(value))

    source = "Valeur nationale par défaut, répartie selon la population légale du département"
    return Population(
        territories=tuple(code for code, _ in deps),
        territory=territory,
        category=np.tile(grid["category"], len(deps)),
        allowance=np.tile(grid["allowance"], len(deps)),
        youngest=np.tile(grid["youngest"], len(deps)),
        children=np.tile(grid["children"], len(deps)),
        single=np.tile(grid["single"], len(deps)),
        count=np.tile(grid["count"], len(deps)) * shares[territory],
        rate_cdi=full(events["rate_cdi"]),
        rate_cdd=full(events["rate_cdd"]),
        rate_training=full(events["rate_training"]),
        share_full=full(a["intensity"]["share_full"]),
        take_up=full(a["take_up"]["rate"]),
        sources={code: source for code, _ in deps},
    )


@dataclass(frozen=True)
class GroupRow:
    """One imported group (``flask import population-age``), codes as in the CSV."""

    departement: str
    categorie: str
    indemnisation: str
    age_benjamin: str
    enfants: str
    parent_isole: bool
    effectif: float
    taux_cdi: float
    taux_cdd: float
    taux_formation: float
    part_temps_plein: float
    taux_recours: float


def with_groups(
    base: Population, groups: Sequence[GroupRow], source: str = "Import local"
) -> Population:
    """``base`` where the territories present in ``groups`` are replaced by those groups."""
    if not groups:
        return base
    replaced = {g.departement for g in groups}
    kept = base.only(c for c in base.territories if c not in replaced)
    codes = kept.territories + tuple(sorted(replaced - set(kept.territories)))
    index = {c: i for i, c in enumerate(codes)}

    def arr(values: Iterable[Any], dtype: Any = float) -> np.ndarray:
        return np.array(list(values), dtype=dtype)

    new = {
        "territory": arr((index[g.departement] for g in groups), int),
        "category": arr((CATEGORIES.index(g.categorie) for g in groups), int),
        "allowance": arr((ALLOWANCE_BANDS.index(g.indemnisation) for g in groups), int),
        "youngest": arr((AGE_BANDS.index(g.age_benjamin) for g in groups), int),
        "children": arr((COUNT_BANDS.index(g.enfants) for g in groups), int),
        "single": arr((g.parent_isole for g in groups), bool),
        "count": arr(g.effectif for g in groups),
        "rate_cdi": arr(g.taux_cdi for g in groups),
        "rate_cdd": arr(g.taux_cdd for g in groups),
        "rate_training": arr(g.taux_formation for g in groups),
        "share_full": arr(g.part_temps_plein for g in groups),
        "take_up": arr(g.taux_recours for g in groups),
    }
    merged = {
        name: np.concatenate([getattr(kept, name), new[name]])
        for name in new
        if name != "territory"
    }
    return Population(
        territories=codes,
        territory=np.concatenate([kept.territory, new["territory"]]),
        sources={**kept.sources, **dict.fromkeys(replaced, source)},
        **merged,
    )


# ------------------------------------------------------------------------------ evaluate


def _share_at_least(
    threshold: float, bounds: Sequence[Sequence[float]], shares: Sequence[float]
) -> float:
    """Share of a bucketed distribution at or above ``threshold`` (uniform inside a bucket)."""
    total = 0.0
    for (low, high), share in zip(bounds, shares, strict=True):
        if threshold <= low:
            total += share
        elif threshold < high:
            total += share * (high - threshold) / (high - low)
    return total


def _allowance_fraction(coefficient: float) -> np.ndarray:
    """Per allowance band, the share at or under ``coefficient`` × the minimum ARE."""
    out = []
    for low, high in assumptions()["allowance"]["bounds"]:
        if high <= low:  # « aucune »: no allowance, always under the threshold
            out.append(1.0)
        else:
            out.append(min(max((coefficient - low) / (high - low), 0.0), 1.0))
    return np.array(out)


def _child_fraction(limit: int) -> np.ndarray:
    """Per youngest-child band, the share of ages strictly under ``limit``."""
    return np.array(
        [
            min(max(limit - low, 0), high - low + 1) / (high - low + 1)
            for low, high in assumptions()["children"]["age_bounds"]
        ]
    )


@dataclass(frozen=True)
class Outcome:
    """Per group (same order as the population): eligible people, events and aids a year,
    and the yearly cost in euros."""

    eligible_people: np.ndarray
    eligible_events: np.ndarray
    aids: np.ndarray
    cost: np.ndarray


def evaluate(population: Population, rules: Rules, take_up_factor: float = 1.0) -> Outcome:
    """Apply ``rules`` to every group at once (take-up multiplied by ``take_up_factor``,
    capped at 1)."""
    events = assumptions()["events"]
    cat_ok = np.array([c in rules.categories for c in CATEGORIES])[population.category]
    single_ok = population.single | (not rules.single_required)
    people = (
        population.count
        * cat_ok
        * single_ok
        * _child_fraction(rules.child_age_limit)[population.youngest]
        * _allowance_fraction(rules.resource_coefficient)[population.allowance]
    )
    rate = (
        population.rate_cdi
        + population.rate_cdd
        * _share_at_least(rules.cdd_min_days, events["cdd_bounds"], events["cdd_shares"])
        + population.rate_training
        * _share_at_least(
            rules.training_min_hours, events["training_bounds"], events["training_shares"]
        )
    )
    claimed = np.minimum(population.take_up * take_up_factor, 1.0) * rate
    aids = people * claimed / (1.0 + claimed * rules.months_between / 12.0)
    full = np.array(rules.full)[population.children]
    reduced = np.array(rules.reduced)[population.children]
    amount = population.share_full * full + (1 - population.share_full) * reduced
    mayotte = np.array([c == MAYOTTE for c in population.territories], dtype=bool)
    if mayotte.any():
        amount = amount * np.where(mayotte[population.territory], rules.mayotte_coefficient, 1.0)
    return Outcome(people, people * rate, aids, aids * amount)


# ------------------------------------------------------------------------------- compare


@dataclass(frozen=True)
class Line:
    """Scenario vs national for one territory, one group or the whole."""

    key: str
    label: str
    national_events: float
    scenario_events: float
    national_aids: float
    scenario_aids: float
    national_cost: float
    scenario_cost: float

    @property
    def extra_aids(self) -> float:
        return self.scenario_aids - self.national_aids

    @property
    def extra_cost(self) -> float:
        return self.scenario_cost - self.national_cost

    @property
    def cost_per_extra_beneficiary(self) -> float | None:
        """Extra cost ÷ extra aids; None when the scenario adds (almost) no aid."""
        return self.extra_cost / self.extra_aids if abs(self.extra_aids) >= 0.5 else None


@dataclass(frozen=True)
class Comparison:
    total: Line
    by_territory: tuple[Line, ...]
    by_group: tuple[Line, ...]
    #: (take-up factor, national aids, scenario aids, extra cost) for the sensitivity line.
    sensitivity: tuple[tuple[float, float, float, float], ...]
    national: Rules
    scenario: Rules


SENSITIVITY = (0.5, 0.75, 1.0, 1.25, 1.5)


def _lines(
    keys: np.ndarray, labels: Sequence[tuple[str, str]], nat: Outcome, scen: Outcome
) -> tuple[Line, ...]:
    size = len(labels)

    def sums(values: np.ndarray) -> np.ndarray:
        return np.bincount(keys, weights=values, minlength=size)

    parts = [
        sums(x)
        for x in (
            nat.eligible_events,
            scen.eligible_events,
            nat.aids,
            scen.aids,
            nat.cost,
            scen.cost,
        )
    ]
    return tuple(
        Line(key, label, *(float(p[i]) for p in parts)) for i, (key, label) in enumerate(labels)
    )


def compare(
    population: Population,
    national: Rules,
    scenario: Rules,
    names: Mapping[str, str] | None = None,
) -> Comparison:
    """A scenario's rules against the national ones, on the same population."""
    names = names or departement_names()
    nat, scen = evaluate(population, national), evaluate(population, scenario)
    territories = _lines(
        population.territory,
        [(c, f"{names.get(c, c)} ({c})") for c in population.territories],
        nat,
        scen,
    )
    group_key = population.single.astype(int) * len(AGE_BANDS) + population.youngest
    group_labels = [
        (
            f"{'isole' if s else 'couple'}-{band}",
            f"{'Parent isolé' if s else 'En couple'}, "
            f"plus jeune enfant de {band.replace('-', ' à ')} ans",
        )
        for s in (0, 1)
        for band in AGE_BANDS
    ]
    groups = _lines(group_key, group_labels, nat, scen)
    total = _lines(np.zeros(len(population), dtype=int), [("total", "Ensemble")], nat, scen)[0]
    sensitivity = []
    for factor in SENSITIVITY:
        n = evaluate(population, national, factor)
        s = evaluate(population, scenario, factor)
        sensitivity.append(
            (factor, float(n.aids.sum()), float(s.aids.sum()), float(s.cost.sum() - n.cost.sum()))
        )
    return Comparison(total, territories, groups, tuple(sensitivity), national, scenario)


def totals(population: Population, rules: Rules) -> tuple[float, float]:
    """(aids, cost) a year for the whole population."""
    out = evaluate(population, rules)
    return float(out.aids.sum()), float(out.cost.sum())


def with_rules(rules: Rules, **changes: Any) -> Rules:
    """A copy of ``rules`` with some values changed (tests, what-ifs)."""
    return replace(rules, **changes)
