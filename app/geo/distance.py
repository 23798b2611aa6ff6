"""Great-circle distances (one, or many with numpy), search bounding boxes and French distance
formatting."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["EARTH_RADIUS_KM", "bounding_box", "format_km", "haversine_km", "haversine_km_many"]

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius

# Widening of the box, in degrees (≈ 0.1 mm), so that floating-point rounding never leaves a
# point lying exactly on the circle outside the box.
_EPSILON_DEG = 1e-9

# An ordinary space before the unit, as in the product copy (« 1,2 km »); pages that must not
# break it can use CSS white-space: nowrap. Groups of thousands are separated by a narrow
# no-break space (« 1 234 km »), so that a number itself never breaks.
_UNIT_SPACE = " "
_NNBSP = "\u202f"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS84 points given in decimal degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, a))))


def haversine_km_many(lat: float, lon: float, lats: Sequence[float], lons: Sequence[float]):
    """:func:`haversine_km` from one point to many (numpy arrays in, a float array out): the
    exact distance of the rows a bounding box let through."""
    phi1, phi2 = math.radians(lat), np.radians(np.asarray(lats, dtype=float))
    dphi = phi2 - phi1
    dlambda = np.radians(np.asarray(lons, dtype=float) - lon)
    a = np.sin(dphi / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box containing the whole circle.

    Use it as a cheap SQL pre-filter (``lat BETWEEN … AND lon BETWEEN …``) before the exact
    :func:`haversine_km`. The longitude half-width is the true one of a spherical cap,
    ``asin(sin(d) / cos(lat))``, which is wider than ``d / cos(lat)`` suggests at high
    latitudes. When the circle reaches a pole or crosses the antimeridian (Wallis-et-Futuna,
    for instance), the longitude range is the whole [-180, 180].
    """
    if radius_km < 0 or not all(math.isfinite(v) for v in (lat, lon, radius_km)):
        raise ValueError("bounding_box needs finite coordinates and a non-negative radius")
    delta = radius_km / EARTH_RADIUS_KM  # angular radius, radians
    dlat = math.degrees(delta) + _EPSILON_DEG
    min_lat, max_lat = lat - dlat, lat + dlat
    if min_lat <= -90 or max_lat >= 90 or delta >= math.pi / 2:
        return max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0
    ratio = math.sin(delta) / math.cos(math.radians(lat))
    if ratio >= 1:
        return min_lat, max_lat, -180.0, 180.0
    dlon = math.degrees(math.asin(ratio)) + _EPSILON_DEG
    min_lon, max_lon = lon - dlon, lon + dlon
    if min_lon < -180 or max_lon > 180:
        return min_lat, max_lat, -180.0, 180.0
    return min_lat, max_lat, min_lon, max_lon


def _group_thousands(value: int) -> str:
    return f"{value:,}".replace(",", _NNBSP)


def format_km(d: float) -> str:
    """« 850 m » under 1 km, « 1,2 km » under 10 km, « 12 km » beyond (French formatting).

    Rounding happens before choosing the unit, so 0.9996 km reads « 1,0 km » and 9.96 km
    « 10 km ».
    """
    if not math.isfinite(d) or d < 0:
        raise ValueError(f"not a distance: {d!r}")
    metres = round(d * 1000)
    if metres < 1000:
        return f"{metres}{_UNIT_SPACE}m"
    tenths = round(d, 1)
    if tenths < 10:
        return f"{tenths:.1f}".replace(".", ",") + f"{_UNIT_SPACE}km"
    return f"{_group_thousands(round(d))}{_UNIT_SPACE}km"
