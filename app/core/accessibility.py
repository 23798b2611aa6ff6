"""The « Déclaration d’accessibilité » (RGAA model): what was tested, how, and what is left.
The facts of the last evaluation are data here, so the page and the README say the same."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template

bp = Blueprint("accessibility", __name__)

#: The last evaluation. Update it with the results in test-results/axe-report-*.json.
EVALUATION = {
    "date": date(2026, 11, 21),
    "axe_core": "4.14.1",  # the version pinned in package.json (a test keeps them equal)
    "rgaa": "4.1.2",
}


@bp.get("/accessibilite")
def statement():
    return render_template(
        "site/accessibility.html",
        evaluation=EVALUATION,
        contact=current_app.config.get("ACCESSIBILITY_CONTACT") or "",
    )
