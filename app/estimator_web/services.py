"""Reading the estimator's answers and estimating, for the page and the widget alike."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from app.api.estimations import EstimationErrors, run_estimation
from app.db import get_session
from app.estimator_web.forms import EstimatorForm
from app.estimator_web.presenters import EstimatorView, ExperimentNotice
from app.experiments import queries as experiments
from app.geo.timezones import today_in_france


def evaluate(args: MultiDict, *, complete: bool) -> EstimatorView:
    """Read the answers from the query string ``args``; with ``complete``, estimate when they
    suffice."""
    form = EstimatorForm(args, today=today_in_france())
    added = False
    if args.get("ajouter_enfant") and len(form.enfants.entries) < form.enfants.max_entries:
        form.enfants.append_entry()
        form.align_children()
        added = True
    result = None
    notice = None
    if args and form.validate(complete=complete) and complete:
        try:
            result, notice = _estimate(form)
        except EstimationErrors as invalid:
            form.add_api_errors(invalid.errors)
    return EstimatorView(
        form, submitted=complete, result=result, added_child=added, experiment=notice
    )


def _estimate(form: EstimatorForm):
    """The estimate with the rules of the parent's département: an experiment in force there
    applies to jobs starting in its period; then the national answer is computed too."""
    session = get_session()
    code = form.commune.departement_code if form.commune else None
    local = experiments.local_rules(session, code)
    result = run_estimation(form.payload(), today=form.today, rules=local[0] if local else None)
    if not result.age.local_entries or code is None:
        return result, None
    scenario = experiments.local_scenario(session, code, result.age.reference_date or form.today)
    national = run_estimation(form.payload(), today=form.today).age
    label = experiments.label_for(scenario, code) if scenario else "règles expérimentales"
    return result, ExperimentNotice(label=label, national=national)
