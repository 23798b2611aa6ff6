"""« Estimer mes aides »: the page, the inline check, a child more, the printable view.

Everything is GET: the answers live in the URL (the shareable link), nothing is stored."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from app.core.rendering import (
    is_htmx,
    redirect_without_htmx,
    render_fragment,
    render_page_or_fragment,
)
from app.estimator_web.services import evaluate

bp = Blueprint("estimator", __name__)


@bp.get("/estimer-mes-aides")
def page():
    view = evaluate(request.args, complete=bool(request.args.get("calculer")))
    return render_page_or_fragment(
        "estimator/page.html", "estimator/_estimator.html", form=view.form, view=view
    )


@bp.get("/estimer-mes-aides/valider")
def check():
    """The inline check as the parent answers (htmx): each field's message and the steps to
    show, as out-of-band fragments; the form itself is not replaced, so nothing typed is lost."""
    if not is_htmx():
        return _to_page()
    view = evaluate(request.args, complete=False)
    return render_fragment("estimator/_check.html", form=view.form, view=view, oob=True)


@bp.get("/estimer-mes-aides/enfants")
def children():
    """One more child (htmx); without JavaScript the same button reloads the page."""
    if not is_htmx():
        return _to_page()
    view = evaluate(request.args, complete=False)
    return render_fragment("estimator/_children.html", form=view.form, view=view)


def _to_page():
    """Without JavaScript, the htmx addresses send the browser to the page, answers kept."""
    return redirect_without_htmx(url_for("estimator.page", **request.args.to_dict(flat=False)))


@bp.get("/estimer-mes-aides/imprimer")
def printable():
    view = evaluate(request.args, complete=True)
    if view.result is None:
        return redirect(view.page_url)
    return render_template("estimator/print.html", form=view.form, view=view)
