"""Open-data imports: data·inclusion (JSON or CSV), LHEO (XML), Caf-style EAJE lists (CSV),
INSEE's BPE extract (CSV) and any CSV described by a column mapping file (TOML).

Each reader turns a whole file into :class:`Item` (one offer to upsert) and :class:`Rejection`
(a record that cannot be used, with its line and a French reason) before anything is written;
a file that cannot be read at all raises :class:`ImportFileError` and nothing is applied.
:func:`apply_items` then upserts by (source, identifier) in one transaction: created, updated
or unchanged. Writing an offer records its re-indexing in the search change log (same
transaction), so the caller only has to sync the index after the commit.

Several sources, one offer: a record is matched to an offer by its (source, identifier), else
by the place's SIRET, else by its normalised name + address + commune; each field written
records its source and date (``Offer.provenance``); a field a manager edited (a line of the
offer's history with an author) is never overwritten; an AVIP flag in a file never sets the
label: it files an application for the coordinators of the département to confirm.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element
from xml.parsers import expat

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, selectinload

from app.api import datainclusion as di
from app.api import matching
from app.db import utcnow
from app.directory import hours
from app.directory.models import (
    OFFER_KIND_LABELS,
    Certification,
    Modality,
    Offer,
    OfferChange,
    OfferKind,
    OfferSource,
    OfferStatus,
    OpeningSlot,
    Structure,
    StructureKind,
    Training,
    TrainingSession,
)
from app.geo import get_commune, resolve_place
from app.moderation.models import ApplicationStatus, AvipApplication

MAX_FILE_BYTES = 50 * 1024 * 1024
CHILDCARE_THEME = di.CHILDCARE_THEME
TRAINING_THEME_PREFIX = "se-former--"


class ImportFileError(ValueError):
    """The file cannot be read: nothing of it is applied."""


@dataclass
class Rejection:
    line: int
    reason: str


@dataclass
class StructureData:
    key: str
    name: str
    kind: StructureKind
    siret: str | None = None


@dataclass
class Item:
    """One offer to create or update, read from line ``line`` of the file."""

    line: int
    key: str
    fields: dict[str, Any]
    structure: StructureData
    slots: list[hours.Slot] = field(default_factory=list)
    training: dict[str, Any] | None = None
    sessions: list[tuple[date, date | None]] = field(default_factory=list)
    updated_at: datetime | None = None
    #: The upsert source when it is not the format's name (« data-inclusion:<producer> »).
    import_source: str | None = None
    #: The file says the place is AVIP: an application for the coordinators, never the label.
    avip_claim: bool = False
    #: What the file holds that could not be read but does not stop the record (hours…).
    notes: list[str] = field(default_factory=list)


#: Line numbers shown for a remark repeated on many lines.
NOTE_LINES_SHOWN = 5


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    #: Records matched to an offer of another source (same SIRET, or name + address + commune).
    merged: int = 0
    #: Fields left as a manager wrote them.
    kept_manager_fields: int = 0
    #: AVIP applications filed for the coordinators.
    avip_to_confirm: int = 0
    notes: list[Rejection] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"Créées : {self.created}",
            f"Mises à jour : {self.updated}",
            f"Inchangées : {self.unchanged}",
        ]
        if self.merged:
            out.append(f"Rapprochées d’une offre d’une autre source : {self.merged}")
        if self.kept_manager_fields:
            out.append(
                f"Champs laissés tels que le gestionnaire les a écrits : {self.kept_manager_fields}"
            )
        if self.avip_to_confirm:
            out.append(f"Labels AVIP à confirmer par la coordination : {self.avip_to_confirm}")
        if self.skipped:
            out.append(f"Ignorées (hors petite enfance) : {self.skipped}")
        out.append(f"Rejetées : {len(self.rejected)}")
        out.extend(
            f"  ligne {r.line} : {r.reason}" for r in sorted(self.rejected, key=lambda r: r.line)
        )
        if self.notes:
            out.append(f"Remarques (données non reprises) : {len(self.notes)}")
            by_reason: dict[str, list[int]] = {}
            for note in sorted(self.notes, key=lambda r: r.line):
                by_reason.setdefault(note.reason, []).append(note.line)
            for reason, lines in by_reason.items():
                if len(lines) == 1:
                    out.append(f"  ligne {lines[0]} : {reason}")
                else:
                    first = ", ".join(str(n) for n in lines[:NOTE_LINES_SHOWN])
                    more = " …" if len(lines) > NOTE_LINES_SHOWN else ""
                    out.append(f"  {len(lines)} lignes ({first}{more}) : {reason}")
        return out


@dataclass
class ReadResult:
    items: list[Item]
    rejected: list[Rejection]
    skipped: int = 0


class _Reject(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


# ---- shared field rules -----------------------------------------------------------------------


def _text(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise _Reject("une valeur texte est attendue.")
    text = "".join(ch for ch in str(value) if ch in "\n\t" or ord(ch) >= 32).strip()
    return text[:limit]


def _place(
    code_insee: Any,
    postcode: Any = None,
    commune_name: Any = None,
    latitude: Any = None,
    longitude: Any = None,
) -> dict[str, Any]:
    """Where the offer is: the commune from the reference (by INSEE code, or by postcode and
    name), coordinates given or the commune's centre."""
    code = _text(code_insee, 5).upper()
    commune = get_commune(code) if code else None
    if code and commune is None:
        raise _Reject(f"code INSEE inconnu : {code}.")
    if commune is None:
        typed = " ".join(part for part in (_text(commune_name, 100), _text(postcode, 5)) if part)
        if not typed:
            raise _Reject("ni code INSEE ni commune.")
        commune = resolve_place(typed).commune
        if commune is None:
            raise _Reject(f"commune introuvable ou ambiguë : {typed}.")
    lat, lon = _coordinate(latitude, -90, 90), _coordinate(longitude, -180, 180)
    if lat is None or lon is None:
        lat, lon = commune.latitude, commune.longitude
    code_postal = _text(postcode, 5)
    return {
        "code_insee": commune.code_insee,
        "commune_name": commune.name,
        "departement_code": commune.departement_code,
        "postcode": code_postal if re.fullmatch(r"\d{5}", code_postal) else commune.main_postcode,
        "latitude": lat,
        "longitude": lon,
    }


