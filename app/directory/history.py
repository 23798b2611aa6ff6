"""The offer's history, as the people who read it see it: each change is recorded with who
made it, when, and every changed field as the text a person reads (before, after).

The back office (:mod:`app.management`) and the AVIP decisions (:mod:`app.moderation`) record
through :func:`record_change`, in the session (so the transaction) of the change itself."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from sqlalchemy.orm import Session

from app.core.french import NBSP
from app.db import utcnow
from app.directory import hours
from app.directory.models import (
    CERTIFICATION_LABELS,
    FUNDING_LABELS,
    MODALITY_LABELS,
    OFFER_KIND_LABELS,
    OFFER_STATUS_LABELS,
    Offer,
    OfferChange,
)
from app.directory.rules import offer_slots


class Author(Protocol):
    """Whoever made a change: an account (only its id is recorded)."""

    id: int


FIELD_LABELS = {
    "structure": "Structure",
    "kind": "Type d’offre",
    "status": "Statut",
    "title": "Nom de l’offre",
    "description": "Description",
    "address": "Adresse",
    "postcode": "Code postal",
    "commune": "Commune",
    "contact_name": "Nom du contact",
    "contact_phone": "Téléphone",
    "contact_email": "Courriel",
    "website": "Site internet",
    "contact_public": "Coordonnées visibles par les parents",
    "online_requests": "Demandes de place en ligne",
    "how_to_apply": "Comment candidater",
    "age_min_months": "Âge minimum (mois)",
    "age_max_months": "Âge maximum (mois)",
    "capacity": "Capacité",
    "free_places": "Places disponibles",
    "free_places_on": "Places disponibles au",
    "cost_info": "Coût",
    "psu_pricing": "Barème national de la Caf (PSU)",
    "disability_access": "Accueil adapté au handicap",
    "disability_info": "Précisions sur le handicap",
    "valid_from": "Début de l’accueil",
    "valid_until": "Fin de l’accueil",
    "hours": "Horaires",
    "closures": "Fermetures",
    "certification": "Diplôme ou titre",
    "certification_name": "Intitulé exact",
    "rncp_code": "Code RNCP ou RS",
    "level": "Niveau",
    "training_hours": "Durée (heures)",
    "modality": "Modalité",
    "funding": "Financements",
    "vae_possible": "VAE possible",
    "open_to_iae": "Ouverte aux salariés en insertion",
    "organisation_uai": "Code UAI",
    "sessions": "Sessions",
    "avip": "Label AVIP",
    "avip_places": "Places AVIP",
    "avip_since": "AVIP depuis",
    "avip_review_on": "AVIP à revoir le",
}


ACTION_LABELS = {
    "created": "Création",
    "updated": "Modification",
    "hours": "Horaires modifiés",
    "places": "Places disponibles mises à jour",
    "published": "Publication",
    "unpublished": "Retrait de l’annuaire",
    "archived": "Archivage",
    "confirmed": "Vérifiée, rien n’a changé",
    "avip_granted": "Label AVIP accordé",
    "avip_withdrawn": "Label AVIP retiré",
}


def history_text(value) -> str:
    """A value as the offer history shows it: « oui »/« non », dd/mm/yyyy, or its text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def hours_text(slots) -> str:
    """« lundi 7 h 00 – 19 h 00 ; samedi 21 h 00 – 6 h 00 (lendemain) », « aucun horaire »."""
    table = hours.weekly_table(slots)
    parts = [f"{day} {', '.join(ranges)}" for day, ranges in table if ranges]
    return " ; ".join(parts) if parts else "aucun horaire"


def closures_text(closures) -> str:
    parts = []
    for c in sorted(closures, key=lambda c: (c.start, c.end, c.reason)):
        text = f"du {c.start:%d/%m/%Y} au {c.end:%d/%m/%Y}"
        parts.append(f"{text} ({c.reason})" if c.reason else text)
    return " ; ".join(parts)


def sessions_text(sessions) -> str:
    parts = []
    for s in sorted(sessions, key=lambda s: (s.start, s.end or s.start)):
        text = f"à partir du {s.start:%d/%m/%Y}"
        if s.end:
            text = f"du {s.start:%d/%m/%Y} au {s.end:%d/%m/%Y}"
        if s.places is not None:
            text += f", {s.places}{NBSP}places"
        if s.application_deadline:
            text += f", candidature avant le {s.application_deadline:%d/%m/%Y}"
        parts.append(text)
    return " ; ".join(parts)


def snapshot(offer: Offer) -> dict[str, str]:
    """What the history compares: each field as the text a person reads."""
    o = offer
    values = {
        "structure": o.structure.name if o.structure else "",
        "kind": OFFER_KIND_LABELS.get(o.kind, history_text(o.kind)),
        "status": OFFER_STATUS_LABELS.get(o.status, history_text(o.status)),
        "title": o.title,
        "description": o.description,
        "address": o.address,
        "postcode": o.postcode,
        "commune": f"{o.commune_name} ({o.code_insee})" if o.code_insee else "",
        "contact_name": o.contact_name,
        "contact_phone": o.contact_phone,
        "contact_email": o.contact_email,
        "website": o.website,
        "contact_public": o.contact_public,
        "online_requests": o.online_requests,
        "how_to_apply": o.how_to_apply,
        "age_min_months": o.age_min_months,
        "age_max_months": o.age_max_months,
        "capacity": o.capacity,
        "free_places": o.free_places,
        "free_places_on": o.free_places_on,
        "cost_info": o.cost_info,
        "psu_pricing": o.psu_pricing,
        "disability_access": o.disability_access,
        "disability_info": o.disability_info,
        "valid_from": o.valid_from,
        "valid_until": o.valid_until,
        "hours": hours_text(offer_slots(o)),
        "closures": closures_text(o.closures),
    }
    t = o.training
    if t is not None:
        values.update(
            certification=CERTIFICATION_LABELS.get(t.certification, history_text(t.certification)),
            certification_name=t.certification_name,
            rncp_code=t.rncp_code,
            level=t.level,
            training_hours=t.hours,
            modality=MODALITY_LABELS.get(t.modality, history_text(t.modality)),
            funding=", ".join(FUNDING_LABELS.get(f, f) for f in t.funding or []),
            vae_possible=t.vae_possible,
            open_to_iae=t.open_to_iae,
            organisation_uai=t.organisation_uai,
            sessions=sessions_text(t.sessions),
        )
    return {key: history_text(value) for key, value in values.items()}


def diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    """field → [before, after] for the fields that differ (in the order of ``FIELD_LABELS``)."""
    keys = list(dict.fromkeys([*after, *before]))
    return {
        k: [before.get(k, ""), after.get(k, "")]
        for k in keys
        if before.get(k, "") != after.get(k, "")
    }


def record_change(
    session: Session, offer: Offer, user: Author | None, action: str, changes: dict | None = None
) -> OfferChange:
    """One line of history, added to the session of the change itself (same transaction)."""
    if offer.id is None:
        session.flush()
    change = OfferChange(
        offer_id=offer.id,
        user_id=user.id if user else None,
        at=utcnow(),
        action=action,
        changes=changes or {},
    )
    session.add(change)
    return change
