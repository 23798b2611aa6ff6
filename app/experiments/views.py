"""« Expérimentations de l'AGE » in the coordinators' space (``/coordination/experimentations``):
scenarios, their cost against the national rules, putting one in force, ending it.

Views stay thin: the model is :mod:`app.experiments.model`, rules of the form in
:mod:`app.experiments.forms`, writes in :mod:`app.experiments.services`. Every scenario loaded
by id is checked (:mod:`app.experiments.policies`) and answered 404 when out of reach."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for

from app.accounts.auth import current_user, role_required
from app.accounts.models import Role, User
from app.core.dates import add_months
from app.db import get_session
from app.experiments import policies, presenters, queries, services
from app.experiments.forms import ScenarioForm
from app.experiments.model import assumptions, departement_names
from app.experiments.models import Scenario, ScenarioStatus
from app.experiments.rules import AGE_START, national_values, overrides_of
from app.experiments.services import ExperimentError, ScenarioData
from app.geo.timezones import today_in_france

bp = Blueprint("experiments", __name__, url_prefix="/coordination/experimentations")


def _me() -> User:
    return current_user._get_current_object()


def _scenario(scenario_id: int, *, change: bool = False) -> Scenario:
    scenario = get_session().get(Scenario, scenario_id)
    allowed = policies.may_change if change else policies.may_see
    if scenario is None or not allowed(_me(), scenario):
        abort(404)
    return scenario


def _allowed_codes() -> set[str] | None:
    me = _me()
    return None if me.role == Role.ADMIN else {me.departement_code or ""}


@bp.get("")
@role_required(Role.COORDINATEUR)
def index():
    return render_template(
        "experiments/index.html", scenarios=queries.visible_scenarios(get_session(), _me())
    )


def _form_page(form: ScenarioForm, scenario: Scenario | None, problem: str | None = None):
    status = 422 if (form.errors or problem) else 200
    return render_template(
        "experiments/form.html", form=form, scenario=scenario, problem=problem
    ), status


def _save(form: ScenarioForm, scenario: Scenario | None):
    if not form.validate_on_submit():
        return _form_page(form, scenario)
    session = get_session()
    data = ScenarioData(
        form.name.data,
        form.codes,
        cast(date, form.debut.date_value),  # checked by the form
        cast(date, form.fin.date_value),
        form.overrides(),
    )
    try:
        saved = services.save_scenario(session, _me(), data, scenario)
    except ExperimentError as error:
        session.rollback()
        return _form_page(form, scenario, error.message)
    session.commit()
    flash("Scénario enregistré : voici ce qu’il coûterait.")
    return redirect(url_for("experiments.detail", scenario_id=saved.id))


@bp.route("/nouveau", methods=["GET", "POST"])
@role_required(Role.COORDINATEUR)
def create():
    form = ScenarioForm(allowed_codes=_allowed_codes())
    if not form.is_submitted():
        start = max(AGE_START, today_in_france())
        form.fill(
            national_values(start),
            territoires=_me().departement_code or "",
            debut=start.isoformat(),
            fin=(add_months(start, 12) - timedelta(days=1)).isoformat(),
        )
    return _save(form, None)


@bp.route("/<int:scenario_id>/modifier", methods=["GET", "POST"])
@role_required(Role.COORDINATEUR)
def edit(scenario_id: int):
    scenario = _scenario(scenario_id, change=True)
    if scenario.status != ScenarioStatus.DRAFT:
        flash("Seul un brouillon peut être modifié.")
        return redirect(url_for("experiments.detail", scenario_id=scenario.id))
    form = ScenarioForm(allowed_codes=_allowed_codes())
    if not form.is_submitted():
        values = national_values(scenario.starts_on)
        values.update(overrides_of(queries.rows_of(scenario), scenario.starts_on))
        form.fill(
            values,
            name=scenario.name,
            territoires=", ".join(scenario.codes),
            debut=scenario.starts_on.isoformat(),
            fin=scenario.ends_on.isoformat(),
        )
    return _save(form, scenario)


@bp.get("/<int:scenario_id>")
@role_required(Role.COORDINATEUR)
def detail(scenario_id: int):
    scenario = _scenario(scenario_id)
    session = get_session()
    comparison = queries.comparison(session, scenario)
    return render_template(
        "experiments/detail.html",
        scenario=scenario,
        may_change=policies.may_change(_me(), scenario),
        changes=presenters.changes(
            overrides_of(queries.rows_of(scenario), scenario.starts_on), scenario.starts_on
        ),
        comparison=comparison,
        total=presenters.row(comparison.total),
        territories=[presenters.row(ln) for ln in comparison.by_territory],
        groups=[presenters.row(ln) for ln in comparison.by_group],
        chart=presenters.chart(comparison),
        sensitivity=presenters.sensitivity(comparison),
        national_text=presenters.rules_text(comparison.national),
        scenario_text=presenters.rules_text(comparison.scenario),
        period_factor=presenters.period_factor(scenario.starts_on, scenario.last_day),
        euros=presenters.euros,
        sources=queries.population_sources(session, scenario.codes),
        names=departement_names(),
        assumptions=assumptions(),
    )


@bp.get("/<int:scenario_id>/cout.csv")
@role_required(Role.COORDINATEUR)
def export(scenario_id: int):
    scenario = _scenario(scenario_id)
    text = presenters.csv_export(
        queries.comparison(get_session(), scenario),
        scenario.name,
        scenario.starts_on,
        scenario.last_day,
    )
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="experimentation-{scenario.id}.csv"'
        },
    )


def _act(scenario: Scenario, action, done: str):
    session = get_session()
    try:
        action(session, _me(), scenario, today_in_france())
    except ExperimentError as error:
        session.rollback()
        flash(error.message)
    else:
        session.commit()
        flash(done)
    return redirect(url_for("experiments.detail", scenario_id=scenario.id))


@bp.post("/<int:scenario_id>/mettre-en-vigueur")
@role_required(Role.COORDINATEUR)
def put_in_force(scenario_id: int):
    scenario = _scenario(scenario_id, change=True)
    return _act(
        scenario,
        services.put_in_force,
        "Le scénario est en vigueur : l’estimateur applique ses règles aux parents de ses "
        "départements pour les emplois qui commencent pendant sa période.",
    )


@bp.post("/<int:scenario_id>/terminer")
@role_required(Role.COORDINATEUR)
def finish(scenario_id: int):
    scenario = _scenario(scenario_id, change=True)
    return _act(
        scenario,
        services.end,
        "L’expérimentation est terminée : ses règles ne s’appliquent plus aux emplois qui "
        "commencent après aujourd’hui.",
    )
