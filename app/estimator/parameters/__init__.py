"""Dated parameters of the aid estimator.

Every amount, rate, threshold and date of the rules lives in a TOML file of this package, one
file per aid (``age.toml``, ``agepi.toml``, ``are.toml``, ``psu.toml``, ``cmg.toml``,
``bmaf.toml``, ``credit_impot.toml``). A parameter is named ``"<file>.<key>"``, e.g.
``"psu.plafond_mensuel"``, and holds a list of entries::

    [plafond_mensuel]
    description = "Plafond de ressources mensuelles du barème PSU."
    unit = "EUR/mois"

    [[plafond_mensuel.values]]
    start = 2022-01-01
    value = 6000.00
    source = "Circulaire CNAF nᵒ 2019-005 du 5 juin 2019"
    unverified = false
    note = "optional explanation"

An entry applies from its ``start`` date until the next entry's start (the last one stays in
force). Decimal numbers are read as :class:`decimal.Decimal` (exact), integers stay ``int``,
arrays become tuples and tables read-only dicts (:class:`FrozenDict`).

Public API::

    value(name, on)   -> the value in force on that date
    entry(name, on)   -> Entry (value, start, end, source, unverified, note)
    parameter(name)   -> Parameter (description, unit, all entries)
    names()           -> every parameter name
    Reader(on)        -> reads several values on one date and remembers the entries used

A date before the first entry raises :class:`ParameterNotFound` (a ``LookupError``).

To record a new value (e.g. the BMAF each April, the minimum ARE each July, the CMG income
limits each January), append an entry with its start date and source; never edit an old one.
The tests recompute the published AGE thresholds and the worked examples from these files.
The files are read once, through :mod:`importlib.resources`, so they work from an installed
wheel as long as the package data includes ``parameters/*.toml``.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any, NoReturn

__all__ = [
    "Entry",
    "FrozenDict",
    "Parameter",
    "ParameterNotFound",
    "Reader",
    "RuleOverlay",
    "entry",
    "names",
    "parameter",
    "value",
]


class ParameterNotFound(LookupError):
    """No such parameter, or no value in force on the requested date."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One dated value of a parameter."""

    name: str
    start: date
    end: date | None  # exclusive: the next entry's start, None for the last entry
    value: Any
    source: str
    unverified: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    description: str
    unit: str
    entries: tuple[Entry, ...]
    starts: tuple[date, ...]

    def at(self, on: date) -> Entry:
        index = bisect_right(self.starts, on) - 1
        if index < 0:
            raise ParameterNotFound(
                f"{self.name}: no value before {self.starts[0].isoformat()} "
                f"(asked for {on.isoformat()})"
            )
        return self.entries[index]


class FrozenDict(dict):
    """A read-only dict (a table value of a parameter). Copies and ``dataclasses.asdict`` work."""

    __slots__ = ()

    def _read_only(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("parameter values are read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _read_only

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, memo: dict) -> FrozenDict:
        return self

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items())))


def _freeze(raw: Any) -> Any:
    if isinstance(raw, list):
        return tuple(_freeze(item) for item in raw)
    if isinstance(raw, dict):
        return FrozenDict((key, _freeze(item)) for key, item in raw.items())
    return raw


def _parse_file(stem: str, text: str) -> dict[str, Parameter]:
    data = tomllib.loads(text, parse_float=Decimal)
    parameters: dict[str, Parameter] = {}
    for key, table in data.items():
        name = f"{stem}.{key}"
        if (
            not isinstance(table, dict)
            or not isinstance(table.get("values"), list)
            or not table["values"]
        ):
            raise ValueError(f"{name}: a parameter needs a non-empty list of values")
        raw_entries = table["values"]
        starts: list[date] = []
        for raw in raw_entries:
            missing = {"start", "value", "source", "unverified"} - raw.keys()
            if missing:
                raise ValueError(f"{name}: entry without {', '.join(sorted(missing))}")
            unknown = raw.keys() - {"start", "value", "source", "unverified", "note"}
            if unknown:
                raise ValueError(f"{name}: unknown key(s) {', '.join(sorted(unknown))}")
            if type(raw["start"]) is not date:
                raise ValueError(f"{name}: start must be a date (YYYY-MM-DD)")
            if not isinstance(raw["unverified"], bool):
                raise ValueError(f"{name}: unverified must be true or false")
            if not isinstance(raw["source"], str) or not raw["source"].strip():
                raise ValueError(f"{name}: every value needs a source")
            if starts and raw["start"] <= starts[-1]:
                raise ValueError(f"{name}: entries must be in increasing start order")
            starts.append(raw["start"])
        entries = tuple(
            Entry(
                name=name,
                start=raw["start"],
                end=starts[i + 1] if i + 1 < len(starts) else None,
                value=_freeze(raw["value"]),
                source=raw["source"],
                unverified=raw["unverified"],
                note=raw.get("note", ""),
            )
            for i, raw in enumerate(raw_entries)
        )
        parameters[name] = Parameter(
            name=name,
            description=table.get("description", ""),
            unit=table.get("unit", ""),
            entries=entries,
            starts=tuple(starts),
        )
    return parameters


