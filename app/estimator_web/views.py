"""« Estimer mes aides »: the page, the inline check, a child more, the printable view.

Everything is GET: the answers live in the URL (the shareable link), nothing is stored."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from app.api.estimations import EstimationErrors, run_estimation
from app.core.rendering import (
    is_htmx,
    redirect_without_htmx,
    render_fragment,
    render_page_or_fragment,
)
from app.estimator_web.forms import EstimatorForm
from app.estimator_web.presenters import EstimatorView
from app.geo.timezones import today_in_france

bp = Blueprint("estimator", __name__)


def _evaluate(*, complete: bool) -> EstimatorView:
    """Read the answers from the query string; with ``complete``, estimate when they suffice."""
    form = EstimatorForm(request.args, today=today_in_france())
    added = False
    if request.args.get("ajouter_enfant") and len(form.enfants.entries) < form.enfants.max_entries:
        form.enfants.append_entry()
        added = True
    result = None
    if request.args:
        if form.validate(complete=complete) and complete:
            try:
                result = run_estimation(form.payload(), today=form.today)
            except EstimationErrors as invalid:
                form.add_api_errors(invalid.errors)
    return EstimatorView(form, submitted=complete, result=result, added_child=added)


@bp.get("/estimer-mes-aides")
def page():
    view = _evaluate(complete=bool(request.args.get("calculer")))
    return render_page_or_fragment(
        "estimator/page.html", "estimator/_estimator.html", form=view.form, view=view
    )


@bp.get("/estimer-mes-aides/valider")
def check():
    """The inline check as the parent answers (htmx): each field's message and the steps to
    show, as out-of-band fragments; the form itself is not replaced, so nothing typed is lost."""
    if not is_htmx():
        return _to_page()
    view = _evaluate(complete=False)
    return render_fragment("estimator/_check.html", form=view.form, view=view, oob=True)


@bp.get("/estimer-mes-aides/enfants")
def children():
    """One more child (htmx); without JavaScript the same button reloads the page."""
    if not is_htmx():
        return _to_page()
    view = _evaluate(complete=False)
    return render_fragment("estimator/_children.html", form=view.form, view=view)


def _to_page():
    """Without JavaScript, the htmx addresses send the browser to the page, answers kept."""
    return redirect_without_htmx(url_for("estimator.page", **request.args.to_dict(flat=False)))


@bp.get("/estimer-mes-aides/imprimer")
def printable():
    view = _evaluate(complete=True)
    if view.result is None:
        return redirect(view.page_url)
    return render_template("estimator/print.html", form=view.form, view=view)
