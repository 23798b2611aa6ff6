"""What the pages show about offers and searches, computed once outside the templates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit

from werkzeug.datastructures import MultiDict

from app.core.filters import elide_de
from app.core.french import format_number
from app.directory import fit, hours
from app.directory.criteria import LIMITS, SearchCriteria
from app.directory.history import FIELD_LABELS
from app.directory.models import FUNDING_LABELS, MODALITY_LABELS, Offer, OfferKind
from app.directory.queries import SearchOutcome
from app.directory.reach import (
    Reach,
    how_to_apply,
    public_place,
    reach,
    street_is_private,
)
from app.directory.rules import (
    ESTIMATOR_MODES,
    QUALITY_CRITERIA,
    avip_label_valid,
    hourly_rate,
    is_stale,
    offer_slots,
    quality_gaps,
    resident_eligible,
)
from app.geo import Commune, by_departement, get_commune, get_departement
from app.geo.timezones import local_now, today_in_france
from app.maps import ATTRIBUTION
from app.maps.choropleth import Choropleth, choropleth
from app.maps.france import Drawing
from app.maps.outlines import departements, outline_code
from app.maps.results import CATEGORIES, MapPoint, ResultsMap, category, results_map


def commune_label(code_insee: str, fallback: str) -> str:
    """The unambiguous place label (« Avion (62 – Pas-de-Calais) ») for a search link."""
    commune = get_commune(code_insee)
    return commune.label if commune else fallback


@dataclass(frozen=True)
class Badge:
    text: str
    kind: str  # css modifier


class OfferCard:
    def __init__(
        self,
        offer: Offer,
        distance_km: float | None,
        today: date,
        criteria: SearchCriteria | None = None,
        home: Commune | None = None,
    ):
        self.offer = offer
        self.distance_km = distance_km
        self.today = today
        self.criteria = criteria  # the search shown, when the card is a result
        self.home = home  # the commune searched from, when there is one
        self.slots = offer_slots(offer)
        self.summary = hours.summarize(self.slots)
        self.closures = [hours.Closure(c.start, c.end, c.reason) for c in offer.closures]

    @property
    def reach(self) -> Reach:
        """How a parent reaches this offer (one rule: :func:`app.directory.reach.reach`)."""
        departement = get_departement(self.offer.departement_code)
        return reach(self.offer, departement.name if departement else "")

    @property
    def place(self) -> str:
        """The published address: the commune only for a private person."""
        return public_place(self.offer)

    @property
    def street_hidden(self) -> bool:
        return bool(self.offer.address.strip()) and street_is_private(self.offer)

    @property
    def how_to_apply(self) -> str:
        return how_to_apply(self.offer, self.reach)

    @property
    def avip_valid(self) -> bool:
        return avip_label_valid(self.offer, self.today)

    @property
    def eligibility(self) -> str:
        """« Réservé aux habitants de Toulon et de La Seyne-sur-Mer »; "" for everyone."""
        return eligibility_text(self.offer.eligible_communes)

    @property
    def outside_zone(self) -> bool:
        """The commune searched from is not one whose residents the place takes."""
        home = self.home
        return home is not None and not resident_eligible(
            self.offer.eligible_communes, home.code_insee, home.departement_code
        )

    @property
    def badges(self) -> list[Badge]:
        o, badges = self.offer, []
        if self.avip_valid:
            badges.append(Badge("AVIP", "avip"))
        if self.summary.atypical:
            badges.append(Badge("Horaires atypiques", "atypical"))
        if o.free_places:
            n = o.free_places
            badges.append(
                Badge(f"{n} place{'s' if n > 1 else ''} disponible{'s' if n > 1 else ''}", "free")
            )
        elif o.free_places == 0:
            badges.append(Badge("Complet", "full"))
        if o.is_ephemeral and o.kind is not OfferKind.FORMATION:
            badges.append(Badge("Éphémère", "ephemeral"))
        if o.disability_access:
            badges.append(Badge("Accueil handicap", "disability"))
        if self.stale:
            badges.append(Badge("À vérifier", "stale"))
        return badges

    @property
    def card_badges(self) -> list[Badge]:
        """The badges of a result card: the places (with their date) are said in :attr:`fits`, the
        atypical hours in :attr:`atypical_text`."""
        return [b for b in self.badges if b.kind not in ("free", "full", "atypical")]

    @property
    def icon(self) -> str:
        return fit.KIND_ICONS.get(self.offer.kind, "creche")

    @property
    def atypical_text(self) -> str:
        """« Horaires atypiques : dès 5 h 30, la nuit, le samedi »"""
        words = fit.atypical_hours(self.slots)
        return f"Horaires atypiques\u00a0: {', '.join(words)}" if words else ""

    @property
    def fits(self) -> list[str]:
        """How the offer meets the need, most telling first: hours, ages, places."""
        o, criteria = self.offer, self.criteria
        lines = [fit.hours_fit(criteria)]
        if not o.is_training:
            age = criteria.child_age_months if criteria else None
            lines.append(fit.ages_fit(o.age_min_months, o.age_max_months, age))
        lines.append(fit.places_fit(o.free_places, o.free_places_on))
        return [line for line in lines if line]

    @property
    def stale(self) -> bool:
        """Not updated for 3 months: shown « à vérifier » (rule in app.directory.rules)."""
        return is_stale(self.offer.updated_at, self.today)

    @property
    def atypical_details(self) -> list[str]:
        s = self.summary
        return [
            label
            for flag, label in (
                (s.early, "tôt le matin"),
                (s.late, "tard le soir"),
                (s.night, "la nuit"),
                (s.weekend, "le week-end"),
            )
            if flag
        ]

    @property
    def next_opening(self) -> str:
        now = local_now(self.offer.departement_code)
        return hours.describe_next_opening(self.slots, now, self.closures)

    @property
    def weekly_table(self):
        return hours.weekly_table(self.slots)

    @property
    def not_started(self) -> bool:
        return self.offer.valid_from is not None and self.offer.valid_from > self.today


def _pages_window(page: int, pages: int) -> list[int]:
    wanted = {1, pages, page - 1, page, page + 1}
    return sorted(p for p in wanted if 1 <= p <= pages)


class SearchView:
    """URLs and texts of a results page: pagination, widening suggestions."""

    def __init__(self, outcome: SearchOutcome, args: MultiDict, path: str = "/recherche"):
        self.outcome = outcome
        self.path = path  # the partner widget keeps its links in /widget/recherche
        self.args = MultiDict(args)
        self.args.pop("page", None)
        today = today_in_france()
        self.cards = [
            OfferCard(r.offer, r.distance_km, today, outcome.criteria, outcome.commune)
            for r in outcome.rows
        ]

    @property
    def place_groups(self):
        """The communes to choose from when the place typed names several, by département."""
        place = self.outcome.place
        return by_departement(place.suggestions) if place else []

    @property
    def folded(self) -> bool:
        """The form folded under the one-line summary, the results first: a place was found,
        or the communes it may name are offered."""
        place = self.outcome.place
        return self.outcome.commune is not None or bool(place and place.suggestions)

    @property
    def criteria_line(self) -> str:
        commune = self.outcome.commune
        typed = self.outcome.criteria.place
        return fit.criteria_line(self.outcome.criteria, commune.name if commune else typed)

    @property
    def see_results_text(self) -> str:
        """« Voir les 3 résultats », « Voir le résultat », « Choisir la commune »…"""
        total, place = self.outcome.total, self.outcome.place
        if place is not None and place.commune is None and place.suggestions:
            return "Choisir la commune"
        if not self.outcome.searched:
            return ""
        if total == 0:
            return "Aucun résultat : voir comment élargir"
        return "Voir le résultat" if total == 1 else f"Voir les {total} résultats"

    def url(self, drop: tuple[str, ...] = (), **changes) -> str:
        args = MultiDict(self.args)
        for key in drop:
            args.poplist(key)
        for key, value in changes.items():
            args.setlist(key, value if isinstance(value, list) else [value])
        query = urlencode([(k, v) for k, v in args.items(multi=True) if v != ""])
        return f"{self.path}?{query}" if query else self.path

    @property
    def alert_query(self) -> str:
        """The search's query string for « Créer une alerte » (its page, view and order aside)."""
        args = [(k, v) for k, v in self.args.items(multi=True) if v != ""]
        return urlencode([(k, v) for k, v in args if k not in ("page", "vue", "tri", "q")])

    def page_url(self, page: int) -> str:
        return self.url(page=str(page)) if page > 1 else self.url()

    @property
    def page_links(self) -> list[int]:
        return _pages_window(self.outcome.page, self.outcome.pages)

    @property
    def count_text(self) -> str:
        total = self.outcome.total
        if total == 0:
            return "Aucun résultat"
        where = ""
        if self.outcome.commune is not None:
            radius = self.outcome.criteria.radius_km
            where = f" à moins de {radius}\u00a0km {elide_de(self.outcome.commune.name)}"
        return f"{total} résultat{'s' if total > 1 else ''}{where}"

    @property
    def widen(self) -> list[tuple[str, str]]:
        """Links proposing to widen a search with no result."""
        criteria, links, radii = self.outcome.criteria, [], LIMITS.radius_choices
        if self.outcome.commune is not None:
            radius = criteria.radius_km
            if radius < radii[-1]:
                wider = min((r for r in radii if r >= 2 * radius), default=radii[-1])
                links.append(
                    (f"Chercher dans un rayon de {wider}\u00a0km", self.url(rayon=str(wider)))
                )
        if criteria.hours_needed:
            links.append(("Retirer le filtre d’horaires", self.url(drop=("jours", "de", "a"))))
        if criteria.kinds:
            links.append(("Afficher tous les types de garde", self.url(drop=("type",))))
        for name, label in (
            ("avip", "Ne pas se limiter aux offres AVIP"),
            ("places", "Afficher aussi les offres sans place annoncée"),
            ("handicap", "Retirer le filtre « accueil handicap »"),
            ("age", "Retirer le filtre d’âge"),
        ):
            if self.args.get(name):
                links.append((label, self.url(drop=(name,))))
        if (self.args.get("q") or "").strip():
            links.append(("Retirer les mots-clés", self.url(drop=("q",))))
        return links


