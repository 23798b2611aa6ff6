"""France by département: one SVG path per département, the DROM as insets."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from app.maps.outlines import Area, communes, departements
from app.maps.projection import (
    FRANCE_HEIGHT,
    FRANCE_WIDTH,
    INSETS,
    METROPOLE,
    METROPOLE_BBOX,
    Frame,
    bbox_of,
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


#: The drawing of one département by commune (a square: départements are about as wide as tall).
DEPARTEMENT_FRAME = Frame(0, 0, 560, 560)


@cache
def departement(code: str) -> Drawing | None:
    """A département's communes drawn to fill the frame, or None for an unknown code."""
    areas = communes(code)
    if not areas:
        return None
    project = fit(bbox_of(areas), DEPARTEMENT_FRAME, 6)
    shapes = tuple(Shape(a.code, a.name, path_data(a.polygons, project)) for a in areas)
    return Drawing(DEPARTEMENT_FRAME.width, DEPARTEMENT_FRAME.height, shapes, ())
