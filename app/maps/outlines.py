"""The outlines of the départements (WGS84 GeoJSON, simplified), loaded once."""

from __future__ import annotations

import gzip
import json
import re
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


#: A département code as the commune files are named (« 01 »…« 95 », « 2A », « 2B », « 971 »…).
DEPARTEMENT_CODE = re.compile(r"^(?:\d{2}|2[AB]|97[1-6])$")


def communes_file(departement: str) -> Path | None:
    """The gzipped GeoJSON of a département's communes, or None for an unknown code."""
    if not DEPARTEMENT_CODE.match(departement):
        return None
    path = DATA / "communes" / f"{departement}.geojson.gz"
    return path if path.is_file() else None


@cache
def communes(departement: str) -> tuple[Area, ...]:
    """The communes of a département (COG 2026 codes); empty for an unknown code. Loaded once
    per département and process."""
    path = communes_file(departement)
    if path is None:
        return ()
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return areas_from_geojson(json.load(f))


#: The municipal arrondissements (INSEE, COG) drawn inside their commune's single outline:
#: Paris 75101–75120 → 75056, Marseille 13201–13216 → 13055, Lyon 69381–69389 → 69123.
ARRONDISSEMENT_PREFIXES = (("751", "75056"), ("132", "13055"), ("6938", "69123"))


def outline_code(code_insee: str) -> str:
    """The code of the commune outline a commune or municipal arrondissement is drawn in."""
    for prefix, commune in ARRONDISSEMENT_PREFIXES:
        if code_insee.startswith(prefix) and code_insee != commune:
            return commune
    return code_insee