SEARCH_PATH = "/recherche"
RETURN_MAX = 1500


def search_return(retour: str | None, referer: str | None = None, host: str = "") -> str:
    """The parent's own search to go back to, criteria kept: ``retour`` when it is a local
    ``/recherche`` URL, else the Referer when it is a ``/recherche`` page of this site (``host``);
    "" otherwise. Nothing else is ever linked (no open redirect, no other page)."""
    for candidate, same_site in ((retour, False), (referer, True)):
        if not candidate or len(candidate) > RETURN_MAX:
            continue
        if any(ord(c) < 32 or c in "\\ " for c in candidate):
            continue
        parts = urlsplit(candidate)
        if same_site and parts.scheme in ("http", "https") and parts.netloc == host:
            parts = parts._replace(scheme="", netloc="")
        if parts.scheme or parts.netloc or parts.path != SEARCH_PATH or parts.fragment:
            continue
        query = urlencode(parse_qsl(parts.query, keep_blank_values=False))
        return f"{SEARCH_PATH}?{query}" if query else SEARCH_PATH
    return ""


def estimate_args(offer: Offer, search_url: str = "") -> dict[str, str | list[str]]:
    """The estimator's query, prefilled from the offer (its commune, its mode of care first,
    its hourly price when it states one) and the parent's search (days, hours)."""
    args: dict[str, str | list[str]] = {"lieu": commune_label(offer.code_insee, offer.commune_name)}
    mode = ESTIMATOR_MODES.get(offer.kind)
    if mode is not None:
        args["mode"] = mode
        rate = hourly_rate(offer)
        if rate is not None:
            args["prix"] = f"{rate:.2f}".replace(".", ",")
    if search_url:
        search = MultiDict(parse_qsl(urlsplit(search_url).query))
        if search.getlist("jours"):
            args["jours"] = search.getlist("jours")
        for name in ("de", "a"):
            if search.get(name):
                args[name] = search[name]
    return args


