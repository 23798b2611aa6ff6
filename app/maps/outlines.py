"""The outlines of the départements (WGS84 GeoJSON, simplified), loaded once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"

#: A ring of (longitude, latitude) pairs, as GeoJSON writes them.
Ring = tuple[tuple[float, float], ...]
#: A polygon: its outer ring, then its holes.
Polygon = tuple[Ring, ...]


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    polygons: tuple[Polygon, ...]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """(west, south, east, north)."""
        lons = [p[0] for poly in self.polygons for p in poly[0]]
        lats = [p[1] for poly in self.polygons for p in poly[0]]
        return min(lons), min(lats), max(lons), max(lats)


def areas_from_geojson(data: dict) -> tuple[Area, ...]:
    areas = []
    for feature in data.get("features", []):
        geometry, props = feature["geometry"], feature["properties"]
        if geometry["type"] == "Polygon":
            raw = [geometry["coordinates"]]
        elif geometry["type"] == "MultiPolygon":
            raw = geometry["coordinates"]
        else:
            continue
        polygons = tuple(
            tuple(tuple((float(x), float(y)) for x, y in ring) for ring in poly) for poly in raw
        )
        areas.append(Area(str(props["code"]), str(props["nom"]), polygons))
    return tuple(sorted(areas, key=lambda a: a.code))


@cache
def departements() -> tuple[Area, ...]:
    """The 101 départements, DROM (971–976) at their real coordinates."""
    with open(DATA / "departements.geojson", encoding="utf-8") as f:
        return areas_from_geojson(json.load(f))
