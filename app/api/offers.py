"""The read API's wire format, without Flask: query parameters → :class:`OfferQuery` (every
parameter checked, one French message per parameter) and :class:`Offer` → JSON.

The criteria are those of ``/recherche`` (:class:`app.search.query.OfferCriteria`), under the
API's own parameter names; the search itself is :func:`app.search.query.find_offers`, the same
as the page's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.core.french import typography
from app.directory import hours
from app.directory.forms import DAY_CODES
from app.directory.models import (
    CERTIFICATION_LABELS,
    MODALITY_LABELS,
    OFFER_KIND_LABELS,
    Offer,
    OfferKind,
)
from app.directory.rules import avip_label_valid, is_stale, offer_slots
from app.geo import get_commune
from app.geo.lookup import MAX_QUERY_LENGTH, lookup_places
from app.search.query import SORT_DISTANCE, SORT_RELEVANCE, SORT_UPDATED, OfferCriteria

__all__ = [
    "MAX_PER_PAGE",
    "InvalidParameters",
    "OfferQuery",
    "communes_to_json",
    "offer_to_json",
    "parse_communes_query",
    "parse_offer_query",
]

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 1000
MAX_RADIUS_KM = 100
DEFAULT_RADIUS_KM = 10
MAX_TEXT = 200
TRUE = {"1", "true", "oui", "on", "yes"}
FALSE = {"0", "false", "non", "off", "no", ""}
SORTS = {"distance": SORT_DISTANCE, "pertinence": SORT_RELEVANCE, "mise_a_jour": SORT_UPDATED}
OFFER_PARAMETERS = (
    "q",
    "commune",
    "lat",
    "lon",
    "rayon_km",
    "types",
    "avip",
    "places_disponibles",
    "handicap",
    "age_mois",
    "jours",
    "heure_debut",
    "heure_fin",
    "tri",
    "page",
    "par_page",
)
_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


class InvalidParameters(ValueError):
    """``errors`` maps a parameter name to a French message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class OfferQuery:
    criteria: OfferCriteria
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    commune_code: str | None = None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass
class _Reader:
    args: Mapping[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    def text(self, name: str) -> str:
        return (self.args.get(name) or "").strip()

    def fail(self, name: str, message: str) -> None:
        self.errors[name] = typography(message)

    def boolean(self, name: str) -> bool:
        value = self.text(name).lower()
        if value in TRUE:
            return True
        if value not in FALSE:
            self.fail(name, "Indiquez true ou false.")
        return False

    def integer(self, name: str, low: int, high: int, default: int | None) -> int | None:
        value = self.text(name)
        if not value:
            return default
        if not re.fullmatch(r"\d{1,7}", value) or not low <= int(value) <= high:
            self.fail(name, f"Indiquez un nombre entier entre {low} et {high}.")
            return default
        return int(value)

    def number(self, name: str, low: float, high: float) -> float | None:
        value = self.text(name)
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or not low <= number <= high:
            self.fail(
                name,
                f"Indiquez un nombre entre {low:g} et {high:g}, avec un point pour les décimales.",
            )
            return None
        return number

    def listing(self, name: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
        value = self.text(name)
        if not value:
            return ()
        items = [item.strip() for item in value.split(",") if item.strip()]
        unknown = [item for item in items if item not in allowed]
        if unknown:
            self.fail(
                name,
                f"{what} inconnu : {', '.join(unknown)[:100]}. Valeurs possibles : {', '.join(allowed)}.",
            )
            return ()
        return tuple(dict.fromkeys(items))

    def time(self, name: str):
        value = self.text(name)
        if not value:
            return None
        if not re.fullmatch(r"\d{1,2}:\d{2}", value):
            self.fail(name, "Indiquez une heure au format HH:MM, par exemple 07:30.")
            return None
        try:
            return hours.parse_time(value)
        except ValueError as error:
            self.fail(name, str(error))
            return None


def parse_offer_query(args: Mapping[str, str], *, today: date) -> OfferQuery:
    """The search asked by ``GET /api/v1/offres``; :class:`InvalidParameters` listing every
    unusable parameter (unknown parameters included, so that typos are caught)."""
    r = _Reader(args)
    for name in args:
        if name not in OFFER_PARAMETERS:
            r.fail(name, "Paramètre inconnu : vérifiez son nom dans la documentation de l'API.")

    text = r.text("q")
    if len(text) > MAX_TEXT:
        r.fail("q", f"Les mots-clés sont trop longs ({MAX_TEXT} caractères au plus).")
        text = ""

    latitude = longitude = None
    code = r.text("commune") or None
    if code is not None:
        commune = get_commune(code) if _INSEE.match(code) else None
        if commune is None:
            r.fail(
                "commune",
                "Code commune INSEE inconnu (5 caractères, par exemple 83137 pour Toulon).",
            )
            code = None
        else:
            latitude, longitude = commune.latitude, commune.longitude
    lat, lon = r.number("lat", -90, 90), r.number("lon", -180, 180)
    if (lat is None) != (lon is None) and "lat" not in r.errors and "lon" not in r.errors:
        r.fail("lon" if lon is None else "lat", "Indiquez lat et lon ensemble.")
    elif lat is not None and lon is not None:
        if code is not None:
            r.fail("commune", "Indiquez soit une commune, soit lat et lon, pas les deux.")
        latitude, longitude = lat, lon
    radius = r.number("rayon_km", 0.1, MAX_RADIUS_KM)
    if radius is not None and latitude is None and "rayon_km" not in r.errors:
        r.fail("rayon_km", "Le rayon s'utilise avec une commune ou lat et lon.")

    kinds = r.listing("types", tuple(k.value for k in OfferKind), "Type d'offre")
    days = r.listing("jours", DAY_CODES, "Jour")
    start, end = r.time("heure_debut"), r.time("heure_fin")
    if "heure_debut" not in r.errors and "heure_fin" not in r.errors:
        if (start is None) != (end is None):
            r.fail(
                "heure_fin" if end is None else "heure_debut",
                "Indiquez heure_debut et heure_fin ensemble.",
            )
        elif start is not None and not days and "jours" not in r.errors:
            r.fail(
                "jours",
                "Indiquez les jours (par exemple lu,ma,me,je,ve) pour chercher selon des horaires.",
            )
        elif start is not None and start == end:
            r.fail("heure_fin", "L'heure de fin doit être différente de l'heure de début.")
    sort = r.text("tri")
    if sort and sort not in SORTS:
        r.fail("tri", "Choisissez distance, pertinence ou mise_a_jour.")

    criteria = OfferCriteria(
        text=text,
        kinds=kinds,
        avip=r.boolean("avip"),
        free_places=r.boolean("places_disponibles"),
        disability=r.boolean("handicap"),
        child_age_months=r.integer("age_mois", 0, 216, None),
        latitude=latitude,
        longitude=longitude,
        radius_km=(radius or DEFAULT_RADIUS_KM) if latitude is not None else None,
        days=tuple(DAY_CODES.index(d) for d in days) if start is not None else (),
        start=start,
        end=end,
        today=today,
        sort=SORTS.get(sort, ""),
    )
    page = r.integer("page", 1, MAX_PAGE, 1)
    per_page = r.integer("par_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE)
    if r.errors:
        raise InvalidParameters(r.errors)
    return OfferQuery(criteria=criteria, page=page, per_page=per_page, commune_code=code)


def parse_communes_query(args: Mapping[str, str]) -> tuple[str, int]:
    r = _Reader(args)
    for name in args:
        if name not in ("q", "limite"):
            r.fail(name, "Paramètre inconnu : vérifiez son nom dans la documentation de l'API.")
    text = r.text("q")
    if len(text) < 2 or len(text) > MAX_QUERY_LENGTH:
        r.fail(
            "q",
            f"Tapez de 2 à {MAX_QUERY_LENGTH} caractères : un nom, un code postal ou un code INSEE.",
        )
    limit = r.integer("limite", 1, 20, 10)
    if r.errors:
        raise InvalidParameters(r.errors)
    return text, limit


def communes_to_json(text: str, limit: int) -> list[dict[str, Any]]:
    return [
        {
            "code_insee": m.commune.code_insee,
            "nom": m.commune.name,
            "libelle": m.commune.label,
            "ancien_nom": m.alias,
            "departement": m.commune.departement_code,
            "codes_postaux": list(m.commune.postcodes),
            "latitude": m.commune.latitude,
            "longitude": m.commune.longitude,
        }
        for m in lookup_places(text, limit=limit)
    ]


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
            "adresse": offer.address,
            "code_postal": offer.postcode,
            "code_insee": offer.code_insee,
            "commune": offer.commune_name,
            "departement": offer.departement_code,
            "libelle_commune": commune.label if commune else offer.commune_name,
            "latitude": offer.latitude,
            "longitude": offer.longitude,
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
        "comment_candidater": offer.how_to_apply,
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
