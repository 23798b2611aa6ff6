"""What the back office's pages show, in French: freshness, free places, the hours editor's
overview, one row of the offer list, one entry of the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.core.dates import as_date
from app.core.french import NBSP, format_date, typography
from app.directory import hours
from app.directory.models import OFFER_STATUS_LABELS, Offer, OfferStatus
from app.directory.rules import QUALITY_CRITERIA, is_stale, months_elapsed, quality_gaps


def freshness_text(updated_at: datetime | date | None, today: date) -> str:
    """« mis à jour aujourd’hui », « … hier », « … il y a 5 jours », « … il y a 3 semaines »,
    « … il y a 3 mois », « … il y a 1 an »."""
    if updated_at is None:
        return "date de mise à jour inconnue"
    days = (today - as_date(updated_at)).days
    if days <= 0:
        return "mis à jour aujourd’hui"
    if days == 1:
        return "mis à jour hier"
    if days < 14:
        return f"mis à jour il y a {days}{NBSP}jours"
    months = months_elapsed(updated_at, today)
    if months < 2:
        return f"mis à jour il y a {days // 7}{NBSP}semaines"
    if months < 12:
        return f"mis à jour il y a {months}{NBSP}mois"
    years = months // 12
    return f"mis à jour il y a {years}{NBSP}an{'s' if years > 1 else ''}"


def short_date(day: date, today: date) -> str:
    """« 21/11 » this year, « 21/11/2025 » otherwise."""
    return f"{day:%d/%m}" if day.year == today.year else f"{day:%d/%m/%Y}"


def places_text(offer: Offer, today: date) -> str:
    """« 2 places disponibles au 21/11 », « Complet au 21/11 », « Places non renseignées »."""
    n = offer.free_places
    if n is None:
        return "Places disponibles non renseignées"
    when = f" au {short_date(offer.free_places_on, today)}" if offer.free_places_on else ""
    if n == 0:
        return f"Complet{when}"
    plural = "s" if n > 1 else ""
    return f"{n}{NBSP}place{plural} disponible{plural}{when}"


@dataclass(frozen=True)
class HoursOverview:
    """What a set of weekly slots amounts to, as the hours editor shows it."""

    table: list[tuple[str, list[str]]]  # (« lundi », [« 7 h 00 – 19 h 00 »]) for 7 days
    amplitude: str  # longest day, « 12 h 00 »
    flags: list[str]  # « Tôt le matin (avant 7 h 30) », « La nuit »…
    osm: str  # « Mo-Fr 07:00-19:00 »
    empty: bool


def hours_overview(slots: list[hours.Slot]) -> HoursOverview:
    summary = hours.summarize(slots)
    minutes = summary.max_daily_amplitude_minutes
    return HoursOverview(
        table=hours.weekly_table(slots),
        amplitude=f"{minutes // 60}{NBSP}h{NBSP}{minutes % 60:02d}",
        flags=summary.labels_fr(),
        osm=hours.to_osm(slots),
        empty=not slots,
    )


QUALITY_WORDS = dict(QUALITY_CRITERIA)


@dataclass
class OfferRow:
    """One offer in the list: status, freshness, free places."""

    offer: Offer
    status_label: str
    freshness: str
    stale: bool
    places: str
    #: What the manager should complete (the quality signal: contact, hours, description).
    todo: tuple[str, ...] = ()

    @classmethod
    def of(cls, offer: Offer, today: date) -> OfferRow:
        published = offer.status is OfferStatus.PUBLISHED
        return cls(
            offer,
            OFFER_STATUS_LABELS[offer.status],
            freshness_text(offer.updated_at, today),
            published and is_stale(offer.updated_at, today),
            places_text(offer, today),
            tuple(
                QUALITY_WORDS[gap]
                for gap in quality_gaps(offer, today)
                if gap != "fresh"  # said by the freshness line and its « À vérifier » badge
            ),
        )


@dataclass
class HistoryEntry:
    at: datetime  # local wall-clock time of the offer's département
    who: str
    action: str
    changes: list[tuple[str, str, str]]  # (label, before, after)

    @property
    def when(self) -> str:
        """« le 21 novembre 2026 à 14 h 05 »."""
        return typography(
            f"le {format_date(self.at.date())} à {hours.format_time_fr(self.at.time())}"
        )
