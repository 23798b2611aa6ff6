"""How an offer fits a parent's need, in the short sentences a result card shows, and the need
itself in one line (« Toulon · 10 km · lun–ven 5:30–14:00 · 2 ans »). Plain functions, no Flask.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time

from app.directory import hours
from app.directory.criteria import LIMITS, SearchCriteria
from app.directory.models import OFFER_KIND_LABELS, OfferKind

NBSP = "\u00a0"
DAY_SHORT = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
#: The page's age choices, as the summary line says them (months → words).
AGE_WORDS = dict(
    zip(
        LIMITS.age_choices,
        ("moins de 1 an", "1 an", "2 ans", "3 ans", "4 ou 5 ans", "6 ans ou plus"),
        strict=True,
    )
)
#: The icon drawn next to each kind of offer (templates/macros/icons.html draws each name).
KIND_ICONS = {
    OfferKind.CRECHE_COLLECTIVE: "creche",
    OfferKind.MICRO_CRECHE: "creche",
    OfferKind.CRECHE_PARENTALE: "creche",
    OfferKind.HALTE_GARDERIE: "creche",
    OfferKind.CRECHE_FAMILIALE: "childminder",
    OfferKind.MAM: "childminder",
    OfferKind.ASSISTANT_MATERNEL: "childminder",
    OfferKind.GARDE_DOMICILE: "home",
    OfferKind.ACCUEIL_EPHEMERE: "urgent",
    OfferKind.RELAIS_PETITE_ENFANCE: "pin",  # an information point, not a place of care
    OfferKind.FORMATION: "training",
}


def clock(t: time) -> str:
    """« 5:30 », « 14:00 » (what the search form shows and accepts)."""
    return f"{t.hour}:{t.minute:02d}"


def days_text(days: Iterable[int]) -> str:
    """« lun–ven », « lun, mer », « sam, dim », « lun–mer, ven »: runs of three days or more
    joined by a dash."""
    return hours.join_day_runs(sorted(set(days)), DAY_SHORT, "–", ", ")


def need_hours_text(criteria: SearchCriteria) -> str:
    """« lun–ven 5:30–14:00 », or "" when the search gives no hours."""
    needed = criteria.hours_needed
    if needed is None:
        return ""
    start, end = needed
    return f"{days_text(criteria.days)} {clock(start)}–{clock(end)}"


def criteria_line(criteria: SearchCriteria, place_name: str | None) -> str:
    """The search in one line: « Toulon · 10 km · lun–ven 5:30–14:00 · 2 ans · AVIP »."""
    parts: list[str] = []
    if place_name:
        parts += [place_name[:60], f"{criteria.radius_km:g}{NBSP}km"]
    if criteria.kinds:
        kinds = [OFFER_KIND_LABELS[OfferKind(k)] for k in criteria.kinds]
        parts.append(kinds[0] if len(kinds) == 1 else f"{len(kinds)} types d’offre")
    if hours_text := need_hours_text(criteria):
        parts.append(hours_text)
    if criteria.child_age_months is not None:
        parts.append(AGE_WORDS.get(criteria.child_age_months, f"{criteria.child_age_months} mois"))
    for flag, label in (
        (criteria.avip, "AVIP"),
        (criteria.free_places, "places libres"),
        (criteria.disability, "accueil handicap"),
    ):
        if flag:
            parts.append(label)
    parts += _course_parts(criteria)
    if criteria.text:
        parts.append(f"«{NBSP}{criteria.text[:30]}{NBSP}»")
    return " · ".join(parts) if parts else "Partout en France"


def _course_parts(criteria: SearchCriteria) -> list[str]:
    """« Formation · CPF ou OPCO · VAE · sans diplôme · session d’ici 3 mois »."""
    t = criteria.training
    if not t.active:
        return []
    parts = [] if criteria.kinds else [OFFER_KIND_LABELS[OfferKind.FORMATION]]
    if t.funding:
        parts.append(" ou ".join(FUNDING_SHORT.get(f, f) for f in t.funding))
    if t.vae:
        parts.append("VAE")
    if t.without_diploma:
        parts.append("sans diplôme")
    if t.session_months:
        parts.append(f"session d’ici {t.session_months}{NBSP}mois")
    return parts


FUNDING_SHORT = {
    "cpf": "CPF",
    "france_travail": "France Travail",
    "region": "Région",
    "opco": "OPCO",
}


def age_words(months: int) -> str:
    """« 2 mois », « 1 an », « 3 ans », « 18 mois »."""
    if months % 12 == 0:
        years = months // 12
        return f"{years}{NBSP}an{'s' if years > 1 else ''}"
    return f"{months}{NBSP}mois"


def ages_fit(age_min_months: int, age_max_months: int, child_age_months: int | None) -> str:
    """« Accueille dès 2 mois », « Accueille dès la naissance », or for the age searched
    « Accueille les enfants de 2 ans » (the search kept only offers taking that age)."""
    if child_age_months is not None and age_min_months <= child_age_months < age_max_months:
        words = AGE_WORDS.get(child_age_months) or age_words(child_age_months)
        return f"Accueille les enfants de {words}"
    if age_min_months == 0:
        return "Accueille dès la naissance"
    return f"Accueille dès {age_words(age_min_months)}"


def places_fit(free_places: int | None, on: date | None) -> str:
    """« 2 places au 21/11 », « 1 place au 21/11 », « Complet au 21/11 »; without a date, the
    figure alone; "" when the structure says nothing."""
    if free_places is None:
        return ""
    if free_places == 0:
        return f"Complet au {on:%d/%m}" if on else "Complet"
    plural = "s" if free_places > 1 else ""
    if on:
        return f"{free_places} place{plural} au {on:%d/%m}"
    return f"{free_places} place{plural} disponible{plural}"


def atypical_hours(slots: Sequence[hours.Slot]) -> list[str]:
    """What « horaires atypiques » means for these slots (the windows of
    :func:`app.directory.hours.summarize`): « dès 5 h 30 » (open before 7:30), « jusqu’à
    21 h 00 » or « jusqu’à minuit » (after 19:00), « la nuit » (a slot running past midnight),
    « le samedi », « le dimanche » or « le week-end »."""
    summary = hours.summarize(slots)
    words: list[str] = []
    overnight = [s for s in slots if s.closes <= s.opens and s.closes != hours.MIDNIGHT]
    overnight += [s for s in slots if s.opens == s.closes == hours.MIDNIGHT]
    day = [s for s in slots if s not in overnight]
    if summary.early and (early := [s.opens for s in day if s.opens < hours.EARLY_BEFORE]):
        words.append(f"dès {hours.format_time_fr(min(early))}")
    late = [s.closes for s in day if s.closes > hours.LATE_AFTER or s.closes == hours.MIDNIGHT]
    if summary.late and late:
        latest = hours.MIDNIGHT if hours.MIDNIGHT in late else max(late)
        words.append(f"jusqu’à {hours.format_time_fr(latest, closing=True)}")
    if overnight:
        words.append("la nuit")
    if summary.weekend:
        saturday, sunday = (d in summary.open_days for d in (5, 6))
        if saturday and sunday:
            words.append("le week-end")
        else:
            words.append("le samedi" if saturday else "le dimanche")
    return words


def hours_fit(criteria: SearchCriteria | None) -> str:
    """« Couvre vos horaires lun–ven 5:30–14:00 » when the search asked for hours (the index
    kept only the offers open over them)."""
    if criteria is None or not (text := need_hours_text(criteria)):
        return ""
    return f"Couvre vos horaires {text}"