def _coordinate(value: Any, low: float, high: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        raise _Reject(f"coordonnée illisible : {str(value)[:30]}.") from None
    if not low <= number <= high:
        raise _Reject(f"coordonnée hors limites : {number}.")
    return number


def _slots(osm: Any, notes: list[str] | None = None) -> list[hours.Slot]:
    """Hours in OSM syntax: the rules understood; the others go to ``notes`` (the record is
    kept), or reject the record when no list of notes is given."""
    text = _text(osm, 500)
    if not text:
        return []
    if notes is None:
        try:
            return hours.from_osm(text)
        except ValueError as error:
            raise _Reject(str(error)) from None
    slots, unknown = hours.from_osm_lenient(text)
    if unknown:
        notes.append("horaires non repris : " + " ; ".join(f"« {u} »" for u in unknown) + ".")
    return slots


def _siret(value: Any) -> str | None:
    text = re.sub(r"\s", "", _text(value, 30))
    if not text:
        return None
    if not re.fullmatch(r"\d{14}", text):
        raise _Reject(f"SIRET invalide (14 chiffres attendus) : {text[:20]}.")
    return text


#: Words of a name or a type → the kind of offer, first match wins; whole words only
#: (« Les P'tites Mamans » is no MAM, « Microcrèche » is a micro-crèche).
KIND_WORDS: tuple[tuple[re.Pattern[str], OfferKind], ...] = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (
            r"\b(relais (petite enfance|d.assistant)|rpe|ram|rape)\b",
            OfferKind.RELAIS_PETITE_ENFANCE,
        ),
        (r"\bmicro(-| )?cr[eè]ches?\b|\bmicro\b", OfferKind.MICRO_CRECHE),
        (r"\bmaisons? d.assistant", OfferKind.MAM),
        (r"\bmam\b", OfferKind.MAM),
        (r"\bassistant(e|s|es)?\b", OfferKind.ASSISTANT_MATERNEL),
        (r"\bfamiliale\b", OfferKind.CRECHE_FAMILIALE),
        (r"\bparentale\b", OfferKind.CRECHE_PARENTALE),
        (r"\bhalte", OfferKind.HALTE_GARDERIE),
        (r"\bdomicile\b", OfferKind.GARDE_DOMICILE),
        (r"\burgence\b|\béphémère\b|\boccasionnel", OfferKind.ACCUEIL_EPHEMERE),
    )
)


def _kind_from_words(*texts: str) -> OfferKind:
    for kind, label in OFFER_KIND_LABELS.items():
        if any(t == label for t in texts):
            return kind
    words = " ".join(texts).lower().replace("’", "'")
    for pattern, kind in KIND_WORDS:
        if pattern.search(words):
            return kind
    return OfferKind.CRECHE_COLLECTIVE


# ---- data·inclusion ---------------------------------------------------------------------------


def _records_from_file(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line, record) pairs: the record's position in a JSON list, its line in a CSV file."""
    raw = _read_bytes(path)
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as error:
            raise ImportFileError(f"{path.name} n’est pas un JSON lisible : {error}.") from None
        if not isinstance(data, list):
            raise ImportFileError(f"{path.name} doit contenir une liste d’enregistrements.")
        return [(n, r) for n, r in enumerate(data, start=1)]
    if path.suffix.lower() == ".csv":
        rows = _csv_rows(raw, path.name)
        return [(line, di.record_from_csv_row(row)) for line, row in rows]
    raise ImportFileError(f"{path.name} : extension .json ou .csv attendue.")


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImportFileError(f"{path.name} est trop gros (50 Mo au plus).")
        return path.read_bytes()
    except OSError as error:
        raise ImportFileError(f"Impossible de lire {path} : {error.strerror}.") from None


def _decode(raw: bytes, name: str, encoding: str | None) -> str:
    """UTF-8 (with or without BOM); ``latin-1`` / ``cp1252`` when asked, or as the fallback
    for a file that is not UTF-8 (spreadsheets saved « CSV (séparateur : point-virgule) »)."""
    if encoding and encoding.lower().replace("_", "-") not in ("utf-8", "utf8", "utf-8-sig"):
        try:
            return raw.decode("cp1252" if encoding.lower() in ("latin-1", "latin1") else encoding)
        except (UnicodeDecodeError, LookupError):
            raise ImportFileError(f"{name} n’est pas encodé en {encoding}.") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        if encoding:
            raise ImportFileError(f"{name} n’est pas encodé en UTF-8.") from None
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(f"{name} n’est encodé ni en UTF-8 ni en Latin-1.") from None


def _csv_rows(
    raw: bytes, name: str, *, delimiter: str | None = None, encoding: str | None = "utf-8"
) -> list[tuple[int, dict[str, str]]]:
    text = _decode(raw, name, encoding)
    first = text.split("\n", 1)[0]
    if delimiter is None:
        delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = []
        for row in reader:
            if None in row:
                raise ImportFileError(
                    f"{name}, ligne {reader.line_num} : plus de colonnes que l’en-tête."
                )
            if any((v or "").strip() for v in row.values()):
                rows.append((reader.line_num, row))
    except csv.Error as error:
        raise ImportFileError(
            f"{name}, ligne {reader.line_num} : CSV illisible ({error})."
        ) from None
    if not reader.fieldnames:
        raise ImportFileError(f"{name} est vide.")
    return rows


def data_inclusion_files(path: Path) -> tuple[Path, Path | None]:
    """The services file and, if present, its structures file: a folder holding
    ``services.json`` (or .csv) and ``structures.json``, or a services file whose sibling
    ``structures`` file has the same extension."""
    if path.is_dir():
        for suffix in (".json", ".csv"):
            if (path / f"services{suffix}").exists():
                path = path / f"services{suffix}"
                break
        else:
            raise ImportFileError(f"Aucun fichier services.json ou services.csv dans {path}.")
    sibling = (
        path.with_name(path.name.replace("services", "structures"))
        if "services" in path.name
        else None
    )
    return path, sibling if sibling is not None and sibling.exists() and sibling != path else None


