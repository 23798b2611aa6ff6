"""Place autocomplete (htmx fragment feeding a <datalist>, and JSON)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from app.geo.lookup import lookup_places

bp = Blueprint("geo", __name__)


@bp.get("/lieux")
def places():
    text = request.args.get("lieu", "")[:100]
    matches = lookup_places(text, limit=10) if len(text.strip()) >= 2 else []
    if request.accept_mimetypes.best == "application/json":
        return jsonify(
            [
                {
                    "code_insee": m.commune.code_insee,
                    "nom": m.commune.name,
                    "libelle": m.commune.label,
                    "ancien_nom": m.alias,
                    "departement": m.commune.departement_code,
                    "codes_postaux": list(m.commune.postcodes),
                }
                for m in matches
            ]
        )
    return render_template("geo/_datalist.html", matches=matches)
