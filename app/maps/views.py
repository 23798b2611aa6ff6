"""The map outlines for the browser (Leaflet draws them when JavaScript runs)."""

from __future__ import annotations

import gzip
from functools import cache

from flask import Blueprint, Response, abort, request

from app.maps.outlines import DATA, communes_file

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
    return _geojson(packed, lambda: raw)


@bp.get("/cartes/communes/<departement>.geojson")
def communes_outlines(departement: str):
    """A département's communes (stored gzipped: sent as they are, or unpacked if need be)."""
    path = communes_file(departement.upper())
    if path is None:
        abort(404)
    packed = path.read_bytes()
    return _geojson(packed, lambda: gzip.decompress(packed))


def _geojson(packed: bytes, raw) -> Response:
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = Response(packed if gzipped else raw(), mimetype="application/geo+json")
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Cache-Control"] = f"public, max-age={OUTLINES_MAX_AGE}"
    response.vary.add("Accept-Encoding")
    return response