def read_data_inclusion(path: Path) -> ReadResult:
    services_path, structures_path = data_inclusion_files(path)
    structures: dict[str, dict[str, Any]] = {}
    if structures_path is not None:
        for _, record in _records_from_file(structures_path):
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                structures[record["id"]] = record
    services = _records_from_file(services_path)
    per_structure: dict[str, int] = {}
    for _, record in services:
        if isinstance(record, dict) and isinstance(record.get("structure_id"), str):
            per_structure[record["structure_id"]] = per_structure.get(record["structure_id"], 0) + 1

    result = ReadResult([], [])
    for line, record in services:
        try:
            if not isinstance(record, dict):
                raise _Reject("un objet JSON est attendu.")
            themes = record.get("thematiques") or []
            if not isinstance(themes, list):
                raise _Reject("thematiques doit être une liste.")
            training = any(
                isinstance(t, str) and t.startswith(TRAINING_THEME_PREFIX) for t in themes
            )
            if CHILDCARE_THEME not in themes and not training:
                result.skipped += 1
                continue
            place = structures.get(record.get("structure_id") or "", {})
            result.items.append(_data_inclusion_item(line, record, place, training, per_structure))
        except _Reject as reject:
            result.rejected.append(Rejection(line, reject.reason))
    return result


def _data_inclusion_item(
    line: int,
    service: dict[str, Any],
    place: dict[str, Any],
    training: bool,
    per_structure: dict[str, int],
) -> Item:
    source, ident, name = (
        _text(service.get("source"), 50),
        _text(service.get("id"), 200),
        _text(service.get("nom"), 200),
    )
    structure_id = _text(service.get("structure_id"), 200)
    for label, value in (
        ("source", source),
        ("id", ident),
        ("nom", name),
        ("structure_id", structure_id),
    ):
        if not value:
            raise _Reject(f"champ obligatoire manquant : {label}.")
    try:
        updated = date.fromisoformat(_text(service.get("date_maj"), 10))
    except ValueError:
        raise _Reject("date_maj manquante ou invalide (AAAA-MM-JJ).") from None

    def either(key: str) -> Any:
        value = service.get(key)
        return value if value not in (None, "") else place.get(key)

    where = _place(
        either("code_insee"),
        either("code_postal"),
        either("commune"),
        either("latitude"),
        either("longitude"),
    )
    place_name = _text(place.get("nom"), 200)
    if place_name and per_structure.get(structure_id, 0) == 1:
        title = place_name
    else:
        title = f"{name} – {place_name}" if place_name else name
    publics = service.get("publics") or []
    kind = OfferKind.FORMATION if training else _kind_from_words(name, place_name)
    description = _text(service.get("description"), 10000)
    if description == di.default_description(name, where["commune_name"]):
        description = ""
    ages = di.ages_from_text(_text(service.get("publics_precisions"), 500))
    website = _text(place.get("site_web") or service.get("lien_mobilisation"), 300)
    fields = {
        "kind": kind,
        "title": title[:200],
        "description": description,
        "address": _text(either("adresse"), 300),
        **where,
        "contact_name": _text(service.get("contact_nom_prenom"), 200),
        "contact_phone": _text(either("telephone"), 30),
        "contact_email": _text(either("courriel"), 254),
        "website": website,
        "how_to_apply": _text(service.get("mobilisation_precisions"), 5000),
        "cost_info": _text(service.get("frais_precisions"), 5000),
        "disability_access": "personnes-en-situation-de-handicap" in publics,
        "eligible_communes": None
        if training
        else matching.eligible_codes(service.get("zone_eligibilite")),
        "age_min_months": ages[0] if ages else 0,
        "age_max_months": ages[1] if ages else 72,
        "import_place_id": structure_id,
        "import_url": _text(service.get("lien_source"), 500) or None,
    }
    training_data = None
    if training:
        certification = di.certification_from_name(name)
        modes = service.get("modes_accueil") or []
        training_data = {
            "certification": certification or Certification.OTHER,
            "certification_name": "" if certification else name[:200],
            "modality": Modality.DISTANCE if modes == ["a-distance"] else Modality.PRESENTIEL,
        }
    structure = StructureData(
        key=f"{source}:{structure_id}",
        name=(place_name or name)[:200],
        kind=StructureKind.ORGANISME_FORMATION if training else StructureKind.ASSOCIATION,
        siret=_siret(place.get("siret")),
    )
    notes: list[str] = []
    slots = _slots(either("horaires_accueil"), notes)
    avip = not training and matching.says_avip(
        (service.get("nom"), service.get("description"), place.get("nom")),
        [*(service.get("reseaux_porteurs") or []), *(place.get("reseaux_porteurs") or [])],
        place.get("typologie"),
    )
    return Item(
        line=line,
        key=ident,
        fields=fields,
        structure=structure,
        slots=slots,
        training=training_data,
        updated_at=datetime.combine(updated, time(12, 0)),
        import_source=di.IMPORT_PREFIX + source,
        avip_claim=avip,
        notes=notes,
    )


# ---- EAJE lists (Caf, départements), BPE and mapped CSV files ------------------------------

