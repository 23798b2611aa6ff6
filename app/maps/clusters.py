"""Grid clustering of projected points: above a threshold, the points falling in one square
cell of the drawing are drawn as one disc with their count (done by the server, so the map
stays readable without JavaScript in a city with thousands of offers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Cluster(Generic[T]):
    x: float
    y: float
    members: tuple[T, ...]

    @property
    def count(self) -> int:
        return len(self.members)


def grid_clusters(
    points: Sequence[tuple[float, float, T]], cell: float, threshold: int
) -> list[Cluster[T]]:
    """Each point its own cluster when there are at most ``threshold`` of them; otherwise one
    cluster per occupied ``cell``×``cell`` square, placed at the mean of its points."""
    if len(points) <= threshold:
        return [Cluster(x, y, (item,)) for x, y, item in points]
    cells: dict[tuple[int, int], list[tuple[float, float, T]]] = {}
    for point in points:
        key = (int(point[0] // cell), int(point[1] // cell))
        cells.setdefault(key, []).append(point)
    clusters = []
    for key in sorted(cells):
        group = cells[key]
        x = round(sum(p[0] for p in group) / len(group), 1)
        y = round(sum(p[1] for p in group) / len(group), 1)
        clusters.append(Cluster(x, y, tuple(p[2] for p in group)))
    return clusters
