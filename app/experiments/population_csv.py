"""The CSV of ``flask import population-age FILE``: one row per group of a département.

Columns (UTF-8, comma or semicolon, header required; decimals with a point or a comma):

- ``departement``: code (``83``, ``2A``, ``976``);
- ``categorie``: ``1-3``, ``6-8``, ``4`` or ``5`` (registration categories);
- ``indemnisation``: ``aucune``, ``0-1``, ``1-1.3``, ``1.3-2`` or ``2+`` (daily allowance in
  multiples of the minimum ARE);
- ``age_benjamin``: ``0-2``, ``3-5``, ``6-9``, ``10-11``, ``12-14`` or ``15-17``;
- ``enfants``: ``1``, ``2`` or ``3+``;
- ``parent_isole``: ``oui`` or ``non``;
- ``effectif``: head count (≥ 0);
- ``taux_cdi``, ``taux_cdd``, ``taux_formation``: starts per person per year (0 to 50);
- ``part_temps_plein``, ``taux_recours``: shares from 0 to 1.

Pure: text in, groups and French error messages out (nothing is applied when one row is wrong).
"""

from __future__ import annotations

import csv
import io

from app.experiments.model import AGE_BANDS, ALLOWANCE_BANDS, CATEGORIES, COUNT_BANDS, GroupRow

COLUMNS = (
    "departement",
    "categorie",
    "indemnisation",
    "age_benjamin",
    "enfants",
    "parent_isole",
    "effectif",
    "taux_cdi",
    "taux_cdd",
    "taux_formation",
    "part_temps_plein",
    "taux_recours",
)
_CHOICES = {
    "categorie": CATEGORIES,
    "indemnisation": ALLOWANCE_BANDS,
    "age_benjamin": AGE_BANDS,
    "enfants": COUNT_BANDS,
    "parent_isole": ("oui", "non"),
}
_BOUNDS = {
    "effectif": (0.0, 10_000_000.0),
    "taux_cdi": (0.0, 50.0),
    "taux_cdd": (0.0, 50.0),
    "taux_formation": (0.0, 50.0),
    "part_temps_plein": (0.0, 1.0),
    "taux_recours": (0.0, 1.0),
}
MAX_ROWS = 200_000


def read_population_csv(text: str, known_codes: set[str]) -> tuple[list[GroupRow], list[str]]:
    """The groups of the file, or the problems (line numbers from 1 = the header)."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [f"Colonnes manquantes : {', '.join(missing)}."]
    groups: list[GroupRow] = []
    errors: list[str] = []
    for line, raw in enumerate(reader, start=2):
        if line > MAX_ROWS + 1:
            errors.append(f"Plus de {MAX_ROWS} lignes : découpez le fichier.")
            break
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        problems = []
        if row["departement"] not in known_codes:
            problems.append(f"département inconnu « {row['departement']} »")
        for name, allowed in _CHOICES.items():
            if row[name] not in allowed:
                problems.append(f"{name} « {row[name]} » (attendu : {', '.join(allowed)})")
        numbers: dict[str, float] = {}
        for name, (low, high) in _BOUNDS.items():
            try:
                value = float(row[name].replace(",", "."))
            except ValueError:
                problems.append(f"{name} « {row[name]} » n’est pas un nombre")
                continue
            if not low <= value <= high:
                problems.append(f"{name} {row[name]} hors de [{low:g} ; {high:g}]")
            numbers[name] = value
        if problems:
            errors.append(f"Ligne {line} : " + " ; ".join(problems) + ".")
            continue
        groups.append(
            GroupRow(
                departement=row["departement"],
                categorie=row["categorie"],
                indemnisation=row["indemnisation"],
                age_benjamin=row["age_benjamin"],
                enfants=row["enfants"],
                parent_isole=row["parent_isole"] == "oui",
                **numbers,
            )
        )
    if not groups and not errors:
        errors.append("Le fichier ne contient aucune ligne.")
    return groups, errors
