"""A choropleth: a value per area, put into classes with bounds a legend shows.

Classes are quantiles of the values present (« seuils de Jenks » would need more data than a
hundred départements give); an area with no value is « pas de donnée », drawn with a hatch
pattern as well as a grey, so it is told apart without colour.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.core.french import format_number as number_fr


@dataclass(frozen=True)
class LegendClass:
    index: int
    lower: float
    upper: float

    @property
    def css(self) -> str:
        return f"choro-{self.index}"

    @property
    def label(self) -> str:
        if self.lower == self.upper:
            return number_fr(self.lower)
        return f"de {number_fr(self.lower)} à {number_fr(self.upper)}"


@dataclass(frozen=True)
class AreaValue:
    code: str
    name: str
    value: float | None
    css: str  # « choro-N » or « choro-none »


@dataclass(frozen=True)
class Choropleth:
    title: str
    unit: str
    areas: tuple[AreaValue, ...]
    legend: tuple[LegendClass, ...]

    def by_code(self) -> dict[str, AreaValue]:
        return {a.code: a for a in self.areas}

    @property
    def has_missing(self) -> bool:
        return any(a.value is None for a in self.areas)


def class_bounds(values: list[float], count: int = 5) -> tuple[LegendClass, ...]:
    """At most ``count`` classes of about as many values each, bounds taken from the values
    (so each bound is a value an area has); equal values never straddle two classes."""
    ordered = sorted(values)
    if not ordered:
        return ()
    classes: list[LegendClass] = []
    start = 0
    n = len(ordered)
    for i in range(count):
        end = max(start, round(n * (i + 1) / count) - 1)
        if start >= n:
            break
        while end + 1 < n and ordered[end + 1] == ordered[end]:
            end += 1
        classes.append(LegendClass(len(classes) + 1, ordered[start], ordered[end]))
        start = end + 1
    return tuple(classes)


def classify(value: float, legend: tuple[LegendClass, ...]) -> str:
    for c in legend:
        if value <= c.upper:
            return c.css
    return legend[-1].css


def choropleth(
    title: str,
    unit: str,
    names: Mapping[str, str],
    values: Mapping[str, float | None],
    count: int = 5,
) -> Choropleth:
    """Every area of ``names`` (code → name), with its value from ``values`` or none."""
    present = [v for v in values.values() if v is not None]
    legend = class_bounds(present, count)
    areas = []
    for code, name in names.items():
        value = values.get(code)
        css = "choro-none" if value is None else classify(value, legend)
        areas.append(AreaValue(code, name, value, css))
    return Choropleth(title, unit, tuple(areas), legend)