#: Our name for each column → the header names accepted, compared normalised (lower case, no
#: accents, non-letters as « _ »: « Nombre de places agréées » → nombre_de_places_agreees).
EAJE_COLUMNS = {
    "identifiant": ("identifiant", "id", "numero", "n", "code_etablissement", "n_finess", "finess"),
    "nom": (
        "nom",
        "nom_etablissement",
        "nom_de_l_etablissement",
        "denomination",
        "raison_sociale",
        "nom_equipement",
    ),
    "adresse": ("adresse", "adresse_etablissement", "adresse_postale", "voie"),
    "code_postal": ("code_postal", "cp", "codepostal"),
    "commune": ("commune", "ville", "libelle_commune", "nom_commune"),
    "code_insee": ("code_insee", "insee", "code_commune", "depcom", "code_insee_commune"),
    "places": (
        "places",
        "nombre_places",
        "nb_places",
        "nombre_de_places",
        "nombre_de_places_agreees",
        "capacite",
        "capacite_d_accueil",
    ),
    "type_gestionnaire": ("type_gestionnaire", "type_de_gestionnaire", "gestion", "statut"),
    "gestionnaire": ("gestionnaire", "nom_gestionnaire", "nom_du_gestionnaire"),
    "siret": ("siret", "siret_gestionnaire", "siret_etablissement"),
    "type_accueil": (
        "type_accueil",
        "type",
        "type_etablissement",
        "type_d_accueil",
        "mode_d_accueil",
    ),
    "telephone": ("telephone", "tel", "numero_de_telephone"),
    "courriel": ("courriel", "email", "mail", "adresse_mail"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng"),
    "point": ("point", "geo_point", "geo_point_2d", "coordonnees", "coordonnees_gps"),
    "horaires": ("horaires", "horaires_osm", "opening_hours"),
    "age_min_mois": ("age_min_mois", "age_minimum", "age_minimum_mois", "age_min"),
}
OPERATOR_KINDS = (
    (("commune", "municipal", "ccas", "mairie", "public"), StructureKind.COMMUNE),
    (
        ("intercommunal", "epci", "communauté", "communaute", "syndicat"),
        StructureKind.INTERCOMMUNALITE,
    ),
    (("association", "associatif", "mutualiste"), StructureKind.ASSOCIATION),
    (
        ("entreprise", "privé", "prive", "société", "societe", "commercial"),
        StructureKind.ENTREPRISE,
    ),
    (("caf",), StructureKind.CAF),
)


def header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", matching.plain(header)).strip("_")


def _eaje_header(fieldnames: Iterable[str]) -> dict[str, str]:
    """Our column name → the file's header for it."""
    found = {}
    for header in fieldnames:
        wanted = header_key(header)
        for ours, accepted in EAJE_COLUMNS.items():
            if wanted in accepted and ours not in found:
                found[ours] = header
    return found


def read_eaje(path: Path) -> ReadResult:
    rows = _csv_rows(_read_bytes(path), path.name, encoding=None)
    if not rows:
        return ReadResult([], [])
    columns = _eaje_header(rows[0][1].keys())
    return _read_place_rows(path.name, rows, columns, PlaceRules())


@dataclass
class PlaceRules:
    """How to read the rows of a list of places (see :func:`read_mapped`)."""

    #: The file's value of « type_accueil » (normalised) → our kind; else words of the name.
    kinds: dict[str, OfferKind] = field(default_factory=dict)
    #: Columns (ours) whose values make the identifier when there is no « identifiant ».
    key_columns: tuple[str, ...] = ("nom", "adresse", "code_insee", "commune")
    default_kind: OfferKind | None = None


def _read_place_rows(
    name: str, rows: list[tuple[int, dict[str, str]]], columns: dict[str, str], rules: PlaceRules
) -> ReadResult:
    missing = [c for c in ("nom",) if c not in columns]
    if "identifiant" not in columns and "adresse" not in columns:
        missing.append("identifiant ou adresse")
    if missing or ("code_insee" not in columns and "commune" not in columns):
        raise ImportFileError(
            f"{name} : colonnes obligatoires absentes "
            f"({', '.join(missing) or 'code_insee ou commune'}). "
            "Voir la correspondance des colonnes dans le README."
        )
    result = ReadResult([], [])
    for line, row in rows:
        value = {ours: (row.get(header) or "").strip() for ours, header in columns.items()}
        if "identifiant" not in columns:
            value["identifiant"] = "|".join(
                matching.plain(value.get(c, "")) for c in rules.key_columns
            )[:200]
        try:
            result.items.append(_place_item(line, value, rules))
        except _Reject as reject:
            result.rejected.append(Rejection(line, reject.reason))
    return result


def _place_item(line: int, row: dict[str, str], rules: PlaceRules) -> Item:
    key, name = _text(row.get("identifiant"), 200), _text(row.get("nom"), 200)
    if not key.strip("|"):
        raise _Reject("identifiant manquant.")
    if len(name) < 2:
        raise _Reject("nom manquant.")
    places_text = row.get("places", "").replace(" ", "")
    if places_text and not places_text.isdigit():
        raise _Reject(f"nombre de places invalide : {places_text[:20]}.")
    operator_type = row.get("type_gestionnaire", "").lower()
    kind = StructureKind.ASSOCIATION
    if operator_type:
        for needles, candidate in OPERATOR_KINDS:
            if any(n in operator_type for n in needles):
                kind = candidate
                break
        else:
            raise _Reject(
                f"type de gestionnaire inconnu : {operator_type[:40]} (commune, intercommunalité, "
                "association, entreprise ou Caf)."
            )
    latitude, longitude = row.get("latitude"), row.get("longitude")
    if row.get("point") and not (latitude and longitude):
        parts = re.split(r"\s*[,;]\s*|\s+", row["point"].strip().strip("[]()"))
        if len(parts) != 2:
            raise _Reject(f"point illisible (« lat, lon » attendu) : {row['point'][:40]}.")
        latitude, longitude = parts
    siret = _siret(row.get("siret"))
    operator = _text(row.get("gestionnaire"), 200) or name
    type_text = row.get("type_accueil", "")
    offer_kind = rules.kinds.get(header_key(type_text)) if type_text else None
    if offer_kind is None:
        offer_kind = rules.default_kind or _kind_from_words(type_text or name, name)
    age_text = row.get("age_min_mois", "")
    age_min = int(age_text) if age_text.isdigit() and int(age_text) < 72 else 0
    fields = {
        "kind": offer_kind,
        "title": name,
        "address": _text(row.get("adresse"), 300),
        **_place(
            row.get("code_insee"),
            row.get("code_postal"),
            row.get("commune"),
            latitude,
            longitude,
        ),
        "contact_phone": _text(row.get("telephone"), 30),
        "contact_email": _text(row.get("courriel"), 254),
        "age_min_months": age_min,
        "age_max_months": 48 if "halte" in type_text.lower() else max(36, age_min + 1),
    }
    if places_text:
        fields["capacity"] = int(places_text)
    if offer_kind is OfferKind.RELAIS_PETITE_ENFANCE:
        fields["age_max_months"] = 72
    structure = StructureData(
        key=siret or f"nom:{operator.lower()}", name=operator, kind=kind, siret=siret
    )
    notes: list[str] = []
    return Item(
        line=line,
        key=key,
        fields=fields,
        structure=structure,
        slots=_slots(row.get("horaires"), notes),
        notes=notes,
    )


# ---- INSEE's BPE (base permanente des équipements) --------------------------------------------

BPE_CODES_FILE = Path(__file__).parent / "data" / "bpe-equipements.csv"


def bpe_codes() -> dict[str, OfferKind]:
    """Equipment code (TYPEQU) → our kind, from the data file (with its source)."""
    with BPE_CODES_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["typequ"]: OfferKind(row["kind"]) for row in csv.DictReader(handle)}