def ages_text(offer: Offer) -> str:
    """« De 0 à 3 ans » from ages in months (the maximum is exclusive)."""

    def age(months: int) -> str:
        if months % 12 == 0:
            years = months // 12
            return f"{years}\u00a0an{'s' if years > 1 else ''}" if years else "la naissance"
        return f"{months}\u00a0mois"

    low, high = offer.age_min_months, offer.age_max_months
    start = "De la naissance" if low == 0 else f"De {age(low)}"
    return f"{start} à {age(high)}"


def modality_label(value: str) -> str:
    return MODALITY_LABELS.get(value, value)


def funding_labels(values: list[str]) -> list[str]:
    return [FUNDING_LABELS[v] for v in values if v in FUNDING_LABELS]


def offer_card(offer: Offer) -> OfferCard:
    return OfferCard(offer, None, today_in_france())


TEMPLATE_HELPERS = {
    "offer_card": offer_card,
    "estimate_args": estimate_args,
    "ages_text": ages_text,
    "modality_label": modality_label,
    "funding_labels": funding_labels,
}


# --------------------------------------------------------------------------- maps


def map_category(offer: Offer, today: date) -> str:
    """The mark of an offer on a map (app.maps.results.category), from the offer itself: what
    the index's columns give for thousands of points at once (app.search.services.map_points)."""
    return category(
        avip_label_valid(offer, today),
        bool(offer.free_places),
        hours.summarize(offer_slots(offer)).atypical,
    )


def map_center(outcome: SearchOutcome) -> tuple[float, float] | None:
    """The searched point (a map needs one), or None for a search anywhere."""
    criteria, commune = outcome.criteria, outcome.commune
    if criteria.point is not None:
        return criteria.point
    return (commune.latitude, commune.longitude) if commune is not None else None


