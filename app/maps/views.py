"""The map outlines for the browser (Leaflet draws them when JavaScript runs)."""

from __future__ import annotations

import gzip
from functools import cache

from flask import Blueprint, Response, request

from app.maps.outlines import DATA

bp = Blueprint("maps", __name__)

#: The outlines change once a year at most: a day in any cache.
OUTLINES_MAX_AGE = 86400


@cache
def _outlines() -> tuple[bytes, bytes]:
    raw = (DATA / "departements.geojson").read_bytes()
    return raw, gzip.compress(raw, 9, mtime=0)


@bp.get("/cartes/departements.geojson")
def departements_outlines():
    raw, packed = _outlines()
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = Response(packed if gzipped else raw, mimetype="application/geo+json")
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Cache-Control"] = f"public, max-age={OUTLINES_MAX_AGE}"
    response.vary.add("Accept-Encoding")
    return response
