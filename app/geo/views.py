"""Place autocomplete (htmx fragment feeding a <datalist>, and JSON)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from app.core.rendering import vary
from app.geo.lookup import lookup_places, place_to_json

bp = Blueprint("geo", __name__)


@bp.get("/lieux")
def places():
    text = request.args.get("lieu", "")[:100]
    matches = lookup_places(text, limit=10) if len(text.strip()) >= 2 else []
    # The same address answers JSON or HTML by the Accept header: caches must know.
    if request.accept_mimetypes.best == "application/json":
        return vary(jsonify([place_to_json(m) for m in matches]), "Accept")
    return vary(render_template("geo/_datalist.html", matches=matches), "Accept")
