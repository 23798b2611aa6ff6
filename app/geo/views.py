"""Place autocomplete (htmx fragment feeding a <datalist>, and JSON)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for

from app.core.rendering import is_htmx, redirect_without_htmx, vary
from app.geo.lookup import lookup_places, place_to_json

bp = Blueprint("geo", __name__)


@bp.get("/lieux")
def places():
    text = request.args.get("lieu", "")[:100]
    if _navigated_to():
        # An address of the autocomplete opened as a page (an old bookmark, a shared link): the
        # search for that place, never a bare list of options.
        return vary(redirect_without_htmx(url_for("directory.search", lieu=text)), "Accept")
    matches = lookup_places(text, limit=10) if len(text.strip()) >= 2 else []
    # The same address answers JSON or HTML by the Accept header: caches must know.
    if request.accept_mimetypes.best == "application/json":
        return vary(jsonify([place_to_json(m) for m in matches]), "Accept")
    return vary(render_template("geo/_datalist.html", matches=matches), "Accept")


def _navigated_to() -> bool:
    """A browser opening this address as a page (or htmx restoring it as one), not the
    autocomplete asking for options."""
    if request.headers.get("HX-History-Restore-Request"):
        return True
    return not is_htmx() and request.accept_mimetypes.best == "text/html"