def read_bpe(path: Path) -> ReadResult:
    """The BPE's detailed file (one line per equipment, « ; », UTF-8 or Latin-1): the lines of
    the early-childhood codes; the others are counted as ignored."""
    rows = _csv_rows(_read_bytes(path), path.name, delimiter=";", encoding=None)
    if not rows:
        return ReadResult([], [])
    headers = {h.upper(): h for h in rows[0][1]}
    needed = [h for h in ("TYPEQU", "DEPCOM") if h not in headers]
    if needed:
        raise ImportFileError(
            f"{path.name} : colonnes BPE absentes ({', '.join(needed)}). "
            "Fichier attendu : le fichier détaillé de la BPE (une ligne par équipement)."
        )
    codes = bpe_codes()
    result = ReadResult([], [])
    for line, raw in rows:
        row = {h.upper(): (v or "").strip() for h, v in raw.items()}
        kind = codes.get(row.get("TYPEQU", ""))
        if kind is None:
            result.skipped += 1
            continue
        name = " ".join(p for p in (row.get("NOMRS", ""), row.get("CNOMRS", "")) if p)
        street = " ".join(
            row.get(h, "") for h in ("NUMVOIE", "INDREP", "TYPVOIE", "LIBVOIE") if row.get(h)
        )
        address = ", ".join(p for p in (street, row.get("CADR", "")) if p)
        siret = row.get("SIRET", "")
        value = {
            "nom": name or OFFER_KIND_LABELS[kind],
            "adresse": address,
            "code_insee": row.get("DEPCOM", ""),
            "code_postal": row.get("CODPOS", ""),
            "siret": siret,
            "latitude": row.get("LATITUDE", ""),
            "longitude": row.get("LONGITUDE", ""),
            "identifiant": "|".join(
                (
                    row["TYPEQU"],
                    siret or matching.plain(name),
                    matching.plain(address),
                    row["DEPCOM"],
                )
            )[:200],
        }
        try:
            item = _place_item(line, value, PlaceRules(default_kind=kind))
            if kind is not OfferKind.RELAIS_PETITE_ENFANCE:
                item.fields["kind"] = _kind_from_words(name) if name else kind
                if item.fields["kind"] in (OfferKind.RELAIS_PETITE_ENFANCE, OfferKind.FORMATION):
                    item.fields["kind"] = kind
            item.import_source = "bpe"
            # The BPE's SIRET is the place's own (a matching key), not its operator's.
            item.structure = StructureData(
                key=f"nom:{matching.plain(name)}",
                name=(name or OFFER_KIND_LABELS[kind])[:200],
                kind=StructureKind.ASSOCIATION,
            )
            item.fields["siret"] = _siret(siret)
            result.items.append(item)
        except _Reject as reject:
            result.rejected.append(Rejection(line, reject.reason))
    return result


# ---- any CSV with a column mapping file (TOML) -------------------------------------------------


