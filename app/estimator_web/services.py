"""Reading the estimator's answers and estimating, for the page and the widget alike."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from app.api.estimations import EstimationErrors, run_estimation
from app.estimator_web.forms import EstimatorForm
from app.estimator_web.presenters import EstimatorView
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
    if args and form.validate(complete=complete) and complete:
        try:
            result = run_estimation(form.payload(), today=form.today)
        except EstimationErrors as invalid:
            form.add_api_errors(invalid.errors)
    return EstimatorView(form, submitted=complete, result=result, added_child=added)
