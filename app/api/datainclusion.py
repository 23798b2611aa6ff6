"""Our offers in the data·inclusion schema v1 (structures and services), without Flask.

Mapping (see README, « Données ouvertes »):

* each published offer is one **structure** — the place where children are welcomed or the
  course is given (name, address, hours, SIRET of its operator, ``reseaux_porteurs`` =
  ``creches-avip`` while its AVIP label is valid) — and one **service** in it: thematique
  ``famille--garde-denfants`` (or ``se-former--trouver-sa-formation`` for a course), the kind of
  care as its name, publics, fees, hours in OSM ``opening_hours`` syntax, contact when public;
* identifiers: ``passerelle--offre-<id>`` (service) and ``passerelle--lieu-<id>`` (structure);
  a record that came from a data·inclusion file keeps its source, identifiers and
  ``lien_source``, so an export re-imported elsewhere exports the same records;
* ``lien_source`` is the offer's page on this site.

Fictitious demo offers are left out unless asked for.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.directory import hours
from app.directory.models import (
    CERTIFICATION_LABELS,
    OFFER_KIND_LABELS,
    Modality,
    Offer,
    OfferKind,
    OfferStatus,
    Training,
)
from app.directory.reach import how_to_apply, public_point, public_street, reach
from app.directory.rules import avip_label_valid, offer_slots

SOURCE = "passerelle"
IMPORT_PREFIX = "data-inclusion:"
CHILDCARE_THEME = "famille--garde-denfants"
TRAINING_THEMES = ("se-former--trouver-sa-formation",)
AVIP_NETWORK = "creches-avip"
AGES_PATTERN = re.compile(r"(\d+)\s*mois\s*à\s*(\d+)\s*mois")

#: Column order of the CSV files: the fields of the schema's models.
STRUCTURE_FIELDS = (
    "source",
    "id",
    "nom",
    "date_maj",
    "description",
    "lien_source",
    "siret",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "longitude",
    "latitude",
    "telephone",
    "courriel",
    "site_web",
    "horaires_accueil",
    "accessibilite_lieu",
    "reseaux_porteurs",
)
SERVICE_FIELDS = (
    "source",
    "structure_id",
    "id",
    "nom",
    "description",
    "lien_source",
    "date_maj",
    "type",
    "thematiques",
    "frais",
    "frais_precisions",
    "publics",
    "publics_precisions",
    "conditions_acces",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "longitude",
    "latitude",
    "telephone",
    "courriel",
    "modes_accueil",
    "zone_eligibilite",
    "contact_nom_prenom",
    "lien_mobilisation",
    "modes_mobilisation",
    "mobilisable_par",
    "mobilisation_precisions",
    "volume_horaire_hebdomadaire",
    "nombre_semaines",
    "horaires_accueil",
)
LIST_FIELDS = frozenset(
    {
        "reseaux_porteurs",
        "thematiques",
        "publics",
        "modes_accueil",
        "zone_eligibilite",
        "modes_mobilisation",
        "mobilisable_par",
    }
)
NUMBER_FIELDS = frozenset({"longitude", "latitude", "volume_horaire_hebdomadaire"})
INTEGER_FIELDS = frozenset({"nombre_semaines"})


@dataclass
class Export:
    structures: list[dict[str, Any]]
    services: list[dict[str, Any]]


# ---- identifiers --------------------------------------------------------------------------------


def imported_from_data_inclusion(offer: Offer) -> bool:
    return bool(
        offer.import_source and offer.import_source.startswith(IMPORT_PREFIX) and offer.import_id
    )


def record_source(offer: Offer) -> str:
    return (
        cast(str, offer.import_source).removeprefix(IMPORT_PREFIX)
        if imported_from_data_inclusion(offer)
        else SOURCE
    )


def service_id(offer: Offer) -> str:
    return (
        cast(str, offer.import_id)
        if imported_from_data_inclusion(offer)
        else f"{SOURCE}--offre-{offer.id}"
    )


def place_id(offer: Offer) -> str:
    if imported_from_data_inclusion(offer) and offer.import_place_id:
        return offer.import_place_id
    return f"{SOURCE}--lieu-{offer.id}"


# ---- field rules (shared with the import, so both read the same way) ---------------------------


def service_name(offer: Offer) -> str:
    if offer.kind is OfferKind.FORMATION and offer.training is not None:
        return _name(offer.training.certification_label)
    return OFFER_KIND_LABELS[offer.kind]


def default_description(kind_label: str, commune: str) -> str:
    return f"{kind_label} à {commune}."


def ages_text(offer: Offer) -> str:
    return f"Enfants âgés de {offer.age_min_months} mois à {offer.age_max_months} mois (exclu)."


def ages_from_text(text: str | None) -> tuple[int, int] | None:
    match = AGES_PATTERN.search(text or "")
    if not match:
        return None
    low, high = int(match.group(1)), int(match.group(2))
    return (low, high) if 0 <= low < high <= 216 else None


def _name(text: str) -> str:
    """3 to 150 characters, not ending with a full stop (the schema's rules)."""
    text = " ".join(text.split()).rstrip(".")[:150].rstrip(".")
    return text if len(text) >= 3 else f"{text} (Passerelle)"[:150]


def _url(text: str) -> str | None:
    text = (text or "").strip()
    return text if re.match(r"^https?://[^\s/]+\.[^\s]+$", text) else None


def _email(text: str) -> str | None:
    try:
        return validate_email(text, check_deliverability=False).normalized if text else None
    except EmailNotValidError:
        return None


def _or_none(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def _publics(offer: Offer, today: date) -> list[str]:
    if offer.kind is OfferKind.FORMATION:
        publics = {"demandeurs-emploi", "actifs"}
    else:
        publics = {"familles"}
        if avip_label_valid(offer, today):
            publics |= {"demandeurs-emploi", "beneficiaires-des-minimas-sociaux"}
    if offer.disability_access:
        publics.add("personnes-en-situation-de-handicap")
    return sorted(publics)


def _contact(offer: Offer) -> tuple[str | None, str | None, str | None]:
    if not offer.contact_public:
        return None, None, None
    return _or_none(offer.contact_phone), _email(offer.contact_email), _or_none(offer.contact_name)


def _address(offer: Offer) -> dict[str, Any]:
    return {
        "commune": offer.commune_name,
        "code_postal": offer.postcode if re.fullmatch(r"\d{5}", offer.postcode or "") else None,
        "code_insee": offer.code_insee,
        "adresse": _or_none(public_street(offer)),
        "complement_adresse": None,
        "longitude": public_point(offer)[1],
        "latitude": public_point(offer)[0],
    }


def _horaires(offer: Offer) -> str | None:
    return hours.to_osm(offer_slots(offer)) or None


# ---- records -------------------------------------------------------------------------------------


def structure_record(offer: Offer, *, page_url: str, today: date) -> dict[str, Any]:
    phone, email, _ = _contact(offer)
    return {
        "source": record_source(offer),
        "id": place_id(offer),
        "nom": _name(offer.title),
        "date_maj": offer.updated_at.date().isoformat(),
        "description": None,
        "lien_source": offer.import_url if imported_from_data_inclusion(offer) else page_url,
        "siret": offer.structure.siret if offer.structure and offer.structure.siret else None,
        **_address(offer),
        "telephone": phone,
        "courriel": email,
        "site_web": _url(offer.website),
        "horaires_accueil": _horaires(offer),
        "accessibilite_lieu": None,
        "reseaux_porteurs": [AVIP_NETWORK] if avip_label_valid(offer, today) else None,
    }


def service_record(offer: Offer, *, page_url: str, today: date) -> dict[str, Any]:
    phone, email, contact_name = _contact(offer)
    training = offer.kind is OfferKind.FORMATION
    name = service_name(offer)
    modes = sorted(
        mode
        for mode, present in (
            ("telephoner", phone),
            ("envoyer-un-courriel", email),
            ("se-presenter", _or_none(public_street(offer))),
        )
        if present
    )
    distance = (
        training and offer.training is not None and offer.training.modality is Modality.DISTANCE
    )
    return {
        "source": record_source(offer),
        "structure_id": place_id(offer),
        "id": service_id(offer),
        "nom": name,
        "description": (offer.description or "").strip()[:10000]
        or default_description(name, offer.commune_name),
        "lien_source": offer.import_url if imported_from_data_inclusion(offer) else page_url,
        "date_maj": offer.updated_at.date().isoformat(),
        "type": "formation" if training else "accompagnement",
        "thematiques": list(TRAINING_THEMES) if training else [CHILDCARE_THEME],
        "frais": None if training else "payant",
        "frais_precisions": _or_none(offer.cost_info),
        "publics": _publics(offer, today),
        "publics_precisions": None if training else ages_text(offer),
        "conditions_acces": None,
        **_address(offer),
        "telephone": phone,
        "courriel": email,
        "modes_accueil": ["a-distance"] if distance else ["en-presentiel"],
        "zone_eligibilite": None,
        "contact_nom_prenom": contact_name,
        "lien_mobilisation": _url(offer.website),
        "modes_mobilisation": modes or None,
        "mobilisable_par": ["professionnels", "usagers"],
        "mobilisation_precisions": _or_none(how_to_apply(offer, reach(offer))),
        "volume_horaire_hebdomadaire": None,
        "nombre_semaines": None,
        "horaires_accueil": _horaires(offer),
    }


def exported_offers(session: Session, today: date, *, include_demo: bool = False) -> list[Offer]:
    """Published offers still valid today, by id."""
    query = (
        select(Offer)
        .where(Offer.status == OfferStatus.PUBLISHED)
        .where(or_(Offer.valid_until.is_(None), Offer.valid_until >= today))
        .options(
            selectinload(Offer.slots),
            selectinload(Offer.structure),
            selectinload(Offer.training).selectinload(Training.sessions),
        )
        .order_by(Offer.id)
    )
    if not include_demo:
        query = query.where(Offer.is_demo.is_(False))
    return list(session.execute(query).scalars())


def build_export(offers: Iterable[Offer], *, page_url, today: date) -> Export:
    """``page_url(offer_id)`` gives the public address of an offer's page."""
    structures, services = [], []
    for offer in offers:
        url = page_url(offer.id)
        structures.append(structure_record(offer, page_url=url, today=today))
        services.append(service_record(offer, page_url=url, today=today))
    return Export(
        structures=sorted(structures, key=lambda r: (r["source"], r["id"])),
        services=sorted(services, key=lambda r: (r["source"], r["id"])),
    )


# ---- files --------------------------------------------------------------------------------------


def to_json(records: list[dict[str, Any]]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return ",".join(sorted(value))
    return str(value)


def to_csv(records: list[dict[str, Any]], fields: tuple[str, ...]) -> str:
    """Comma-separated, UTF-8, a header row; list fields as values joined by commas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    for record in records:
        writer.writerow([_cell(record.get(name)) for name in fields])
    return out.getvalue()


def write_files(export: Export, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, records, fields in (
        ("structures", export.structures, STRUCTURE_FIELDS),
        ("services", export.services, SERVICE_FIELDS),
    ):
        for suffix, text in ((".json", to_json(records)), (".csv", to_csv(records, fields))):
            path = folder / f"{name}{suffix}"
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def record_from_csv_row(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row back to a record (empty cell → None, lists split, numbers parsed)."""
    record: dict[str, Any] = {}
    for name, raw in row.items():
        if name is None:
            continue
        value = (raw or "").strip()
        if not value:
            record[name] = None
        elif name in LIST_FIELDS:
            record[name] = [item.strip() for item in value.split(",") if item.strip()]
        elif name in NUMBER_FIELDS:
            try:
                record[name] = float(value)
            except ValueError:
                record[name] = value
        elif name in INTEGER_FIELDS:
            record[name] = int(value) if value.isdigit() else value
        else:
            record[name] = value
    return record


def certification_from_name(name: str):
    """The certification whose label is ``name`` (what :func:`service_name` writes), or None."""
    for certification, label in CERTIFICATION_LABELS.items():
        if label == name:
            return certification
    return None
