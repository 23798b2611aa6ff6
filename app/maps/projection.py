"""From latitude/longitude to SVG coordinates.

An equirectangular projection scaled by cos(latitude) at the centre of the view: at the scale
of a département or of metropolitan France it keeps shapes and distances within a few per cent,
which is all a backdrop or a choropleth needs. The DROM are drawn as insets, each with its own
projection in its own frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Kilometres per degree of latitude (mean Earth radius 6,371 km).
KM_PER_DEGREE = math.pi * 6371.0 / 180


@dataclass(frozen=True)
class Frame:
    """A rectangle of the drawing, in SVG units."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude to x/y: ``x = (lon - lon0)·k·cos(lat0) + x0``, y downwards."""

    lon0: float
    lat0: float
    scale: float  # SVG units per degree of latitude
    x0: float
    y0: float

    def __call__(self, longitude: float, latitude: float) -> tuple[float, float]:
        k = self.scale
        x = self.x0 + (longitude - self.lon0) * k * math.cos(math.radians(self.lat0))
        y = self.y0 - (latitude - self.lat0) * k
        return round(x, 1), round(y, 1)

    def inverse(self, x: float, y: float) -> tuple[float, float]:
        """The longitude and latitude drawn at ``x``, ``y``."""
        k = self.scale
        longitude = self.lon0 + (x - self.x0) / (k * math.cos(math.radians(self.lat0)))
        return longitude, self.lat0 - (y - self.y0) / k

    def km(self, distance_km: float) -> float:
        """A distance on the ground in SVG units."""
        return distance_km / KM_PER_DEGREE * self.scale


def fit(bbox: tuple[float, float, float, float], frame: Frame, margin: float = 0) -> Projection:
    """The projection that draws ``bbox`` (west, south, east, north) as large as fits in
    ``frame``, centred, keeping ``margin`` units free on each side."""
    west, south, east, north = bbox
    lat0 = (south + north) / 2
    lon0 = (west + east) / 2
    cos0 = math.cos(math.radians(lat0))
    width_deg = max((east - west) * cos0, 1e-9)
    height_deg = max(north - south, 1e-9)
    scale = min((frame.width - 2 * margin) / width_deg, (frame.height - 2 * margin) / height_deg)
    return Projection(lon0, lat0, scale, frame.x + frame.width / 2, frame.y + frame.height / 2)


def bbox_of(areas) -> tuple[float, float, float, float]:
    """The (west, south, east, north) box holding every area (anything with a ``bbox``)."""
    boxes = [a.bbox for a in areas]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def around(latitude: float, longitude: float, radius_km: float, frame: Frame) -> Projection:
    """A view centred on a point showing a circle of ``radius_km`` (a results map)."""
    d_lat = radius_km / KM_PER_DEGREE
    d_lon = d_lat / max(math.cos(math.radians(latitude)), 1e-6)
    return fit((longitude - d_lon, latitude - d_lat, longitude + d_lon, latitude + d_lat), frame, 4)


# ---------------------------------------------------------------- France with the DROM as insets

#: The drawing of France: metropolitan France on the right, the five DROM stacked on the left.
FRANCE_WIDTH, FRANCE_HEIGHT = 620.0, 560.0
METROPOLE = Frame(130, 0, 490, 560)
METROPOLE_BBOX = (-5.2, 41.3, 9.6, 51.1)
INSETS: dict[str, Frame] = {
    code: Frame(0, i * 112, 120, 104) for i, code in enumerate(("971", "972", "973", "974", "976"))
}


def is_drom(code: str) -> bool:
    return code in INSETS
