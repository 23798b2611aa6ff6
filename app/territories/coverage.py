"""The Caf « taux de couverture » file: places per 100 children under 3, by commune, EPCI or
département (``flask import couverture FILE``). Parsing is a plain function; saving is all or
nothing: one bad line and nothing is saved, every bad line reported with its number and reason.

The file is shaped like the Caf open-data files (data.caf.fr, one file per level): ``;``
separator, decimal commas, UTF-8 (a BOM is accepted), a header line. Column names (case and
accents ignored):

- ``ANNEE`` — the year of reference (4 digits);
- the area, one of: ``NUMCOM`` + ``NOMCOM`` (commune, INSEE code), ``NUMEPCI`` + ``NOMEPCI``
  (EPCI, SIREN of 9 digits), ``NUMDEP`` + ``NOMDEP`` alone (département);
- ``NUMDEP`` — the département (on every line);
- ``TAUXCOUV_GLOBAL`` — the global coverage rate, places per 100 children under 3 (0 to 300;
  the Caf writes « 58,3 »).
Other columns (numbers of children, places by mode of care…) are read past.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.db import utcnow
from app.geo import get_commune, get_departement
from app.territories.models import CoverageRate

#: A rate above this is a mistake (a few resort communes reach 150–200).
MAX_RATE = Decimal("300")
MAX_LINES = 50_000


@dataclass(frozen=True)
class CoverageLine:
    level: str
    code: str
    name: str
    departement_code: str
    year: int
    rate: Decimal


@dataclass(frozen=True)
class LineError:
    line: int
    reason: str


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.strip().lstrip("\ufeff"))
    return "".join(c for c in folded if not unicodedata.combining(c)).upper()


LEVELS = (
    ("commune", "NUMCOM", "NOMCOM"),
    ("epci", "NUMEPCI", "NOMEPCI"),
    ("departement", "NUMDEP", "NOMDEP"),
)


def parse(text: str) -> tuple[list[CoverageLine], list[LineError]]:
    """The lines of the file, or the errors that stop its import (line numbers count the
    header as line 1)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    try:
        header = [_key(h) for h in next(reader)]
    except StopIteration:
        return [], [LineError(1, "le fichier est vide")]
    columns = {name: i for i, name in enumerate(header)}
    level = next((lv for lv in LEVELS if lv[1] in columns and lv[2] in columns), None)
    missing = [c for c in ("ANNEE", "NUMDEP", "TAUXCOUV_GLOBAL") if c not in columns]
    if level is None or missing:
        need = ", ".join(missing) or "NUMCOM et NOMCOM, NUMEPCI et NOMEPCI, ou NOMDEP"
        return [], [LineError(1, f"colonnes manquantes : {need}")]
    kind, code_col, name_col = level
    lines: list[CoverageLine] = []
    errors: list[LineError] = []
    seen: set[str] = set()
    for number, row in enumerate(reader, start=2):
        if number > MAX_LINES + 1:
            errors.append(LineError(number, f"plus de {MAX_LINES} lignes"))
            break
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            errors.append(LineError(number, f"{len(row)} colonnes au lieu de {len(header)}"))
            continue
        result = _line(kind, row, columns, code_col, name_col)
        if isinstance(result, str):
            errors.append(LineError(number, result))
        elif result.code in seen:
            errors.append(LineError(number, f"« {result.code} » figure déjà plus haut"))
        else:
            seen.add(result.code)
            lines.append(result)
    if not lines and not errors:
        errors.append(LineError(2, "aucune ligne de données"))
    return lines, errors


def _line(kind, row, columns, code_col, name_col) -> CoverageLine | str:
    def cell(name: str) -> str:
        return row[columns[name]].strip()

    year = cell("ANNEE")
    if not re.fullmatch(r"(19|20)\d\d", year):
        return f"année « {year} » illisible (4 chiffres attendus)"
    departement = cell("NUMDEP").upper().zfill(2)
    if get_departement(departement) is None:
        return f"département « {cell('NUMDEP')} » inconnu"
    code = cell(code_col).upper()
    if kind == "commune":
        commune = get_commune(code)
        if commune is None:
            return f"commune « {code} » inconnue (code INSEE attendu)"
        if commune.departement_code != departement:
            return f"la commune {code} n’est pas dans le département {departement}"
    elif kind == "epci" and not re.fullmatch(r"\d{9}", code):
        return f"EPCI « {code} » illisible (numéro SIREN de 9 chiffres attendu)"
    elif kind == "departement":
        code = departement
    raw = cell("TAUXCOUV_GLOBAL").replace("\u00a0", "").replace(" ", "")
    try:
        rate = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        return f"taux « {raw} » illisible (nombre attendu, virgule décimale)"
    if not rate.is_finite() or not Decimal(0) <= rate <= MAX_RATE:
        return f"taux « {raw} » hors de 0 à {MAX_RATE}"
    name = cell(name_col)[:200] or code
    return CoverageLine(kind, code, name, departement, int(year), rate.quantize(Decimal("0.1")))


def save(session: Session, lines: list[CoverageLine], source: str) -> int:
    """Replace the rates of the levels and areas in ``lines`` (the caller commits)."""
    now = utcnow()
    for line in lines:
        session.execute(
            delete(CoverageRate).where(
                CoverageRate.level == line.level, CoverageRate.code == line.code
            )
        )
        session.add(
            CoverageRate(
                level=line.level,
                code=line.code,
                name=line.name,
                departement_code=line.departement_code,
                year=line.year,
                rate=line.rate,
                imported_at=now,
                source=source[:200],
            )
        )
    return len(lines)
