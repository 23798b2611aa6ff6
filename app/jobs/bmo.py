"""Reading France Travail's « Besoins en main-d'œuvre » (BMO) yearly open-data file and keeping
its early-childhood lines (no Flask).

The file (one per year, published as a spreadsheet; export it as CSV) has one line per
employment area (« bassin d'emploi ») and BMO job, with these columns (README, « Bourse de
l'emploi »): ``annee``, ``Code métier BMO``, ``Nom métier BMO``, ``Famille_met``,
``Lbl_fam_met``, ``REG``, ``NOM_REG``, ``Dept``, ``NomDept``, ``BEyy`` (the area's code, ``yy``
the year of the area map: BE23, BE24…), ``NOMBEyy``, ``met`` (recruitment projects), ``xmet``
(projects judged difficult), ``smet`` (seasonal projects). A figure under the secrecy threshold
is written ``*``: it counts as 0 here.

BMO job codes follow the FAP nomenclature, which changed over the years (FAP 2009, then FAP
2021): the early-childhood lines are recognised by their job name (``EARLY_CHILDHOOD``), not by
a code."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

REQUIRED = ("annee", "Code métier BMO", "Nom métier BMO", "Dept", "met", "xmet")
#: Words of a BMO job name that make it an early-childhood job (accents and case folded):
#: « Assistantes maternelles », « Aides-soignants (…auxiliaires de puériculture…) »,
#: « Éducateurs de jeunes enfants », « Professionnels de l'animation… petite enfance ».
EARLY_CHILDHOOD = (
    "assistant maternel",
    "assistante maternelle",
    "assistantes maternelles",
    "puericult",
    "jeunes enfants",
    "petite enfance",
    "garde d'enfants",
    "gardes d'enfants",
)
AREA = re.compile(r"^BE\d{2}$")


class BmoFileError(ValueError):
    """The file cannot be read as a BMO file; the message is French."""


@dataclass(frozen=True)
class BmoLine:
    year: int
    departement_code: str
    bassin_code: str
    bassin_name: str
    job_code: str
    job_label: str
    projects: int
    difficult: int
    seasonal: int


@dataclass
class BmoRead:
    lines: list[BmoLine] = field(default_factory=list)
    skipped_other_jobs: int = 0


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def is_early_childhood(job_label: str) -> bool:
    folded = _fold(job_label)
    return any(word in folded for word in EARLY_CHILDHOOD)


def _count(value: str | None) -> int:
    text = (value or "").strip().replace("\u00a0", "").replace(" ", "")
    if text in ("", "*", "-"):
        return 0
    try:
        return max(0, int(float(text.replace(",", "."))))
    except ValueError:
        raise BmoFileError(f"Nombre illisible : « {value} ».") from None


def _departement(value: str) -> str:
    text = (value or "").strip().upper()
    return text.zfill(2) if text.isdigit() and len(text) < 2 else text


def read(text: str) -> BmoRead:
    """Parse the CSV text (``;`` or ``,`` separated, UTF-8)."""
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in columns]
    area = next((c for c in columns if AREA.match(c)), None)
    if missing or area is None:
        needed = ", ".join([*missing, *([] if area else ["BEyy"])])
        raise BmoFileError(f"Colonnes manquantes : {needed}. Est-ce bien un fichier BMO ?")
    result = BmoRead()
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "") for k, v in raw.items()}
        label = row["Nom métier BMO"].strip()
        if not is_early_childhood(label):
            result.skipped_other_jobs += 1
            continue
        try:
            year = int(row["annee"].strip())
        except ValueError:
            raise BmoFileError(f"Ligne {number} : année illisible « {row['annee']} ».") from None
        result.lines.append(
            BmoLine(
                year=year,
                departement_code=_departement(row["Dept"])[:3],
                bassin_code=row[area].strip()[:10],
                bassin_name=row.get(f"NOM{area}", "").strip()[:200],
                job_code=row["Code métier BMO"].strip()[:10],
                job_label=label[:200],
                projects=_count(row["met"]),
                difficult=_count(row["xmet"]),
                seasonal=_count(row.get("smet")),
            )
        )
    return result


def read_file(path: Path) -> BmoRead:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="latin-1")
    except OSError as error:
        raise BmoFileError(f"Fichier illisible : {error.strerror}.") from None
    return read(text)
