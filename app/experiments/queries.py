"""Reads: the scenarios a person may see, the local rules of a département, the population."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Role, User
from app.core.french import format_date
from app.estimator.parameters import RuleOverlay
from app.experiments import model
from app.experiments.models import (
    PopulationGroup,
    Scenario,
    ScenarioStatus,
    ScenarioTerritory,
)
from app.experiments.rules import ScenarioRow, overlay


def visible_scenarios(session: Session, user: User) -> list[Scenario]:
    query = select(Scenario).order_by(Scenario.starts_on.desc(), Scenario.id.desc())
    if user.role != Role.ADMIN:
        query = query.where(
            Scenario.id.in_(
                select(ScenarioTerritory.scenario_id).where(
                    ScenarioTerritory.departement_code == (user.departement_code or "")
                )
            )
        )
    return list(session.scalars(query))


def rows_of(scenario: Scenario) -> list[ScenarioRow]:
    return [
        ScenarioRow(p.name, p.value, p.starts_on, p.ends_on, p.source) for p in scenario.parameters
    ]


def local_scenario(session: Session, departement_code: str | None, on: date) -> Scenario | None:
    """The scenario in force (or ended, for its past dates) in this département on ``on``."""
    if not departement_code:
        return None
    query = (
        select(Scenario)
        .join(ScenarioTerritory)
        .where(
            ScenarioTerritory.departement_code == departement_code,
            Scenario.status.in_([ScenarioStatus.IN_FORCE, ScenarioStatus.ENDED]),
            Scenario.starts_on <= on,
        )
        .order_by(Scenario.starts_on.desc(), Scenario.id.desc())
    )
    for scenario in session.scalars(query):
        if on <= scenario.last_day:
            return scenario
    return None


def label_for(scenario: Scenario, departement_code: str) -> str:
    name = model.departement_names().get(departement_code, departement_code)
    return (
        f"règles expérimentales du département {name} ({departement_code}) jusqu’au "
        f"{format_date(scenario.last_day)}"
    )


def local_rules(
    session: Session, departement_code: str | None
) -> tuple[RuleOverlay, Scenario] | None:
    """Every dated row of the scenarios put in force in this département (each applies only on
    its own dates: the estimator reads them on the day the job starts), with the latest one."""
    if not departement_code:
        return None
    scenarios = list(
        session.scalars(
            select(Scenario)
            .join(ScenarioTerritory)
            .where(
                ScenarioTerritory.departement_code == departement_code,
                Scenario.status.in_([ScenarioStatus.IN_FORCE, ScenarioStatus.ENDED]),
            )
            .order_by(Scenario.starts_on, Scenario.id)
        )
    )
    if not scenarios:
        return None
    rows = [row for s in scenarios for row in rows_of(s)]
    return overlay(rows, departement_code), scenarios[-1]


def population(session: Session, codes: Sequence[str]) -> model.Population:
    """The model's groups for these départements: imported ones where there are, else the
    national default split by population."""
    base = model.default_population(tuple(sorted(codes)))
    groups = session.scalars(
        select(PopulationGroup)
        .where(PopulationGroup.departement_code.in_(list(codes)))
        .order_by(PopulationGroup.departement_code, PopulationGroup.id)
    ).all()
    if not groups:
        return base
    rows = [
        model.GroupRow(
            g.departement_code,
            g.categorie,
            g.indemnisation,
            g.age_benjamin,
            g.enfants,
            g.parent_isole,
            g.effectif,
            g.taux_cdi,
            g.taux_cdd,
            g.taux_formation,
            g.part_temps_plein,
            g.taux_recours,
        )
        for g in groups
    ]
    return model.with_groups(base, rows, source=groups[0].source)


def comparison(session: Session, scenario: Scenario) -> model.Comparison:
    """The scenario's rules against the national ones on its first day, on its territories'
    population (a year)."""
    rules = overlay(rows_of(scenario), ",".join(scenario.codes))
    return model.compare(
        population(session, scenario.codes),
        model.rules_on(scenario.starts_on),
        model.rules_on(scenario.starts_on, rules),
    )


def population_sources(session: Session, codes: Sequence[str]) -> dict[str, str]:
    return dict(population(session, codes).sources)
