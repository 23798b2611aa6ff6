"""The read API's wire format, without Flask: query parameters → :class:`SearchCriteria` (every
parameter checked, one French message per parameter) and :class:`Offer` → JSON.

The criteria are those of ``/recherche``, read by the same parser
(:func:`app.directory.criteria.parse_criteria`) under the API's own parameter names; the search
itself is :func:`app.search.services.search_directory`, the same as the page's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.directory import hours
from app.directory.criteria import (
    API,
    DAY_CODES,
    INTEGER_MESSAGE,
    UNKNOWN_PARAMETER,
    QueryArgs,
    QueryReader,
    SearchCriteria,
    Spelling,
    parse_criteria,
)
from app.directory.models import (
    CERTIFICATION_LABELS,
    MODALITY_LABELS,
    OFFER_KIND_LABELS,
    Offer,
    OfferKind,
)
from app.directory.reach import how_to_apply, public_point, public_street, reach
from app.directory.rules import avip_label_valid, is_stale, offer_slots
from app.geo import get_commune, lookup_places, place_to_json
from app.geo.lookup import MAX_QUERY_LENGTH

__all__ = [
    "InvalidParameters",
    "communes_to_json",
    "offer_to_json",
    "parse_communes_query",
    "parse_offer_query",
]

# Offer ids are 32-bit integers in the database: a larger one is no offer (and not an overflow).
MAX_OFFER_ID = 2**31 - 1

COMMUNES_QUERY = Spelling(
    names={"text": "q", "limit": "limite"},
    messages={
        "unknown_parameter": UNKNOWN_PARAMETER,
        "text": (
            f"Tapez de 2 à {MAX_QUERY_LENGTH} caractères : un nom, un code postal ou un code INSEE."
        ),
        "limit": INTEGER_MESSAGE,
        "empty": "Valeur vide : indiquez une valeur ou omettez ce paramètre.",
    },
    comma_lists=True,
    from_lists=False,
    strict=True,
)


class InvalidParameters(ValueError):
    """``errors`` maps a parameter name to a French message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def parse_offer_query(args: QueryArgs) -> SearchCriteria:
    """The search asked by ``GET /api/v1/offres``; :class:`InvalidParameters` listing every
    unusable parameter (unknown parameters included, so that typos are caught)."""
    parsed = parse_criteria(args, API)
    if parsed.errors:
        raise InvalidParameters(parsed.errors)
    return parsed.criteria


def parse_communes_query(args: QueryArgs) -> tuple[str, int]:
    r = QueryReader(args, COMMUNES_QUERY)
    r.refuse_unknown()
    r.refuse_empty("text")
    text = r.text("text")
    if not 2 <= len(text) <= MAX_QUERY_LENGTH:
        r.fail("text", "text")
    limit = r.integer("limit", 1, 20, 10) or 10
    if r.errors:
        raise InvalidParameters(r.errors)
    return text, limit


def communes_to_json(text: str, limit: int) -> list[dict[str, Any]]:
    return [place_to_json(match) for match in lookup_places(text, limit=limit)]


# ---- output -------------------------------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def offer_to_json(
    offer: Offer, *, distance_km: float | None, today: date, page_url: str
) -> dict[str, Any]:
    """One offer as the API shows it; the contact only when it may be public."""
    slots = offer_slots(offer)

    training = offer.training if offer.kind is OfferKind.FORMATION else None
    commune = get_commune(offer.code_insee)
    return {
        "id": offer.id,
        "titre": offer.title,
        "type": offer.kind.value,
        "type_libelle": OFFER_KIND_LABELS[offer.kind],
        "description": offer.description,
        "structure": {"id": offer.structure.id, "nom": offer.structure.name},
        "adresse": {
            "adresse": public_street(offer),
            "code_postal": offer.postcode,
            "code_insee": offer.code_insee,
            "commune": offer.commune_name,
            "departement": offer.departement_code,
            "libelle_commune": commune.label if commune else offer.commune_name,
            "latitude": public_point(offer)[0],
            "longitude": public_point(offer)[1],
        },
        "distance_km": round(distance_km, 2) if distance_km is not None else None,
        "avip": avip_label_valid(offer, today),
        "places_avip": offer.avip_places if avip_label_valid(offer, today) else None,
        "capacite": offer.capacity,
        "places_disponibles": offer.free_places,
        "places_disponibles_le": _iso(offer.free_places_on),
        "age_min_mois": offer.age_min_months,
        "age_max_mois": offer.age_max_months,
        "horaires": hours.to_osm(slots),
        "creneaux": [
            {
                "jour": DAY_CODES[s.weekday],
                "ouverture": s.opens.strftime("%H:%M"),
                "fermeture": s.closes.strftime("%H:%M"),
            }
            for s in sorted(set(slots))
        ],
        "fermetures": [
            {"debut": c.start.isoformat(), "fin": c.end.isoformat(), "motif": c.reason}
            for c in offer.closures
        ],
        "contact": {
            "nom": offer.contact_name,
            "telephone": offer.contact_phone,
            "courriel": offer.contact_email,
            "site_web": offer.website,
        }
        if offer.contact_public
        else None,
        "comment_candidater": how_to_apply(offer, reach(offer)),
        "tarifs": offer.cost_info,
        "tarification_psu": offer.psu_pricing,
        "accueil_handicap": offer.disability_access,
        "valide_du": _iso(offer.valid_from),
        "valide_jusqu_au": _iso(offer.valid_until),
        "mis_a_jour_le": offer.updated_at.date().isoformat(),
        "a_verifier": is_stale(offer.updated_at, today),
        "donnees_de_demonstration": offer.is_demo,
        "url": page_url,
        "formation": {
            "certification": training.certification.value,
            "libelle": training.certification_name or CERTIFICATION_LABELS[training.certification],
            "code_rncp": training.rncp_code,
            "niveau": training.level,
            "heures": training.hours,
            "modalite": training.modality.value,
            "modalite_libelle": MODALITY_LABELS[training.modality],
            "financements": list(training.funding or []),
            "vae_possible": training.vae_possible,
            "ouverte_iae": training.open_to_iae,
            "sessions": [
                {
                    "debut": s.start.isoformat(),
                    "fin": _iso(s.end),
                    "places": s.places,
                    "date_limite_candidature": _iso(s.application_deadline),
                }
                for s in training.sessions
            ],
        }
        if training is not None
        else None,
    }
