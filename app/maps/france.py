"""France by département: one SVG path per département, the DROM as insets."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from app.maps.outlines import Area, departements
from app.maps.projection import (
    FRANCE_HEIGHT,
    FRANCE_WIDTH,
    INSETS,
    METROPOLE,
    METROPOLE_BBOX,
    Frame,
    fit,
)
from app.maps.svg import Shape, path_data


@dataclass(frozen=True)
class Drawing:
    width: float
    height: float
    shapes: tuple[Shape, ...]
    insets: tuple[Frame, ...]


def draw(areas: tuple[Area, ...]) -> Drawing:
    metro = fit(METROPOLE_BBOX, METROPOLE, 6)
    shapes = []
    for area in areas:
        frame = INSETS.get(area.code)
        project = fit(area.bbox, frame, 4) if frame else metro
        shapes.append(Shape(area.code, area.name, path_data(area.polygons, project)))
    return Drawing(FRANCE_WIDTH, FRANCE_HEIGHT, tuple(shapes), tuple(INSETS.values()))


@cache
def france() -> Drawing:
    """The départements drawn once per process (about 100 KB of path data)."""
    return draw(departements())
