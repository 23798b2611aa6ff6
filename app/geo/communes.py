"""Reference data: French communes, municipal arrondissements, départements and régions.

The CSV files in ``app/geo/data/`` (see ``data/SOURCES.md``) are read once, lazily, on the first
call to :func:`load_reference`; the result is immutable and shared by the whole process.
Standard library only, no Flask.
"""

from __future__ import annotations

import csv
import functools
import io
import threading
from dataclasses import dataclass
from importlib import resources
from typing import Literal

__all__ = [
    "Commune",
    "Departement",
    "Reference",
    "all_communes",
    "get_commune",
    "get_departement",
    "load_reference",
]

CommuneKind = Literal["commune", "arrondissement"]

_KIND_BY_TYPE: dict[str, CommuneKind] = {
    "commune-actuelle": "commune",
    "arrondissement-municipal": "arrondissement",
}

# En dash with ordinary spaces around it, as in « Toulon (83 – Var) ».
LABEL_DASH = "–"


@dataclass(frozen=True, slots=True)
class Departement:
    code: str
    name: str
    region_code: str
    region_name: str


@dataclass(frozen=True, slots=True)
class Commune:
    code_insee: str
    name: str
    kind: CommuneKind
    departement_code: str
    region_code: str
    postcodes: tuple[str, ...]
    population: int
    latitude: float
    longitude: float

    @property
    def departement(self) -> Departement:
        departement = get_departement(self.departement_code)
        if departement is None:  # pragma: no cover - the data guarantees it (see SOURCES.md)
            raise LookupError(f"unknown département {self.departement_code!r}")
        return departement

    @property
    def label(self) -> str:
        """« Toulon (83 – Var) »: what the autocomplete puts back in the text field.

        :func:`app.geo.lookup.resolve_place` parses it back to this commune.
        """
        return f"{self.name} ({self.departement_code} {LABEL_DASH} {self.departement.name})"

    @property
    def main_postcode(self) -> str:
        return self.postcodes[0] if self.postcodes else ""


@dataclass(frozen=True, slots=True)
class Alias:
    """A former commune (commune déléguée or associée) now part of a current commune."""

    name: str
    kind: str  # "commune-deleguee" | "commune-associee"
    former_code: str
    current_code: str
    departement_code: str


@dataclass(frozen=True)
class Reference:
    communes: tuple[Commune, ...]  # in INSEE code order, as in the CSV
    by_code: dict[str, Commune]
    departements: dict[str, Departement]
    aliases: tuple[Alias, ...]


_COLUMNS = {
    "regions.csv": ("code", "nom"),
    "departements.csv": ("code", "nom", "code_region"),
    "communes.csv": (
        "code_insee",
        "nom",
        "type",
        "code_departement",
        "code_region",
        "codes_postaux",
        "population",
        "latitude",
        "longitude",
    ),
    "communes-aliases.csv": (
        "nom",
        "type",
        "code_insee_ancien",
        "code_insee_actuel",
        "code_departement",
    ),
}


def _read_csv(name: str) -> list[list[str]]:
    """Data rows of a bundled CSV, after checking that its header is the expected one."""
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(rows[0]) != _COLUMNS[name]:
        raise ValueError(f"app/geo/data/{name}: unexpected header {rows[:1]!r}")
    return rows[1:]


def _build_reference() -> Reference:
    regions = dict(_read_csv("regions.csv"))
    departements = {
        code: Departement(code, name, region, regions.get(region, ""))
        for code, name, region in _read_csv("departements.csv")
    }
    communes = tuple(
        Commune(
            code,
            name,
            _KIND_BY_TYPE[kind],
            departement,
            region,
            tuple(postcodes.split()),
            int(population or 0),
            float(latitude),
            float(longitude),
        )
        for (
            code,
            name,
            kind,
            departement,
            region,
            postcodes,
            population,
            latitude,
            longitude,
        ) in _read_csv("communes.csv")
    )
    by_code = {commune.code_insee: commune for commune in communes}
    aliases = tuple(
        Alias(name, kind, former, current, departement)
        for name, kind, former, current, departement in _read_csv("communes-aliases.csv")
        if current in by_code
    )
    return Reference(communes=communes, by_code=by_code, departements=departements, aliases=aliases)


_LOAD_LOCK = threading.Lock()


@functools.cache
def load_reference() -> Reference:
    """The process-wide reference, built on first use (about 0.1 s) and then cached.

    The lock keeps concurrent first calls from parsing the files at the same time; at worst a
    racing thread builds a second, identical and immutable copy, which is harmless.
    """
    with _LOAD_LOCK:
        return _build_reference()


def get_commune(code_insee: str | None) -> Commune | None:
    """The commune or municipal arrondissement with this INSEE code (« 2a004 » works too)."""
    if not isinstance(code_insee, str):
        return None
    return load_reference().by_code.get(code_insee.strip().upper())


def get_departement(code: str | None) -> Departement | None:
    if not isinstance(code, str):
        return None
    return load_reference().departements.get(code.strip().upper())


def all_communes() -> tuple[Commune, ...]:
    """Every commune and municipal arrondissement, in INSEE code order.

    Paris, Lyon and Marseille appear both as communes (75056, 69123, 13055) and through their
    arrondissements: do not add populations up across both.
    """
    return load_reference().communes


def all_departements() -> tuple[Departement, ...]:
    """Every département, in code order (2A and 2B after 19, DROM at the end)."""
    return tuple(sorted(load_reference().departements.values(), key=lambda d: d.code))
