"""Search criteria: one object, one parser, one table of limits (no Flask).

``/recherche`` and the partner widget write a search with the page's parameters (``lieu``,
``rayon``, ``type``…); ``GET /api/v1/offres`` with the API's (``commune``, ``rayon_km``,
``types``…). :func:`parse_criteria` reads both into one :class:`SearchCriteria`: a
:class:`Spelling` names the parameters, says how lists, yes/no and hours are written, and words
each problem, for a person (next to a field) or for a developer (in a 422).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Protocol

from app.core.french import typography
from app.directory import hours
from app.directory.models import CHILDCARE_KINDS, Funding, OfferKind
from app.directory.training import TrainingFilters
from app.geo import get_commune

DAY_CODES = ("lu", "ma", "me", "je", "ve", "sa", "di")
DAY_LABELS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
SORTS = ("distance", "pertinence", "mise_a_jour")
KINDS = tuple(k.value for k in OfferKind)
FUNDINGS = tuple(f.value for f in Funding)
TRAINING_KIND = OfferKind.FORMATION.value
#: What a search with no kind ticked looks for: the modes of care. A parent looking for childcare
#: is not shown training courses unless she ticks « Formation » (or follows « Se former »).
DEFAULT_KINDS = tuple(k.value for k in CHILDCARE_KINDS)
INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
TRUE = {"1", "true", "oui", "on", "yes"}
FALSE = {"0", "false", "non", "off", "no", ""}


@dataclass(frozen=True)
class Limits:
    """Every bound of a search. The page offers radii and ages from a list; the API takes any
    value in a range: both are stated here, and each spelling says which it reads."""

    place_length: int = 120
    text_length: int = 200
    radius_choices: tuple[int, ...] = (1, 2, 3, 5, 10, 20, 30)  # km, the page's list
    radius_range: tuple[float, float] = (0.1, 100)  # km, the API
    default_radius_km: int = 10
    age_choices: tuple[int, ...] = (0, 12, 24, 36, 48, 72)  # months, the page's list
    age_range: tuple[int, int] = (0, 216)  # months, the API
    max_page: int = 1000
    default_per_page: int = 20  # the API's; the page uses the PAGE_SIZE setting
    max_per_page: int = 100
    session_month_choices: tuple[int, ...] = (1, 3, 6, 12)  # the page's list
    session_month_range: tuple[int, int] = (1, 24)  # the API


LIMITS = Limits()


@dataclass(frozen=True)
class SearchCriteria:
    """What a search asks. ``place``/``code_insee`` are still to be resolved (the page); a
    point (``latitude``, ``longitude``) is already known (the API's commune or lat/lon)."""

    text: str = ""
    place: str = ""
    code_insee: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float = LIMITS.default_radius_km
    kinds: tuple[str, ...] = ()
    avip: bool = False
    free_places: bool = False
    disability: bool = False
    child_age_months: int | None = None
    days: tuple[int, ...] = ()
    start: time | None = None
    end: time | None = None
    sort: str = ""
    departement: str | None = None
    page: int = 1
    per_page: int | None = None  # None: the site's page size
    #: What a course must offer (funding accepted, VAE, open without a diploma, a session
    #: soon): only courses are searched when one is asked.
    training: TrainingFilters = field(default_factory=TrainingFilters)

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return self.latitude, self.longitude

    @property
    def searched_kinds(self) -> tuple[str, ...]:
        """The kinds of offer searched: those asked, else every mode of care (no training);
        only courses when a course filter is asked."""
        if self.training.active:
            return (TRAINING_KIND,)
        return self.kinds or DEFAULT_KINDS

    @property
    def hours_needed(self) -> tuple[time, time] | None:
        if not self.days or self.start is None or self.end is None:
            return None
        return self.start, self.end


@dataclass(frozen=True)
class ParsedCriteria:
    criteria: SearchCriteria
    errors: dict[str, str] = field(default_factory=dict)  # parameter name → French message


@dataclass(frozen=True)
class Spelling:
    """How one audience writes a search. ``names`` maps a criterion to its parameter (absent:
    not read); ``messages`` words each problem. ``strict`` (the API): yes/no written true or
    false, hours HH:MM, unknown parameters refused, a radius only with a point."""

    names: Mapping[str, str]
    messages: Mapping[str, str]
    comma_lists: bool  # « types=a,b » (else « type=a&type=b »)
    from_lists: bool  # radius and age among the page's choices (else any value in range)
    strict: bool

    def param(self, criterion: str) -> str:
        return self.names[criterion]


PAGE = Spelling(
    names={
        "place": "lieu",
        "code_insee": "code_insee",
        "radius": "rayon",
        "kinds": "type",
        "avip": "avip",
        "free_places": "places",
        "disability": "handicap",
        "age": "age",
        "days": "jours",
        "start": "de",
        "end": "a",
        "text": "q",
        "sort": "tri",
        "page": "page",
        "funding": "financement",
        "vae": "vae",
        "without_diploma": "sans_diplome",
        "session_months": "session_mois",
    },
    messages={
        "place_too_long": "Le lieu est trop long ({max} caractères au plus).",
        "bad_code": "Code commune invalide.",
        "radius": "Choisissez un rayon parmi {choices} km.",
        "kinds": "Type de garde inconnu : {unknown}. Cochez un type dans la liste.",
        "days": "Jour inconnu : {unknown}. Cochez des jours dans la liste.",
        "age": "Choisissez un âge dans la liste.",
        "hours_pair": "Indiquez aussi cette heure pour chercher selon vos horaires.",
        "hours_days": "Cochez au moins un jour pour chercher selon vos horaires.",
        "hours_same": "L’heure de fin doit être différente de l’heure de début.",
        "text_too_long": "Les mots-clés sont trop longs ({max} caractères au plus).",
        "sort": "Choisissez un ordre de tri dans la liste.",
        "page": "Numéro de page invalide : choisissez une page entre 1 et {high}.",
        "funding": "Financement inconnu : {unknown}. Cochez un financement dans la liste.",
        "session_months": "Choisissez un délai parmi {choices} mois.",
    },
    comma_lists=False,
    from_lists=True,
    strict=False,
)

UNKNOWN_PARAMETER = "Paramètre inconnu : vérifiez son nom dans la documentation de l'API."
INTEGER_MESSAGE = "Indiquez un nombre entier entre {low} et {high}."
API = Spelling(
    names={
        "text": "q",
        "code_insee": "commune",
        "latitude": "lat",
        "longitude": "lon",
        "radius": "rayon_km",
        "kinds": "types",
        "avip": "avip",
        "free_places": "places_disponibles",
        "disability": "handicap",
        "age": "age_mois",
        "days": "jours",
        "start": "heure_debut",
        "end": "heure_fin",
        "sort": "tri",
        "page": "page",
        "per_page": "par_page",
        "funding": "financements",
        "vae": "vae",
        "without_diploma": "sans_diplome",
        "session_months": "session_mois",
    },
    messages={
        "unknown_parameter": UNKNOWN_PARAMETER,
        "empty": "Valeur vide : indiquez une valeur ou omettez ce paramètre.",
        "text_too_long": "Les mots-clés sont trop longs ({max} caractères au plus).",
        "bad_code": "Code commune INSEE inconnu (5 caractères, par exemple 83137 pour Toulon).",
        "number": "Indiquez un nombre entre {low:g} et {high:g}, avec un point pour les décimales.",
        "point_pair": "Indiquez lat et lon ensemble.",
        "point_twice": "Indiquez soit une commune, soit lat et lon, pas les deux.",
        "radius": "Indiquez un nombre entre {low:g} et {high:g}, avec un point pour les décimales.",
        "radius_alone": "Le rayon s'utilise avec une commune ou lat et lon.",
        "kinds": "Type d'offre inconnu : {unknown}. Valeurs possibles : {allowed}.",
        "days": "Jour inconnu : {unknown}. Valeurs possibles : {allowed}.",
        "flag": "Indiquez true ou false.",
        "age": INTEGER_MESSAGE,
        "time_format": "Indiquez une heure au format HH:MM, par exemple 07:30.",
        "hours_pair": "Indiquez heure_debut et heure_fin ensemble.",
        "hours_days": (
            "Indiquez les jours (par exemple lu,ma,me,je,ve) pour chercher selon des horaires."
        ),
        "hours_same": "L'heure de fin doit être différente de l'heure de début.",
        "sort": "Choisissez distance, pertinence ou mise_a_jour.",
        "page": INTEGER_MESSAGE,
        "per_page": INTEGER_MESSAGE,
        "funding": "Financement inconnu : {unknown}. Valeurs possibles : {allowed}.",
        "session_months": INTEGER_MESSAGE,
    },
    comma_lists=True,
    from_lists=False,
    strict=True,
)


class QueryArgs(Protocol):
    """A request's query arguments (werkzeug's MultiDict)."""

    def __iter__(self): ...

    def getlist(self, key: str) -> list[str]: ...


class QueryReader:
    """The arguments read under one spelling, and the problems found (one per parameter)."""

    def __init__(self, args: QueryArgs, spelling: Spelling) -> None:
        self.args, self.spelling = args, spelling
        self.errors: dict[str, str] = {}

    def refuse_unknown(self) -> None:
        known = set(self.spelling.names.values())
        for name in self.args:
            if name not in known:
                self.fail_param(name, "unknown_parameter")

    def refuse_empty(self, *free_text: str) -> None:
        """A parameter sent empty (``heure_fin=``) is refused as any value its documented format
        does not match, except the free-text ones (the keywords)."""
        for criterion, name in self.spelling.names.items():
            if criterion not in free_text and any(not v.strip() for v in self.args.getlist(name)):
                self.fail_param(name, "empty")

    def raw(self, criterion: str) -> str | None:
        """The first value as sent, None when the parameter is absent (or not in the spelling)."""
        name = self.spelling.names.get(criterion)
        values = self.args.getlist(name) if name else []
        return values[0] if values else None

    def text(self, criterion: str) -> str:
        return (self.raw(criterion) or "").strip()

    def failed(self, criterion: str) -> bool:
        return self.spelling.names.get(criterion) in self.errors

    def fail(self, criterion: str, problem: str, **values) -> None:
        self.fail_param(self.spelling.param(criterion), problem, **values)

    def fail_param(self, name: str, problem: str, **values) -> None:
        self.note(name, self.spelling.messages[problem].format(**values))

    def note(self, name: str, message: str) -> None:
        self.errors[name] = typography(message) if self.spelling.strict else message

    def flag(self, criterion: str) -> bool:
        if not self.spelling.strict:
            return bool(self.raw(criterion))  # a ticked box sends a value
        value = self.text(criterion).lower()
        if value not in TRUE | FALSE:
            self.fail(criterion, "flag")
        return value in TRUE

    def listing(self, criterion: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        name = self.spelling.names[criterion]
        if self.spelling.comma_lists:
            items = [i.strip() for i in self.text(criterion).split(",") if i.strip()]
        else:
            items = self.args.getlist(name)
        unknown = [item for item in items if item not in allowed]
        if unknown:
            self.fail(
                criterion, criterion, unknown=", ".join(unknown)[:100], allowed=", ".join(allowed)
            )
            return ()
        return tuple(dict.fromkeys(items))

    def integer(self, criterion: str, low: int, high: int, default: int | None) -> int | None:
        value = self.text(criterion)
        if not value:
            return default
        if not re.fullmatch(r"\d{1,7}", value) or not low <= int(value) <= high:
            self.fail(criterion, criterion, low=low, high=high)
            return default
        return int(value)

    def number(self, criterion: str, low: float, high: float, problem: str) -> float | None:
        value = self.text(criterion)
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or not low <= number <= high:
            self.fail(criterion, problem, low=low, high=high)
            return None
        return number

    def choice(self, criterion: str, choices: tuple[int, ...], default: int | None) -> int | None:
        """One of the page's list values (sent as the option's exact text)."""
        value = self.raw(criterion)
        if value is None or (value == "" and default is None):
            return default
        if value not in {str(c) for c in choices}:
            self.fail(criterion, criterion, choices=_or_list(choices))
            return default
        return int(value)

    def hour(self, criterion: str) -> time | None:
        value = self.text(criterion)
        if not value:
            return None
        if self.spelling.strict and not re.fullmatch(r"\d{1,2}:\d{2}", value):
            self.fail(criterion, "time_format")
            return None
        try:
            return hours.parse_time(value)
        except ValueError as error:
            self.note(self.spelling.param(criterion), str(error))
            return None


def _or_list(values: tuple[int, ...]) -> str:
    """« 1, 2, 3, 5, 10, 20 ou 30 »"""
    *first, last = (str(v) for v in values)
    return f"{', '.join(first)} ou {last}" if first else last


def parse_criteria(args: QueryArgs, spelling: Spelling) -> ParsedCriteria:
    """The search written in ``args``: the criteria, where a parameter is unusable its default,
    and one French message per unusable parameter (nothing raised: the page still searches
    with the rest, the API answers 422)."""
    r = QueryReader(args, spelling)
    if spelling.strict:
        r.refuse_unknown()
        r.refuse_empty("text", "days")

    text = r.text("text")
    if len(text) > LIMITS.text_length:
        r.fail("text", "text_too_long", max=LIMITS.text_length)
        text = ""

    place = r.text("place")
    if len(place) > LIMITS.place_length:
        r.fail("place", "place_too_long", max=LIMITS.place_length)
        place = ""
    latitude, longitude, code = _point(r)

    radius: float | None
    if spelling.from_lists:
        radius = r.choice("radius", LIMITS.radius_choices, LIMITS.default_radius_km)
    else:
        radius = r.number("radius", *LIMITS.radius_range, problem="radius")
        if radius is not None and latitude is None and not r.failed("radius"):
            r.fail("radius", "radius_alone")

    kinds = r.listing("kinds", KINDS)
    avip, free_places, disability = r.flag("avip"), r.flag("free_places"), r.flag("disability")
    if spelling.from_lists:
        age = r.choice("age", LIMITS.age_choices, None)
    else:
        age = r.integer("age", *LIMITS.age_range, default=None)
    days = r.listing("days", DAY_CODES)
    start, end = _hours(r, days)

    sort = r.text("sort")
    if sort and sort not in SORTS:
        r.fail("sort", "sort")
        sort = ""
    page = r.integer("page", 1, LIMITS.max_page, 1) or 1
    per_page = None
    if "per_page" in spelling.names:
        per_page = r.integer("per_page", 1, LIMITS.max_per_page, LIMITS.default_per_page)

    training = _training_filters(r)
    criteria = SearchCriteria(
        text=text,
        place=place,
        code_insee=code,
        latitude=latitude,
        longitude=longitude,
        radius_km=radius or LIMITS.default_radius_km,
        kinds=kinds,
        avip=avip,
        free_places=free_places,
        disability=disability,
        child_age_months=age,
        days=tuple(DAY_CODES.index(d) for d in days),
        start=start,
        end=end,
        sort=sort,
        page=page,
        per_page=per_page,
        training=training,
    )
    return ParsedCriteria(criteria, r.errors)


def _training_filters(r: QueryReader) -> TrainingFilters:
    funding = r.listing("funding", FUNDINGS)
    vae, without_diploma = r.flag("vae"), r.flag("without_diploma")
    if r.spelling.from_lists:
        months = r.choice("session_months", LIMITS.session_month_choices, None)
    else:
        months = r.integer("session_months", *LIMITS.session_month_range, default=None)
    return TrainingFilters(
        funding=funding, vae=vae, without_diploma=without_diploma, session_months=months
    )


def _point(r: QueryReader) -> tuple[float | None, float | None, str | None]:
    """(latitude, longitude, INSEE code): the page's code is a hint to resolve with the place
    typed; the API's commune must exist and gives the point, or lat and lon do."""
    code = r.text("code_insee") or None
    if code is not None and not INSEE_CODE.match(code):
        r.fail("code_insee", "bad_code")
        code = None
    if not r.spelling.strict:
        return None, None, code
    latitude = longitude = None
    if code is not None:
        commune = get_commune(code)
        if commune is None:
            r.fail("code_insee", "bad_code")
            code = None
        else:
            latitude, longitude = commune.latitude, commune.longitude
    lat = r.number("latitude", -90, 90, problem="number")
    lon = r.number("longitude", -180, 180, problem="number")
    if (lat is None) != (lon is None) and not r.failed("latitude") and not r.failed("longitude"):
        r.fail("longitude" if lon is None else "latitude", "point_pair")
    elif lat is not None and lon is not None:
        if code is not None:
            r.fail("code_insee", "point_twice")
        latitude, longitude = lat, lon
    return latitude, longitude, code


def _hours(r: QueryReader, days: tuple[str, ...]) -> tuple[time | None, time | None]:
    """The hours needed, both or neither; on days too, or neither is used."""
    start, end = r.hour("start"), r.hour("end")
    if r.failed("start") or r.failed("end"):
        return None, None
    if (start is None) != (end is None):
        r.fail("end" if end is None else "start", "hours_pair")
        return None, None
    if start is not None and not days and not r.failed("days"):
        r.fail("days", "hours_days")
        return None, None
    if start is not None and start == end:
        r.fail("end", "hours_same")
        return None, None
    return start, end
