"""SVG path data from outlines, through a projection."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.maps.outlines import Polygon


@dataclass(frozen=True)
class Shape:
    """An area drawn: its code, its name, its SVG path data."""

    code: str
    name: str
    d: str


Project = Callable[[float, float], tuple[float, float]]


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def ring_path(ring: Iterable[tuple[float, float]], project: Project) -> str:
    """« M x y L x y … Z », with repeated points dropped (they add bytes, not shape)."""
    parts: list[str] = []
    last = None
    for lon, lat in ring:
        point = project(lon, lat)
        if point == last:
            continue
        parts.append(f"{'M' if last is None else 'L'}{_num(point[0])} {_num(point[1])}")
        last = point
    return "".join(parts) + "Z" if len(parts) > 2 else ""


def path_data(polygons: Iterable[Polygon], project: Project) -> str:
    """The ``d`` of one <path> drawing every polygon and its holes (fill-rule evenodd)."""
    return "".join(ring_path(ring, project) for poly in polygons for ring in poly)