@lru_cache(maxsize=1)
def _load() -> Mapping[str, Parameter]:
    parameters: dict[str, Parameter] = {}
    for resource in sorted(resources.files(__name__).iterdir(), key=lambda r: r.name):
        if resource.name.endswith(".toml"):
            parameters.update(
                _parse_file(resource.name.removesuffix(".toml"), resource.read_text("utf-8"))
            )
    return MappingProxyType(parameters)


def parameter(name: str) -> Parameter:
    """The parameter ``name`` (``"<file>.<key>"``) with its description and every entry."""
    try:
        return _load()[name]
    except KeyError:
        raise ParameterNotFound(f"unknown parameter {name!r}") from None


def names() -> tuple[str, ...]:
    """Every parameter name, sorted."""
    return tuple(sorted(_load()))


def entry(name: str, on: date) -> Entry:
    """The entry of ``name`` in force on date ``on`` (value, source, unverified flag…)."""
    return parameter(name).at(on)


def value(name: str, on: date) -> Any:
    """The value of ``name`` in force on date ``on``."""
    return parameter(name).at(on).value


class RuleOverlay:
    """Local values that take precedence over the national files on their dates only: an
    experiment's rules (``app.experiments``), stored elsewhere and passed in by the caller.

    ``entries`` maps a parameter name to its local entries, each applying from its ``start`` to
    its ``end`` (exclusive; None: open). Outside every window the national value applies. The
    ``label`` says whose rules they are (« règles expérimentales du département 83 »).
    """

    __slots__ = ("_entries", "label")

    def __init__(self, entries: Mapping[str, tuple[Entry, ...]], label: str = "") -> None:
        for name in entries:
            parameter(name)  # an unknown name is an error, not a silent no-op
        self._entries = MappingProxyType(dict(entries))
        self.label = label

    def at(self, name: str, on: date) -> Entry | None:
        """The local entry of ``name`` in force on ``on``, if any."""
        for found in self._entries.get(name, ()):
            if found.start <= on and (found.end is None or on < found.end):
                return found
        return None

    def owns(self, found: Entry) -> bool:
        return any(found is e for e in self._entries.get(found.name, ()))

    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._entries))


class Reader:
    """Reads parameters on one date and keeps the entries it used, in order, without repeats.
    With an ``overlay`` (:class:`RuleOverlay`), its values win on their dates.

    >>> read = Reader(date(2024, 6, 1))
    >>> read("psu.plafond_mensuel")
    Decimal('6000.00')
    >>> [e.name for e in read.used]
    ['psu.plafond_mensuel']
    """

    __slots__ = ("_used", "on", "overlay")

    def __init__(self, on: date, overlay: RuleOverlay | None = None) -> None:
        self.on = on
        self.overlay = overlay
        self._used: dict[str, Entry] = {}

    def _find(self, name: str) -> Entry:
        local = self.overlay.at(name, self.on) if self.overlay is not None else None
        return local if local is not None else parameter(name).at(self.on)

    def __call__(self, name: str) -> Any:
        found = self._find(name)
        self._used.setdefault(name, found)
        return found.value

    def entry(self, name: str) -> Entry:
        found = self._find(name)
        self._used.setdefault(name, found)
        return found

    @property
    def used(self) -> tuple[Entry, ...]:
        return tuple(self._used.values())
