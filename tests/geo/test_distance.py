"""Distances between communes and their French display."""

from __future__ import annotations

import math

import pytest

from app.geo import bounding_box, format_km, get_commune, haversine_km

NNBSP = "\u202f"


def distance(code_a: str, code_b: str) -> float:
    a, b = get_commune(code_a), get_commune(code_b)
    return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)


def destination(lat: float, lon: float, bearing_deg: float, km: float) -> tuple[float, float]:
    """Point at ``km`` along the great circle leaving (lat, lon) at ``bearing_deg``."""
    delta = km / 6371.0088
    phi, lam, theta = math.radians(lat), math.radians(lon), math.radians(bearing_deg)
    phi2 = math.asin(
        math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(theta)
    )
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi),
        math.cos(delta) - math.sin(phi) * math.sin(phi2),
    )
    return math.degrees(phi2), (math.degrees(lam2) + 540) % 360 - 180


def test_paris_marseille():
    assert distance("75056", "13055") == pytest.approx(660, abs=5)


def test_toulon_to_neighbouring_la_valette_du_var():
    km = distance("83137", "83144")
    assert 3 < km < 8
    assert format_km(km) == "5,0 km"


def test_symmetric_and_zero():
    assert distance("83137", "83144") == pytest.approx(distance("83144", "83137"))
    toulon = get_commune("83137")
    assert haversine_km(toulon.latitude, toulon.longitude, toulon.latitude, toulon.longitude) == 0
    assert format_km(0) == "0 m"


def test_known_distances():
    # a quarter of a meridian, and antipodes
    assert haversine_km(0, 0, 90, 0) == pytest.approx(math.pi / 2 * 6371.0088)
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * 6371.0088)
    # across the antimeridian (Wallis-et-Futuna)
    assert haversine_km(-13.3, 179.9, -13.3, -179.9) < 25


CENTRES = [
    (48.8566, 2.3428),  # Paris
    (43.1365, 5.9327),  # Toulon
    (46.9635, -56.322),  # Miquelon
    (-12.7902, 45.1948),  # Mamoudzou
    (4.9302, -52.3183),  # Cayenne
    (-66.66, 140.0),  # Terre-Adélie
    (0.0, 0.0),
]


@pytest.mark.parametrize(("lat", "lon"), CENTRES)
@pytest.mark.parametrize("radius", [0.5, 5, 30, 100, 800])
def test_bounding_box_contains_the_circle(lat, lon, radius):
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    assert min_lat < lat < max_lat
    assert min_lon < lon < max_lon
    for bearing in range(0, 360, 5):  # includes N, E, S, W
        plat, plon = destination(lat, lon, bearing, radius)
        assert haversine_km(lat, lon, plat, plon) == pytest.approx(radius)
        assert min_lat <= plat <= max_lat, bearing
        assert min_lon <= plon <= max_lon, bearing


@pytest.mark.parametrize(("lat", "lon"), CENTRES)
def test_bounding_box_is_tight(lat, lon):
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, 10)
    north, _ = destination(lat, lon, 0, 10)
    assert max_lat == pytest.approx(north, abs=1e-6)
    # wider in longitude than in latitude away from the equator, never absurdly so
    assert max_lon - min_lon >= (max_lat - min_lat) - 1e-6
    assert max_lon - min_lon < 5


def test_bounding_box_longitude_uses_the_cosine_of_latitude():
    min_lat, max_lat, min_lon, max_lon = bounding_box(60.0, 10.0, 50)
    # at 60°N a degree of longitude is half a degree of latitude
    assert (max_lon - min_lon) == pytest.approx(2 * (max_lat - min_lat), rel=0.01)


def test_bounding_box_near_pole_or_antimeridian_takes_all_longitudes():
    assert bounding_box(89.9, 0, 50)[2:] == (-180.0, 180.0)
    assert bounding_box(89.9, 0, 50)[1] == 90.0
    assert bounding_box(-13.3, -178.0, 500)[2:] == (-180.0, 180.0)


def test_bounding_box_rejects_nonsense():
    with pytest.raises(ValueError):
        bounding_box(48.0, 2.0, -1)
    with pytest.raises(ValueError):
        bounding_box(math.nan, 2.0, 10)


@pytest.mark.parametrize(
    ("km", "text"),
    [
        (0.85, "850 m"),
        (0.0004, "0 m"),
        (0.999, "999 m"),
        (0.9996, "1,0 km"),
        (1.0, "1,0 km"),
        (1.23, "1,2 km"),
        (9.94, "9,9 km"),
        (9.96, "10 km"),
        (12.4, "12 km"),
        (12.6, "13 km"),
        (662.6, "663 km"),
        (1234.5, f"1{NNBSP}234 km"),
    ],
)
def test_format_km(km, text):
    assert format_km(km) == text


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf])
def test_format_km_rejects_nonsense(bad):
    with pytest.raises(ValueError):
        format_km(bad)
