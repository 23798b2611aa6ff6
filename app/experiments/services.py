"""Writes: create or change a draft, put it in force, end it; import population groups.

Each function changes the session and leaves the commit to the caller (one transaction per
action). A rule broken raises :class:`ExperimentError` with the French message to show."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.dates import add_months
from app.core.french import format_date
from app.db import utcnow
from app.experiments import model
from app.experiments.models import (
    PopulationGroup,
    Scenario,
    ScenarioParameter,
    ScenarioStatus,
    ScenarioTerritory,
)
from app.experiments.rules import AGE_START, MAX_MONTHS, changed, rows_for


class ExperimentError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ScenarioData:
    name: str
    codes: tuple[str, ...]
    starts_on: date
    ends_on: date
    overrides: Mapping[str, Any]


def period_problem(starts_on: date, ends_on: date) -> str | None:
    """The French message when a period cannot be an experiment's, else None."""
    if starts_on < AGE_START:
        return f"Une expérimentation de l’AGE commence au plus tôt le {format_date(AGE_START)}."
    if ends_on < starts_on:
        return "La date de fin doit suivre la date de début."
    if ends_on >= add_months(starts_on, MAX_MONTHS):
        return f"Une expérimentation dure au plus {MAX_MONTHS} mois."
    return None


def _source(scenario: Scenario) -> str:
    codes = ", ".join(scenario.codes)
    text = f"Expérimentation « {scenario.name} » (nᵒ {scenario.id}), départements {codes}"
    return text[:300]


def _write_parameters(session: Session, scenario: Scenario, overrides: Mapping[str, Any]) -> None:
    scenario.parameters.clear()
    session.flush()
    for row in rows_for(
        changed(overrides, scenario.starts_on),
        scenario.starts_on,
        scenario.last_day,
        _source(scenario),
    ):
        scenario.parameters.append(
            ScenarioParameter(
                name=row.name,
                value=row.value,
                starts_on=row.starts_on,
                ends_on=row.ends_on,
                source=row.source,
            )
        )


def save_scenario(
    session: Session, user: User, data: ScenarioData, scenario: Scenario | None = None
) -> Scenario:
    """Create a draft, or change one (only a draft can change)."""
    problem = period_problem(data.starts_on, data.ends_on)
    if problem:
        raise ExperimentError(problem)
    if scenario is None:
        scenario = Scenario(created_by_id=user.id, status=ScenarioStatus.DRAFT)
        session.add(scenario)
    elif scenario.status != ScenarioStatus.DRAFT:
        raise ExperimentError("Seul un brouillon peut être modifié.")
    scenario.name = data.name
    scenario.starts_on, scenario.ends_on = data.starts_on, data.ends_on
    codes = sorted(set(data.codes))
    if scenario.codes != codes:
        scenario.territories.clear()
        session.flush()  # the old rows go before the new ones (unique per scenario)
        scenario.territories.extend(ScenarioTerritory(departement_code=c) for c in codes)
    session.flush()
    _write_parameters(session, scenario, data.overrides)
    return scenario


def _overlapping(session: Session, scenario: Scenario) -> Scenario | None:
    others = session.scalars(
        select(Scenario)
        .join(ScenarioTerritory)
        .where(
            ScenarioTerritory.departement_code.in_(scenario.codes),
            Scenario.status.in_([ScenarioStatus.IN_FORCE, ScenarioStatus.ENDED]),
            Scenario.id != scenario.id,
        )
        .order_by(Scenario.id)
    )
    for other in others:
        if other.starts_on <= scenario.ends_on and scenario.starts_on <= other.last_day:
            return other
    return None


def put_in_force(session: Session, user: User, scenario: Scenario, today: date) -> None:
    if scenario.status != ScenarioStatus.DRAFT:
        raise ExperimentError(
            "Ce scénario n’est pas un brouillon : il est déjà en vigueur ou terminé."
        )
    if scenario.ends_on < today:
        raise ExperimentError("La période de ce scénario est passée : changez ses dates.")
    if not scenario.parameters:
        raise ExperimentError(
            "Ce scénario ne change aucune règle nationale : il n’y a rien à expérimenter."
        )
    other = _overlapping(session, scenario)
    if other is not None:
        raise ExperimentError(
            f"Le scénario « {other.name} » s’applique déjà dans un de ces départements sur une "
            "partie de cette période."
        )
    scenario.status = ScenarioStatus.IN_FORCE
    scenario.in_force_at = utcnow()
    scenario.in_force_by_id = user.id


def end(session: Session, user: User, scenario: Scenario, today: date) -> None:
    """End an experiment in force: its rules apply up to today (or not at all if it had not
    started); jobs started before keep them."""
    if scenario.status != ScenarioStatus.IN_FORCE:
        raise ExperimentError("Seul un scénario en vigueur peut être terminé.")
    scenario.status = ScenarioStatus.ENDED
    scenario.ended_on = max(min(today, scenario.ends_on), scenario.starts_on - timedelta(days=1))
    for parameter in scenario.parameters:
        parameter.ends_on = scenario.last_day + timedelta(days=1)


def replace_population(
    session: Session, groups: Sequence[model.GroupRow], source: str
) -> dict[str, int]:
    """Replace the groups of every département present in ``groups``; the count per code."""
    codes = sorted({g.departement for g in groups})
    session.execute(delete(PopulationGroup).where(PopulationGroup.departement_code.in_(codes)))
    counts: dict[str, int] = dict.fromkeys(codes, 0)
    for g in groups:
        session.add(
            PopulationGroup(
                departement_code=g.departement,
                categorie=g.categorie,
                indemnisation=g.indemnisation,
                age_benjamin=g.age_benjamin,
                enfants=g.enfants,
                parent_isole=g.parent_isole,
                effectif=g.effectif,
                taux_cdi=g.taux_cdi,
                taux_cdd=g.taux_cdd,
                taux_formation=g.taux_formation,
                part_temps_plein=g.part_temps_plein,
                taux_recours=g.taux_recours,
                source=source[:300],
            )
        )
        counts[g.departement] += 1
    return counts


def codes_known(codes: Iterable[str]) -> list[str]:
    """The codes the model does not know (not a département of the default)."""
    names = model.departement_names()
    return [c for c in codes if c not in names]
