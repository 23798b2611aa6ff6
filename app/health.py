"""Health checks for load balancers and monitoring: ``/sante`` (the process answers) and
``/sante/pret`` (the database and the search index are reachable). JSON in French, never
cached, no personal data."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text

from app.db import get_session
from app.search import get_index

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


def _json(payload: dict, status: int = 200):
    response = jsonify(payload)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def database_reachable() -> bool:
    try:
        get_session().execute(text("SELECT 1"))
    except Exception as error:
        log.warning("readiness: database unreachable (%s)", type(error).__name__)
        return False
    return True


@bp.get("/sante")
def liveness():
    return _json({"statut": "ok"})


@bp.get("/sante/pret")
def readiness():
    index = get_index()
    database = database_reachable()
    searchable = index.readable()
    checks = {
        "base_de_donnees": "ok" if database else "injoignable",
        "index_de_recherche": (
            "reconstruction en cours" if index.rebuilding else "ok" if searchable else "illisible"
        ),
    }
    if database and searchable:
        payload = {"statut": "prêt", **checks}
        if index.rebuilding:
            payload["message"] = (
                "L’index de recherche est en cours de reconstruction : "
                "les résultats peuvent être incomplets."
            )
        return _json(payload)
    return _json(
        {
            "statut": "indisponible",
            "message": "Le service n’est pas prêt : "
            + (
                "la base de données est injoignable"
                if not database
                else "l’index de recherche est illisible"
            )
            + ".",
            **checks,
        },
        503,
    )