def read_mapping(path: Path) -> tuple[dict[str, Any], dict[str, str], PlaceRules, str]:
    """A mapping file: [fichier] separateur, encodage, source, identifiant (columns making the
    identifier); [colonnes] our name = the file's header; [types] the file's type = our kind."""
    try:
        data = tomllib.loads(_read_bytes(path).decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ImportFileError(f"{path.name} n’est pas un fichier TOML lisible : {error}.") from None
    settings, columns, types = (data.get(k, {}) for k in ("fichier", "colonnes", "types"))
    if not all(isinstance(x, dict) for x in (settings, columns, types)):
        raise ImportFileError(f"{path.name} : [fichier], [colonnes] et [types] sont des tables.")
    unknown = sorted(set(columns) - set(EAJE_COLUMNS))
    if unknown:
        raise ImportFileError(
            f"{path.name} : colonnes inconnues dans [colonnes] : {', '.join(unknown)} "
            f"(possibles : {', '.join(EAJE_COLUMNS)})."
        )
    kinds: dict[str, OfferKind] = {}
    for theirs, ours in types.items():
        try:
            kinds[header_key(theirs)] = OfferKind(ours)
        except ValueError:
            raise ImportFileError(
                f"{path.name} : type inconnu « {ours} » pour « {theirs} » "
                f"(possibles : {', '.join(k.value for k in OfferKind)})."
            ) from None
    key_columns = tuple(settings.get("identifiant") or ("nom", "adresse", "code_insee", "commune"))
    source = re.sub(r"[^a-z0-9-]", "-", str(settings.get("source") or path.stem).lower())[:40]
    return (
        settings,
        {str(k): str(v) for k, v in columns.items()},
        PlaceRules(kinds=kinds, key_columns=key_columns),
        f"csv:{source}",
    )


def read_mapped(path: Path, mapping_path: Path) -> ReadResult:
    settings, columns, rules, source = read_mapping(mapping_path)
    rows = _csv_rows(
        _read_bytes(path),
        path.name,
        delimiter=settings.get("separateur") or None,
        encoding=settings.get("encodage") or None,
    )
    if not rows:
        return ReadResult([], [])
    missing = sorted(h for h in columns.values() if h not in rows[0][1])
    if missing:
        raise ImportFileError(
            f"{path.name} : colonnes de la correspondance absentes du fichier : "
            + ", ".join(f"« {m} »" for m in missing)
            + "."
        )
    result = _read_place_rows(path.name, rows, columns, rules)
    for item in result.items:
        item.import_source = source
    return result


# ---- LHEO (training offers, XML) --------------------------------------------------------------


@dataclass
class _Xml:
    root: Element
    lines: dict[int, int]

    def line(self, element: Element) -> int:
        return self.lines.get(id(element), 0)


def _parse_xml(raw: bytes, name: str) -> _Xml:
    """A tree without namespaces and with each element's line; DTDs (and so entities) refused."""
    parser = expat.ParserCreate(namespace_separator="}")
    stack: list[Element] = []
    lines: dict[int, int] = {}
    roots: list[Element] = []

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    def start(tag, attrs):
        element = Element(local(tag), {local(k): v for k, v in attrs.items()})
        lines[id(element)] = parser.CurrentLineNumber
        (stack[-1].append(element) if stack else roots.append(element))
        stack.append(element)

    def end(_tag):
        stack.pop()

    def text(data):
        if stack:
            stack[-1].text = (stack[-1].text or "") + data

    def doctype(*_args):
        raise ImportFileError(
            f"{name} : les fichiers avec une DTD (<!DOCTYPE>) ne sont pas acceptés."
        )

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler, parser.StartDoctypeDeclHandler = text, doctype
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as error:
        raise ImportFileError(
            f"{name}, ligne {error.lineno} : XML illisible ({expat.ErrorString(error.code)})."
        ) from None
    if not roots:
        raise ImportFileError(f"{name} est vide.")
    return _Xml(roots[0], lines)


def _find_text(element: Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return " ".join((found.text or "").split()) if found is not None else ""


RNCP_CERTIFICATIONS = {
    "38565": Certification.CAP_AEPE,
    "28048": Certification.CAP_AEPE,
    "40743": Certification.DEAP,
    "35832": Certification.DEAP,
    "37679": Certification.DEEJE,
    "41745": Certification.DEEJE,
    "34691": Certification.TP_ASSISTANT_MATERNEL,
}


def _lheo_date(text: str) -> date | None:
    if not re.fullmatch(r"\d{8}", text) or text in ("00000000", "99999999"):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise _Reject(f"date LHEO invalide : {text}.") from None


def read_lheo(path: Path) -> ReadResult:
    xml = _parse_xml(_read_bytes(path), path.name)
    if xml.root.tag != "lheo":
        raise ImportFileError(f"{path.name} : l’élément racine doit être <lheo>.")
    result = ReadResult([], [])
    formations = xml.root.findall("./offres/formation")
    if not formations:
        raise ImportFileError(f"{path.name} : aucune <formation> dans <offres>.")
    for formation in formations:
        actions = formation.findall("action")
        if not actions:
            result.rejected.append(Rejection(xml.line(formation), "formation sans <action>."))
        for action in actions:
            try:
                result.items.append(_lheo_item(xml, formation, action))
            except _Reject as reject:
                result.rejected.append(Rejection(xml.line(action), reject.reason))
    return result


def _lheo_item(xml: _Xml, formation: Element, action: Element) -> Item:
    formation_id, action_id = formation.get("numero", "").strip(), action.get("numero", "").strip()
    if not formation_id or not action_id:
        raise _Reject("attribut numero manquant sur <formation> ou <action>.")
    title = _find_text(formation, "intitule-formation")
    if not title:
        raise _Reject("<intitule-formation> manquant.")
    organisme = formation.find("organisme-formation-responsable")
    if organisme is None:
        raise _Reject("<organisme-formation-responsable> manquant.")
    organisme_name = _find_text(organisme, "nom-organisme") or _find_text(
        organisme, "raison-sociale"
    )
    if not organisme_name:
        raise _Reject("nom de l’organisme manquant (<nom-organisme>).")
    siret = _siret(_find_text(organisme, "SIRET-organisme-formation/SIRET"))
    address = action.find("lieu-de-formation/coordonnees/adresse")
    if address is None:
        raise _Reject("<lieu-de-formation> sans adresse.")
    where = _place(
        _find_text(address, "code-INSEE-commune"),
        _find_text(address, "codepostal"),
        _find_text(address, "ville"),
        _find_text(address, "geolocalisation/latitude"),
        _find_text(address, "geolocalisation/longitude"),
    )
    rncp = re.sub(r"\D", "", _find_text(formation, "certification/code-RNCP"))
    certification = RNCP_CERTIFICATIONS.get(rncp, Certification.OTHER)
    if _find_text(action, "modalites-alternance"):
        modality = Modality.ALTERNANCE
    elif _find_text(action, "modalites-enseignement") == "2":
        modality = Modality.DISTANCE
    else:
        modality = Modality.PRESENTIEL
    total = _find_text(action, "nombre-heures-total")
    parts = [
        _find_text(action, "nombre-heures-centre"),
        _find_text(action, "nombre-heures-entreprise"),
    ]
    hours_total = (
        int(total) if total.isdigit() else (sum(int(p) for p in parts if p.isdigit()) or None)
    )
    sessions = []
    for session in action.findall("session"):
        start = _lheo_date(_find_text(session, "periode/debut"))
        if start is not None:
            sessions.append((start, _lheo_date(_find_text(session, "periode/fin"))))
    contact = organisme.find("coordonnees-organisme/coordonnees")
    fields = {
        "kind": OfferKind.FORMATION,
        "title": title[:200],
        "description": "\n\n".join(
            t
            for t in (
                _find_text(formation, "objectif-formation"),
                _find_text(formation, "contenu-formation"),
            )
            if t
        )[:10000],
        "address": " ".join(line.text.strip() for line in address.findall("ligne") if line.text)[
            :300
        ],
        **where,
        "contact_phone": _find_text(contact, ".//numtel")[:30],
        "contact_email": _find_text(contact, ".//courriel")[:254],
        "website": _find_text(contact, ".//urlweb")[:300],
        "how_to_apply": _find_text(action, "modalites-recrutement")[:5000],
        "cost_info": _find_text(action, "prix-total-TTC")
        and f"Prix total : {_find_text(action, 'prix-total-TTC')} € TTC.",
        "age_min_months": 0,
        "age_max_months": 72,
    }
    training = {
        "certification": certification,
        "certification_name": ""
        if certification is not Certification.OTHER
        else _find_text(formation, "intitule-formation")[:200],
        "rncp_code": f"RNCP{rncp}" if rncp else "",
        "hours": hours_total,
        "modality": modality,
    }
    structure = StructureData(
        key=organisme.get("numero", "").strip() or siret or organisme_name.lower(),
        name=organisme_name[:200],
        kind=StructureKind.ORGANISME_FORMATION,
        siret=siret,
    )
    return Item(
        line=xml.line(action),
        key=f"{formation_id}/{action_id}",
        fields=fields,
        structure=structure,
        training=training,
        sessions=sorted(sessions, key=lambda s: s[0]),
    )


# ---- applying ---------------------------------------------------------------------------------

READERS: dict[str, Callable[[Path], ReadResult]] = {
    "data-inclusion": read_data_inclusion,
    "lheo": read_lheo,
    "eaje": read_eaje,
    "bpe": read_bpe,
}


#: Source labels shown on an offer page (« D’où viennent ces informations ? »).
SOURCE_LABELS = {
    "lheo": "fichier LHEO des formations",
    "eaje": "liste des EAJE (Caf)",
    "bpe": "Insee, base permanente des équipements",
}
#: The history's field names (:func:`app.directory.history.snapshot`) → the offer fields an
#: import writes; a field a manager changed is left alone by every later import.
HISTORY_FIELDS = {
    "commune": ("code_insee", "commune_name", "departement_code", "latitude", "longitude"),
    "hours": ("slots",),
}
#: Rows written between two flushes (and offers loaded per query).
BATCH = 500


def source_label(source: str) -> str:
    if source.startswith(di.IMPORT_PREFIX):
        return f"data·inclusion ({source.removeprefix(di.IMPORT_PREFIX)})"
    if source.startswith("csv:"):
        return f"fichier {source.removeprefix('csv:')}"
    return SOURCE_LABELS.get(source, source)


def _import_source(fmt: str, item: Item) -> str:
    return item.import_source or fmt


class _Structures:
    """Structures of an import, looked up once: by SIRET, then by (source, identifier)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[str, Structure] = {}
        self.by_siret: dict[str, int] | None = None
        self.by_key: dict[tuple[str, str], int] | None = None

    def _load(self) -> None:
        rows = self.session.execute(
            select(Structure.id, Structure.siret, Structure.import_source, Structure.import_id)
        ).all()
        self.by_siret = {r.siret: r.id for r in rows if r.siret}
        self.by_key = {
            (r.import_source, r.import_id): r.id for r in rows if r.import_source and r.import_id
        }

    def get(self, fmt: str, data: StructureData) -> Structure:
        key = f"{fmt}|{data.key}"
        if key in self.cache:
            return self.cache[key]
        if data.siret and data.siret in self.cache:
            return self.cache[data.siret]
        if self.by_siret is None or self.by_key is None:
            self._load()
        assert self.by_siret is not None and self.by_key is not None
        found = (self.by_siret.get(data.siret) if data.siret else None) or self.by_key.get(
            (fmt, data.key[:200])
        )
        structure = self.session.get(Structure, found) if found else None
        if structure is None:
            structure = Structure(
                name=data.name,
                kind=data.kind,
                siret=data.siret,
                import_source=fmt,
                import_id=data.key[:200],
                source=f"Import {fmt}",
            )
            self.session.add(structure)
        self.cache[key] = structure
        if data.siret:
            self.cache[data.siret] = structure
        return structure


def _differs(offer: Offer, item: Item, fields: dict[str, Any], slots: bool) -> bool:
    if any(getattr(offer, name) != value for name, value in fields.items()):
        return True
    if slots and {(s.weekday, s.opens, s.closes) for s in offer.slots} != {
        (s.weekday, s.opens, s.closes) for s in item.slots
    }:
        return True
    if item.updated_at is not None and offer.updated_at.date() != item.updated_at.date():
        return True
    if item.training is not None:
        training = offer.training
        if training is None or any(getattr(training, k) != v for k, v in item.training.items()):
            return True
        if [(s.start, s.end) for s in training.sessions] != item.sessions:
            return True
    return False


def _write(
    offer: Offer, item: Item, fields: dict[str, Any], slots: bool, stamp: dict[str, str]
) -> None:
    provenance = dict(offer.provenance or {})
    for name, value in fields.items():
        if getattr(offer, name, None) != value or name not in provenance:
            provenance[name] = stamp
        setattr(offer, name, value)
    wanted = {(s.weekday, s.opens, s.closes) for s in item.slots}
    if slots and {(s.weekday, s.opens, s.closes) for s in offer.slots} != wanted:
        offer.slots = [OpeningSlot(weekday=d, opens=o, closes=c) for d, o, c in sorted(wanted)]
        provenance["slots"] = stamp
    if item.training is not None:
        if offer.training is None:
            offer.training = Training(**item.training)
        else:
            for name, value in item.training.items():
                setattr(offer.training, name, value)
        if [(s.start, s.end) for s in offer.training.sessions] != item.sessions:
            offer.training.sessions = [TrainingSession(start=s, end=e) for s, e in item.sessions]
    offer.provenance = provenance
    if item.updated_at is not None:
        offer.updated_at = item.updated_at


def _manager_fields(session: Session, offer_ids: list[int]) -> dict[int, set[str]]:
    """Offer id → the fields (ours) a person changed, from the offers' history."""
    edited: dict[int, set[str]] = {}
    for start in range(0, len(offer_ids), BATCH):
        chunk = offer_ids[start : start + BATCH]
        for offer_id, changes in session.execute(
            select(OfferChange.offer_id, OfferChange.changes).where(
                OfferChange.offer_id.in_(chunk), OfferChange.user_id.is_not(None)
            )
        ):
            names = edited.setdefault(offer_id, set())
            for key in changes or {}:
                names.update(HISTORY_FIELDS.get(key, (key,)))
    return edited


class _Index:
    """Where each record's offer is, looked up in a few queries for the whole file."""

    def __init__(self, session: Session) -> None:
        self.by_source: dict[tuple[str, str], int] = {
            (r.source, r.source_id): r.offer_id
            for r in session.execute(
                select(OfferSource.source, OfferSource.source_id, OfferSource.offer_id)
            )
        }
        self.by_siret: dict[str, int] = {}
        self.by_match: dict[str, int] = {}
        for r in session.execute(
            select(
                Offer.id, Offer.import_source, Offer.import_id, Offer.siret, Offer.match_key
            ).order_by(Offer.id)
        ):
            if r.import_source and r.import_id:
                self.by_source.setdefault((r.import_source, r.import_id), r.id)
            if r.siret:
                self.by_siret.setdefault(r.siret, r.id)
            if r.match_key:
                self.by_match.setdefault(r.match_key, r.id)

    def find(self, source: str, key: str, siret: str | None, match: str | None):
        """(offer id, matched from another source?) or (None, False)."""
        found = self.by_source.get((source, key))
        if found is not None:
            return found, False
        found = (self.by_siret.get(siret) if siret else None) or (
            self.by_match.get(match) if match else None
        )
        return found, found is not None


def _queue_avip(session: Session, offer: Offer, source: str, on: date) -> bool:
    """File an AVIP application for the coordinators of the offer's département (the caller
    checks there is none pending)."""
    if offer.avip:
        return False
    session.add(
        AvipApplication(
            offer=offer,
            structure=offer.structure,
            all_sites=False,
            departement_code=offer.departement_code,
            applicant_id=None,
            reserved_places=0,
            partnership=(
                f"Signalé comme AVIP par la source « {source_label(source)} » "
                f"(import du {on.strftime('%d/%m/%Y')}) : à confirmer auprès du gestionnaire."
            ),
            status=ApplicationStatus.SUBMITTED,
        )
    )
    return True


def apply_items(
    session: Session,
    fmt: str,
    read: ReadResult,
    progress: Callable[[int], None] = lambda n: None,
    today: date | None = None,
) -> ImportReport:
    """Upsert every item, in the caller's transaction (not committed): a few queries to find
    the offers of the whole file, then writes flushed by batches of :data:`BATCH`."""
    today = today or date.today()
    report = ImportReport(skipped=read.skipped, rejected=list(read.rejected))
    seen: dict[tuple[str, str], int] = {}
    structures = _Structures(session)
    index = _Index(session)
    planned: list[tuple[Item, str, int | None, bool]] = []
    for item in read.items:
        source = _import_source(fmt, item)
        if (source, item.key) in seen:
            report.rejected.append(
                Rejection(
                    item.line,
                    f"identifiant en double : {item.key} (déjà ligne {seen[source, item.key]}).",
                )
            )
            continue
        seen[source, item.key] = item.line
        report.notes.extend(Rejection(item.line, n) for n in item.notes)
        match = matching.match_key(
            item.fields.get("title", ""),
            item.fields.get("address", ""),
            item.fields.get("code_insee", ""),
        )
        item.fields["match_key"] = match
        offer_id, merged = index.find(source, item.key, item.fields.get("siret"), match)
        planned.append((item, source, offer_id, merged))

    pending_avip = set(
        session.scalars(
            select(AvipApplication.offer_id).where(
                AvipApplication.status == ApplicationStatus.SUBMITTED
            )
        )
    )
    created: list[tuple[Offer, Item, str]] = []
    for start in range(0, len(planned), BATCH):
        chunk = planned[start : start + BATCH]
        known_ids = sorted({p[2] for p in chunk if p[2] is not None})
        offers = {
            offer.id: offer
            for offer in session.scalars(
                select(Offer)
                .where(Offer.id.in_(known_ids))
                .options(
                    selectinload(Offer.slots),
                    selectinload(Offer.sources),
                    selectinload(Offer.training).selectinload(Training.sessions),
                )
            )
        }
        edited = _manager_fields(session, known_ids)
        for item, source, offer_id, merged in chunk:
            offer = _apply_one(
                session,
                fmt,
                item,
                source,
                offers.get(offer_id) if offer_id else None,
                merged,
                edited,
                structures,
                created,
                report,
                today,
            )
            claim = item.avip_claim and offer.id not in pending_avip
            if claim and _queue_avip(session, offer, source, today):
                report.avip_to_confirm += 1
                if offer.id is not None:
                    pending_avip.add(offer.id)
            progress(1)
        new = [offer for offer, _, _ in created]
        _flush_created(session, created)
        # Written and flushed: let the session forget them (memory stays flat on big files).
        for offer in [*offers.values(), *new]:
            session.expunge(offer)
    progress(len(read.items) - len(planned))
    return report


def _apply_one(
    session: Session,
    fmt: str,
    item: Item,
    source: str,
    existing: Offer | None,
    merged: bool,
    edited: dict[int, set[str]],
    structures: _Structures,
    created: list[tuple[Offer, Item, str]],
    report: ImportReport,
    today: date,
) -> Offer:
    stamp = {
        "source": source_label(source),
        "date": (item.updated_at.date() if item.updated_at else today).isoformat(),
    }
    if existing is None:
        offer = Offer(
            import_source=source,
            import_id=item.key,
            status=OfferStatus.PUBLISHED,
            source=f"Import {fmt}",
        )
        offer.structure = structures.get(source, item.structure)
        _write(offer, item, item.fields, False, stamp)
        if item.slots:
            offer.provenance = {**(offer.provenance or {}), "slots": stamp}
        session.add(offer)
        # Their slots and source rows are inserted in bulk once the offers have their ids.
        created.append((offer, item, source))
        report.created += 1
        return offer
    offer = existing
    if merged:
        report.merged += 1
        if not any(s.source == source and s.source_id == item.key for s in offer.sources):
            offer.sources.append(OfferSource(source=source, source_id=item.key))
    locked = edited.get(offer.id, set())
    fields = {k: v for k, v in item.fields.items() if k not in locked}
    # A field another source wrote stays its own while it is filled (one source, one field);
    # another source never empties a field.
    label, written_by = source_label(source), offer.provenance or {}

    def others(name: str) -> bool:
        stamp = written_by.get(name)
        return isinstance(stamp, dict) and stamp.get("source") != label

    fields = {
        k: v
        for k, v in fields.items()
        if not (others(k) and getattr(offer, k) not in ("", None))
        and not (merged and v in ("", None))
    }
    report.kept_manager_fields += len(set(item.fields) & locked) + (
        "slots" in locked and bool(item.slots)
    )
    slots = (
        "slots" not in locked
        and (bool(item.slots) or not merged)
        and not (others("slots") and offer.slots)
    )
    if _differs(offer, item, fields, slots):
        _write(offer, item, fields, slots, stamp)
        report.updated += 1
    else:
        report.unchanged += 1
    return offer


def _flush_created(session: Session, created: list[tuple[Offer, Item, str]]) -> None:
    """Flush, then insert the slots and source rows of the offers just created, in two
    multi-row statements (one query per row through the ORM otherwise)."""
    session.flush()
    slots = [
        {"offer_id": offer.id, "weekday": d, "opens": o, "closes": c}
        for offer, item, _ in created
        for d, o, c in sorted({(s.weekday, s.opens, s.closes) for s in item.slots})
    ]
    sources = [
        {"offer_id": offer.id, "source": source, "source_id": item.key, "seen_at": utcnow()}
        for offer, item, source in created
    ]
    if slots:
        session.execute(insert(OpeningSlot), slots)
    if sources:
        session.execute(insert(OfferSource), sources)
    created.clear()
