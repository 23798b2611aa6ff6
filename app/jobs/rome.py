"""The early-childhood job codes (ROME 4.0 and v3), read from ``data/rome-petite-enfance.csv``
(dated, with its sources in ``data/SOURCES.md``). A need is published with a ROME 4.0 code; a
search (``metier=``) accepts a 4.0 code or a v3 one: the v3 K1303 « Assistance auprès
d'enfants » stands for every 4.0 code that took its jobs over (K1303, K1307, K1308, K1309,
K1310)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "rome-petite-enfance.csv"
CODE = re.compile(r"^[A-N]\d{4}$")
#: The date of the reference (SOURCES.md: the ROME 4.0 seed updated 2024-10-08).
REFERENCE_DATE = "2024-10-08"


@dataclass(frozen=True)
class RomeJob:
    code: str
    version: str  # "4.0" or "3"
    label: str
    domain: str
    v3_equivalent: str


@lru_cache(maxsize=1)
def all_jobs() -> tuple[RomeJob, ...]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return tuple(
            RomeJob(
                row["code_rome"],
                row["version"],
                row["libelle"],
                row["domaine_professionnel"],
                row["codes_v3_equivalents"],
            )
            for row in csv.DictReader(handle)
        )


def current_jobs() -> tuple[RomeJob, ...]:
    """The ROME 4.0 jobs a need is published with, in the file's order."""
    return tuple(job for job in all_jobs() if job.version == "4.0")


def label_of(code: str) -> str:
    for job in current_jobs():
        if job.code == code:
            return job.label
    return code


def codes_for(query: str) -> tuple[str, ...] | None:
    """The 4.0 codes a ``metier`` search means: itself when it is a 4.0 code, the 4.0 codes that
    took over a v3 code (K1303 → five codes), or None when the code is unknown. A 4.0 code that
    is also a v3 code (K1303) means both: all the jobs of the v3 code."""
    code = (query or "").strip().upper()
    if not CODE.match(code):
        return None
    from_v3 = tuple(j.code for j in current_jobs() if j.v3_equivalent == code)
    if from_v3:
        return from_v3
    if any(j.code == code for j in current_jobs()):
        return (code,)
    return None
