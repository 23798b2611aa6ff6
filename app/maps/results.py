"""The map of a search's results: the searched place, the radius, one mark per offer (or per
cluster where they are dense), over the département outlines that cross the view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.maps.clusters import Cluster, grid_clusters
from app.maps.outlines import departements
from app.maps.projection import Frame, around
from app.maps.svg import Shape, path_data

SIZE = 400.0
#: Above this many offers, marks are grouped by cells of CLUSTER_CELL units.
CLUSTER_THRESHOLD = 60
CLUSTER_CELL = 36.0

#: What a mark says, most telling first: (category, legend label). Shape and colour both
#: differ (CSS classes ``mark-<category>`` and the symbol drawn in templates/maps/).
CATEGORIES = (
    ("avip", "Accueil AVIP"),
    ("free", "Places disponibles"),
    ("atypical", "Horaires atypiques"),
    ("other", "Autre offre"),
)


def category(avip: bool, free: bool, atypical: bool) -> str:
    """A point's category: the first of :data:`CATEGORIES` the offer has (``avip``: a label
    valid on the day; ``free``: free places; ``atypical``: early, late, night or weekend)."""
    if avip:
        return "avip"
    if free:
        return "free"
    return "atypical" if atypical else "other"


@dataclass(frozen=True)
class MapPoint:
    latitude: float
    longitude: float
    category: str
    label: str
    offer_id: int


@dataclass(frozen=True)
class ResultsMap:
    size: float
    center: tuple[float, float]
    radius: float
    marks: list[Cluster[MapPoint]]
    backdrop: list[Shape]
    categories: list[tuple[str, str]]


def _intersects(a: tuple[float, float, float, float], b: tuple[float, float, float, float]):
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def results_map(
    latitude: float, longitude: float, radius_km: float, points: Sequence[MapPoint]
) -> ResultsMap:
    project = around(latitude, longitude, radius_km, Frame(0, 0, SIZE, SIZE))
    west, north = project.inverse(0, 0)
    east, south = project.inverse(SIZE, SIZE)
    view = (west, south, east, north)
    backdrop = [
        Shape(a.code, a.name, path_data(a.polygons, project))
        for a in departements()
        if _intersects(a.bbox, view)
    ]
    projected = [(*project(p.longitude, p.latitude), p) for p in points]
    used = {p.category for p in points}
    return ResultsMap(
        SIZE,
        project(longitude, latitude),
        round(project.km(radius_km), 1),
        grid_clusters(projected, CLUSTER_CELL, CLUSTER_THRESHOLD),
        backdrop,
        [c for c in CATEGORIES if c[0] in used],
    )
