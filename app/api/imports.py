"""Open-data imports: data·inclusion (JSON or CSV), LHEO (XML) and CAF-style EAJE lists (CSV).

Each reader turns a whole file into :class:`Item` (one offer to upsert) and :class:`Rejection`
(a record that cannot be used, with its line and a French reason) before anything is written;
a file that cannot be read at all raises :class:`ImportFileError` and nothing is applied.
:func:`apply_items` then upserts by (source, identifier) in one transaction: created, updated
or unchanged. Writing an offer records its re-indexing in the search change log (same
transaction), so the caller only has to sync the index after the commit.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element
from xml.parsers import expat

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.api import datainclusion as di
from app.directory import hours
from app.directory.models import (
    OFFER_KIND_LABELS,
    Certification,
    Modality,
    Offer,
    OfferKind,
    OfferStatus,
    OpeningSlot,
    Structure,
    StructureKind,
    Training,
    TrainingSession,
)
from app.geo import get_commune, resolve_place

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


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"Créées : {self.created}",
            f"Mises à jour : {self.updated}",
            f"Inchangées : {self.unchanged}",
        ]
        if self.skipped:
            out.append(f"Ignorées (hors petite enfance) : {self.skipped}")
        out.append(f"Rejetées : {len(self.rejected)}")
        out.extend(
            f"  ligne {r.line} : {r.reason}" for r in sorted(self.rejected, key=lambda r: r.line)
        )
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


def _slots(osm: Any) -> list[hours.Slot]:
    text = _text(osm, 500)
    if not text:
        return []
    try:
        return hours.from_osm(text)
    except ValueError as error:
        raise _Reject(str(error)) from None


def _siret(value: Any) -> str | None:
    text = re.sub(r"\s", "", _text(value, 30))
    if not text:
        return None
    if not re.fullmatch(r"\d{14}", text):
        raise _Reject(f"SIRET invalide (14 chiffres attendus) : {text[:20]}.")
    return text


def _kind_from_words(*texts: str) -> OfferKind:
    for kind, label in OFFER_KIND_LABELS.items():
        if any(t == label for t in texts):
            return kind
    words = " ".join(texts).lower()
    for needle, kind in (
        ("micro", OfferKind.MICRO_CRECHE),
        ("maison d’assistant", OfferKind.MAM),
        ("maison d'assistant", OfferKind.MAM),
        ("mam", OfferKind.MAM),
        ("assistant", OfferKind.ASSISTANT_MATERNEL),
        ("familiale", OfferKind.CRECHE_FAMILIALE),
        ("parentale", OfferKind.CRECHE_PARENTALE),
        ("halte", OfferKind.HALTE_GARDERIE),
        ("domicile", OfferKind.GARDE_DOMICILE),
        ("urgence", OfferKind.ACCUEIL_EPHEMERE),
        ("éphémère", OfferKind.ACCUEIL_EPHEMERE),
        ("occasionnel", OfferKind.ACCUEIL_EPHEMERE),
    ):
        if re.search(rf"\b{re.escape(needle)}", words):
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


def _csv_rows(raw: bytes, name: str) -> list[tuple[int, dict[str, str]]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(f"{name} n’est pas encodé en UTF-8.") from None
    first = text.split("\n", 1)[0]
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
        "avip": not training and di.AVIP_NETWORK in (place.get("reseaux_porteurs") or []),
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
    return Item(
        line=line,
        key=ident,
        fields=fields,
        structure=structure,
        slots=_slots(either("horaires_accueil")),
        training=training_data,
        updated_at=datetime.combine(updated, time(12, 0)),
        import_source=di.IMPORT_PREFIX + source,
    )


# ---- EAJE (CAF-style list of crèches) ---------------------------------------------------------

#: Our name for each column → the header names accepted (lower-case, accents as typed).
EAJE_COLUMNS = {
    "identifiant": ("identifiant", "id", "numero", "n°", "code_etablissement"),
    "nom": ("nom", "nom_etablissement", "denomination", "dénomination"),
    "adresse": ("adresse", "adresse_etablissement"),
    "code_postal": ("code_postal", "cp", "codepostal"),
    "commune": ("commune", "ville", "libelle_commune"),
    "code_insee": ("code_insee", "insee", "code_commune", "depcom"),
    "places": ("places", "nombre_places", "nb_places", "capacite", "capacité"),
    "type_gestionnaire": ("type_gestionnaire", "type_de_gestionnaire", "gestion"),
    "gestionnaire": ("gestionnaire", "nom_gestionnaire"),
    "siret": ("siret", "siret_gestionnaire"),
    "type_accueil": ("type_accueil", "type", "type_etablissement", "type_d_accueil"),
    "telephone": ("telephone", "téléphone", "tel"),
    "courriel": ("courriel", "email", "mail"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng"),
    "horaires": ("horaires", "horaires_osm", "opening_hours"),
}
OPERATOR_KINDS = (
    (("commune", "municipal", "ccas", "mairie"), StructureKind.COMMUNE),
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


def _eaje_header(fieldnames: Iterable[str]) -> dict[str, str]:
    """Our column name → the file's header for it."""
    found = {}
    for header in fieldnames:
        wanted = header.strip().lower().replace(" ", "_")
        for ours, accepted in EAJE_COLUMNS.items():
            if wanted in accepted and ours not in found:
                found[ours] = header
    return found


