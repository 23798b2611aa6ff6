"""``/api/v1``: JSON in, JSON out, French messages.

The API is exempt from CSRF: it authenticates nobody, changes nothing on the server and only
accepts ``application/json`` bodies (which a cross-site HTML form cannot send)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from app.api.estimations import EstimationErrors, estimation_to_json, run_estimation
from app.api.openapi import openapi_document
from app.core.security import csrf
from app.geo.timezones import today_in_france

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def json_error(status: int, message: str, errors: dict[str, str] | None = None):
    body: dict = {"message": message}
    if errors is not None:
        body["erreurs"] = errors
    return jsonify(body), status


@bp.post("/estimations")
def create_estimation():
    if not request.is_json:
        return json_error(415, "Envoyez le corps de la requête en JSON (Content-Type: application/json).")
    payload = request.get_json(silent=True)
    if payload is None:
        return json_error(400, "Le corps de la requête n’est pas un JSON valide.")
    try:
        result = run_estimation(payload, today=today_in_france())
    except EstimationErrors as invalid:
        return json_error(422, "Certaines valeurs ne conviennent pas : voir « erreurs ».", invalid.errors)
    return jsonify(estimation_to_json(result))


@bp.get("/openapi.json")
def openapi():
    response = jsonify(openapi_document(current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