class MapView:
    """The results map of a search: the place, the radius, the marks, the text alternative.
    ``total`` offers match; ``points`` are the nearest of them (all but in a very dense city)."""

    def __init__(self, outcome: SearchOutcome, points: Sequence[MapPoint], total: int):
        self.outcome = outcome
        self.center = map_center(outcome)
        self.points = points if self.center is not None else ()
        self.total = total if self.center is not None else 0
        self.attribution = ATTRIBUTION
        self.map: ResultsMap | None = None
        if self.center is not None:
            radius = outcome.criteria.radius_km
            self.map = results_map(self.center[0], self.center[1], radius, self.points)

    @property
    def text(self) -> str:
        """« 42 offres dans un rayon de 10 km autour de Toulon »."""
        n = self.total
        offers = "Aucune offre" if n == 0 else f"{n} offre{'s' if n > 1 else ''}"
        commune = self.outcome.commune
        around_text = f" autour {elide_de(commune.name)}" if commune is not None else ""
        radius = format_number(self.outcome.criteria.radius_km)
        text = f"{offers} dans un rayon de {radius}\u00a0km{around_text}"
        if len(self.points) < n:
            text += f" (les {format_number(len(self.points))} plus proches sur la carte)"
        return text


def avip_coverage_chart(counts: dict[str, int]) -> Choropleth:
    """The AVIP offers per département (``None``: no published offer there, « pas de donnée »)."""
    names = {a.code: a.name for a in departements()}
    values: dict[str, float | None] = {code: counts.get(code) for code in names}
    return choropleth("Offres AVIP par département", "offres AVIP", names, values)


def avip_commune_chart(counts: dict[str, int], drawing: Drawing) -> Choropleth:
    """The AVIP offers per commune of a département (a municipal arrondissement counts in its
    commune's outline); ``None``: no published offer in that commune."""
    names = {s.code: s.name for s in drawing.shapes}
    values: dict[str, float | None] = {}
    for code, count in counts.items():
        key = outline_code(code)
        if key in names:
            values[key] = (values.get(key) or 0) + count
    return choropleth("Offres AVIP par commune", "offres AVIP", names, values)


def map_json(view: MapView, offer_url: str) -> dict:
    """The compact form of a results map: ``points`` as [latitude, longitude, category, offer
    id, title], the published point only (coarse for a private person); an offer's address is
    ``offer_url`` with its id for « {id} »."""
    center = view.center
    return {
        "text": view.text if center else "Indiquez une commune pour voir les offres sur une carte.",
        "center": list(center) if center else None,
        "radius_km": view.outcome.criteria.radius_km if center else None,
        "categories": dict(CATEGORIES),
        "attribution": view.attribution,
        "offer_url": offer_url,
        "points": [[p.latitude, p.longitude, p.category, p.offer_id, p.label] for p in view.points],
    }


def _place_name(code: str) -> str:
    commune = get_commune(code)
    if commune is not None:
        return commune.name
    departement = get_departement(code)
    return f"du département {departement.name}" if departement else code


def eligibility_text(codes: list[str] | None, shown: int = 6) -> str:
    """« Réservé aux habitants de Toulon, de La Seyne-sur-Mer et de 3 autres communes »."""
    if not codes:
        return ""
    names = sorted({_place_name(c) for c in codes})
    parts = [n if n.startswith("du ") else elide_de(n) for n in names[:shown]]
    if len(names) > shown:
        parts.append(f"de {len(names) - shown} autres communes")
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} et {parts[-1]}"
    return f"Réservé aux habitants {listed}"


@dataclass(frozen=True)
class ProvenanceLine:
    source: str
    on: date
    fields: str


PROVENANCE_LABELS = {
    **FIELD_LABELS,
    "code_insee": "Commune",
    "slots": "Horaires",
    "kind": "Type d’offre",
    "eligible_communes": "Communes desservies",
}
PROVENANCE_HIDDEN = {"commune_name", "departement_code", "latitude", "longitude", "match_key"}


def provenance_lines(offer: Offer) -> list[ProvenanceLine]:
    """Where the fields of an imported offer come from: one line per source and date."""
    groups: dict[tuple[str, str], list[str]] = {}
    for name, stamp in (offer.provenance or {}).items():
        if name in PROVENANCE_HIDDEN or not isinstance(stamp, dict):
            continue
        label = PROVENANCE_LABELS.get(name)
        if label is None:
            continue
        groups.setdefault((str(stamp.get("source", "")), str(stamp.get("date", ""))), []).append(
            label
        )
    lines = []
    for (source, on), labels in groups.items():
        try:
            day = date.fromisoformat(on)
        except ValueError:
            continue
        ordered = sorted(set(labels), key=list(PROVENANCE_LABELS.values()).index)
        lines.append(ProvenanceLine(source, day, ", ".join(ordered)))
    return sorted(lines, key=lambda line: (line.on, line.source), reverse=True)


def quality_todo(offer: Offer, today: date) -> list[str]:
    """What the manager should complete on this offer, in French."""
    words = dict(QUALITY_CRITERIA)
    return [words[key] for key in quality_gaps(offer, today)]