def read_eaje(path: Path) -> ReadResult:
    rows = _csv_rows(_read_bytes(path), path.name)
    if not rows:
        return ReadResult([], [])
    columns = _eaje_header(rows[0][1].keys())
    missing = [c for c in ("identifiant", "nom") if c not in columns]
    if missing or ("code_insee" not in columns and "commune" not in columns):
        raise ImportFileError(
            f"{path.name} : colonnes obligatoires absentes "
            f"({', '.join(missing) or 'code_insee ou commune'}). "
            "Voir la correspondance des colonnes dans le README."
        )
    result = ReadResult([], [])
    for line, row in rows:
        value = {ours: (row.get(header) or "").strip() for ours, header in columns.items()}
        try:
            result.items.append(_eaje_item(line, value))
        except _Reject as reject:
            result.rejected.append(Rejection(line, reject.reason))
    return result


def _eaje_item(line: int, row: dict[str, str]) -> Item:
    key, name = _text(row.get("identifiant"), 200), _text(row.get("nom"), 200)
    if not key:
        raise _Reject("identifiant manquant.")
    if len(name) < 2:
        raise _Reject("nom manquant.")
    places_text = row.get("places", "")
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
    siret = _siret(row.get("siret"))
    operator = _text(row.get("gestionnaire"), 200) or name
    fields = {
        "kind": _kind_from_words(row.get("type_accueil", "") or name),
        "title": name,
        "address": _text(row.get("adresse"), 300),
        **_place(
            row.get("code_insee"),
            row.get("code_postal"),
            row.get("commune"),
            row.get("latitude"),
            row.get("longitude"),
        ),
        "capacity": int(places_text) if places_text else None,
        "contact_phone": _text(row.get("telephone"), 30),
        "contact_email": _text(row.get("courriel"), 254),
        "age_min_months": 0,
        "age_max_months": 48 if "halte" in row.get("type_accueil", "").lower() else 36,
    }
    structure = StructureData(
        key=siret or f"nom:{operator.lower()}", name=operator, kind=kind, siret=siret
    )
    return Item(
        line=line, key=key, fields=fields, structure=structure, slots=_slots(row.get("horaires"))
    )


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
}


def _import_source(fmt: str, item: Item) -> str:
    return item.import_source or fmt


def _structure(
    session: Session, fmt: str, data: StructureData, cache: dict[str, Structure]
) -> Structure:
    key = f"{fmt}|{data.key}"
    if key in cache:
        return cache[key]
    structure = None
    if data.siret:
        structure = session.scalar(select(Structure).where(Structure.siret == data.siret))
    if structure is None:
        structure = session.scalar(
            select(Structure).where(
                Structure.import_source == fmt, Structure.import_id == data.key[:200]
            )
        )
    if structure is None:
        structure = Structure(
            name=data.name,
            kind=data.kind,
            siret=data.siret,
            import_source=fmt,
            import_id=data.key[:200],
            source=f"Import {fmt}",
        )
        session.add(structure)
    cache[key] = structure
    return structure


def _differs(offer: Offer, item: Item) -> bool:
    if any(getattr(offer, name) != value for name, value in item.fields.items()):
        return True
    if {(s.weekday, s.opens, s.closes) for s in offer.slots} != {
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


def _write(offer: Offer, item: Item) -> None:
    for name, value in item.fields.items():
        setattr(offer, name, value)
    wanted = {(s.weekday, s.opens, s.closes) for s in item.slots}
    if {(s.weekday, s.opens, s.closes) for s in offer.slots} != wanted:
        offer.slots = [OpeningSlot(weekday=d, opens=o, closes=c) for d, o, c in sorted(wanted)]
    if item.training is not None:
        if offer.training is None:
            offer.training = Training(**item.training)
        else:
            for name, value in item.training.items():
                setattr(offer.training, name, value)
        if [(s.start, s.end) for s in offer.training.sessions] != item.sessions:
            offer.training.sessions = [TrainingSession(start=s, end=e) for s, e in item.sessions]
    if item.updated_at is not None:
        offer.updated_at = item.updated_at


def apply_items(
    session: Session, fmt: str, read: ReadResult, progress: Callable[[int], None] = lambda n: None
) -> ImportReport:
    """Upsert every item by (source, identifier), in the caller's transaction (not committed)."""
    report = ImportReport(skipped=read.skipped, rejected=list(read.rejected))
    seen: dict[tuple[str, str], int] = {}
    structures: dict[str, Structure] = {}
    for item in read.items:
        source = _import_source(fmt, item)
        if (source, item.key) in seen:
            report.rejected.append(
                Rejection(
                    item.line,
                    f"identifiant en double : {item.key} (déjà ligne {seen[source, item.key]}).",
                )
            )
            progress(1)
            continue
        seen[source, item.key] = item.line
        offer = session.scalar(
            select(Offer)
            .where(Offer.import_source == source, Offer.import_id == item.key)
            .options(
                selectinload(Offer.slots),
                selectinload(Offer.training).selectinload(Training.sessions),
            )
        )
        if offer is None:
            offer = Offer(
                import_source=source,
                import_id=item.key,
                status=OfferStatus.PUBLISHED,
                source=f"Import {fmt}",
            )
            offer.structure = _structure(session, source, item.structure, structures)
            _write(offer, item)
            session.add(offer)
            report.created += 1
        elif _differs(offer, item):
            _write(offer, item)
            report.updated += 1
        else:
            report.unchanged += 1
        session.flush()
        progress(1)
    return report
