"""The criteria of a job-exchange search, parsed once from the page's parameters (no Flask):
``lieu`` (a commune name, postcode or INSEE code, read as ``/recherche`` reads it), ``rayon``
(km), ``metier`` (a ROME 4.0 or v3 code), ``contrat`` (a contract kind), ``immersion=1`` (only
needs welcoming PMSMP immersions), ``heures`` (at most this many hours a week),
``departement`` (a code: the API's filter) and ``page``.
A wrong value is reported in French next to its field, shown back as typed, and the other
criteria still apply."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.geo.communes import Commune, get_departement
from app.geo.lookup import PlaceMatch, resolve_place
from app.jobs import rome
from app.jobs.models import ContractKind

RADII = (5, 10, 20, 30, 50, 100)
DEFAULT_RADIUS_KM = 20
MAX_HOURS = 48  # the legal weekly maximum (art. L.3121-20 code du travail)
MAX_PAGE = 200
TRUE = {"1", "oui", "on", "true"}
FALSE = {"", "0", "non", "off", "false"}
PLACE_LENGTH = 120


@dataclass(frozen=True)
class JobCriteria:
    place: str = ""
    commune: Commune | None = None
    radius_km: int = DEFAULT_RADIUS_KM
    metier: str = ""
    rome_codes: tuple[str, ...] | None = None  # None: every job
    contract: str = ""
    immersion: bool = False
    hours_max: int | None = None
    departement: str = ""
    page: int = 1

    @property
    def searched(self) -> bool:
        return bool(
            self.commune
            or self.rome_codes
            or self.contract
            or self.immersion
            or self.hours_max
            or self.departement
        )


@dataclass
class ParsedJobCriteria:
    criteria: JobCriteria
    errors: dict[str, str] = field(default_factory=dict)
    suggestions: list[PlaceMatch] = field(default_factory=list)


def _text(args: Mapping[str, str], name: str, limit: int = 120) -> str:
    value = args.get(name, "")
    return value.strip()[:limit] if isinstance(value, str) else ""


def parse(args: Mapping[str, str]) -> ParsedJobCriteria:
    errors: dict[str, str] = {}
    suggestions: list[PlaceMatch] = []
    place = _text(args, "lieu", 1000)
    commune = None
    if len(place) > PLACE_LENGTH:
        errors["lieu"] = f"{PLACE_LENGTH} caractères au plus."
        place = place[:PLACE_LENGTH]
    elif place:
        resolution = resolve_place(place)
        commune = resolution.commune
        if commune is None:
            errors["lieu"] = resolution.message or "Commune introuvable."
            suggestions = resolution.suggestions
    radius = DEFAULT_RADIUS_KM
    radius_text = _text(args, "rayon", 10)
    if radius_text:
        if radius_text.isdigit() and int(radius_text) in RADII:
            radius = int(radius_text)
        else:
            errors["rayon"] = f"Choisissez une distance parmi {', '.join(map(str, RADII))} km."
    metier = _text(args, "metier", 10).upper()
    codes = None
    if metier:
        codes = rome.codes_for(metier)
        if codes is None:
            errors["metier"] = "Choisissez un métier de la liste (code ROME, par exemple K1303)."
    contract = _text(args, "contrat", 30)
    if contract and contract not in {c.value for c in ContractKind}:
        errors["contrat"] = "Choisissez un type de contrat de la liste."
        contract = ""
    hours_text = _text(args, "heures", 10)
    hours_max = None
    if hours_text:
        if hours_text.isdigit() and 1 <= int(hours_text) <= MAX_HOURS:
            hours_max = int(hours_text)
        else:
            errors["heures"] = f"Indiquez un nombre d’heures entre 1 et {MAX_HOURS}."
    immersion = _text(args, "immersion", 10).lower()
    if immersion not in TRUE | FALSE:
        errors["immersion"] = "Cochez la case, ou laissez-la vide."
    departement = _text(args, "departement", 5).upper()
    if departement and get_departement(departement) is None:
        errors["departement"] = "Indiquez un code de département, par exemple 83 ou 2A."
        departement = ""
    page_text = _text(args, "page", 6)
    page = 1
    if page_text:
        if page_text.isdigit() and 1 <= int(page_text) <= MAX_PAGE:
            page = int(page_text)
        else:
            errors["page"] = f"Indiquez une page entre 1 et {MAX_PAGE}."
    return ParsedJobCriteria(
        JobCriteria(
            place=place,
            commune=commune,
            radius_km=radius,
            metier=metier,
            rome_codes=codes,
            contract=contract,
            immersion=immersion in TRUE,
            hours_max=hours_max,
            departement=departement,
            page=page,
        ),
        errors,
        suggestions,
    )
