"""Health checks for load balancers and monitoring: ``/sante`` (the process answers) and
``/sante/pret`` (the database is reachable and this process's search index is complete). JSON in
French, never cached, no personal data."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text

from app.db import get_session
from app.search import (
    INDEX_INCOMPLETE,
    INDEX_OK,
    INDEX_REBUILDING,
    INDEX_UNREADABLE,
    IndexHealth,
    get_index,
)

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)

_NNBSP = "\u202f"


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


def _offers(value: int | None, adjective: str) -> str:
    """« 1 offre indexée », « 3 007 offres publiées » (0 and 1 are singular in French)."""
    count = value or 0
    plural = "s" if count > 1 else ""
    return f"{count:,} offre{plural} {adjective}{plural}".replace(",", _NNBSP)


def _index_problem(health: IndexHealth) -> str:
    if health.status == INDEX_REBUILDING:
        return "l’index de recherche est en cours de reconstruction"
    if health.status == INDEX_INCOMPLETE:
        return (
            f"l’index de recherche n’est pas à jour ({_offers(health.indexed, 'indexée')} "
            f"pour {_offers(health.searchable, 'publiée')})"
        )
    return "l’index de recherche est illisible"


@bp.get("/sante")
def liveness():
    return _json({"statut": "ok"})


@bp.get("/sante/pret")
def readiness():
    """Ready when the database answers and this process's index is complete: not rebuilding,
    readable, caught up, holding as many offers as the database has searchable ones."""
    index = get_index()
    database = database_reachable()
    health = None
    if database:
        try:
            health = index.health(get_session())
        except Exception as error:
            log.warning("readiness: index check failed (%s)", type(error).__name__)
            database = False
    if health is None:
        health = IndexHealth(INDEX_OK if index.readable() else INDEX_UNREADABLE)
    checks = {
        "base_de_donnees": "ok" if database else "injoignable",
        "index_de_recherche": health.status,
    }
    if database and health.ready:
        return _json({"statut": "prêt", **checks})
    payload: dict[str, object] = {
        "statut": "indisponible",
        "message": "Le service n’est pas prêt : "
        + ("la base de données est injoignable" if not database else _index_problem(health))
        + ".",
        **checks,
    }
    if health.status == INDEX_INCOMPLETE:
        payload.update(offres_indexees=health.indexed, offres_publiees=health.searchable)
    return _json(payload, 503)
