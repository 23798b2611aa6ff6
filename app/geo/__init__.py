"""French geography for Passerelle: communes, place lookup and distances.

Pure functions over the bundled reference data (``app/geo/data``, see ``SOURCES.md``); no Flask,
no network. The data is loaded lazily on first use.
"""

from __future__ import annotations

from .communes import (
    Commune,
    Departement,
    all_communes,
    get_commune,
    get_departement,
    load_reference,
)
from .distance import EARTH_RADIUS_KM, bounding_box, format_km, haversine_km
from .lookup import (
    MAX_QUERY_LENGTH,
    PlaceMatch,
    PlaceResolution,
    by_departement,
    lookup_places,
    normalize,
    place_to_json,
    resolve_place,
)

__all__ = [
    "EARTH_RADIUS_KM",
    "MAX_QUERY_LENGTH",
    "Commune",
    "Departement",
    "PlaceMatch",
    "PlaceResolution",
    "all_communes",
    "bounding_box",
    "by_departement",
    "format_km",
    "get_commune",
    "get_departement",
    "haversine_km",
    "load_reference",
    "lookup_places",
    "normalize",
    "place_to_json",
    "resolve_place",
]
