"""The offer's own rules, as plain functions without Flask: its freshness (« à vérifier »),
the validity of its AVIP label and its weekly opening slots."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, or_

from app.core.dates import add_months, as_date, last_day_of_month
from app.directory import hours
from app.directory.models import Closure, Offer, OfferKind, OpeningSlot

# --------------------------------------------------------------------------- freshness

#: An offer not updated for this many months is shown « à vérifier ».
STALE_AFTER_MONTHS = 3


def stale_threshold(today: date) -> date:
    """Offers last updated on or before this day are « à vérifier » today: those whose update
    plus 3 months (:func:`add_months`) is today or earlier."""
    day = add_months(today, -STALE_AFTER_MONTHS)
    if today.day == last_day_of_month(today):
        # On the last day of a month, every later day of that earlier month is 3 months old too
        # (30 November + 3 months = 28 February).
        day = day.replace(day=last_day_of_month(day))
    return day


def is_stale(updated_at: datetime | date | None, today: date) -> bool:
    return updated_at is not None and as_date(updated_at) <= stale_threshold(today)


def stale_before(today: date) -> datetime:
    """Offers whose ``updated_at`` is earlier than this moment are « à vérifier » today (the
    same rule as :func:`is_stale`, as a bound for a query)."""
    return datetime.combine(stale_threshold(today) + timedelta(days=1), time())


def months_elapsed(updated_at: datetime | date, today: date) -> int:
    """Whole months from the update to ``today`` (the same arithmetic as :func:`is_stale`)."""
    day = as_date(updated_at)
    months = (today.year - day.year) * 12 + today.month - day.month
    while months > 0 and add_months(day, months) > today:
        months -= 1
    return max(months, 0)


# --------------------------------------------------------------------------- AVIP label

#: The review date the label form proposes: 3 years after the start (a default the coordinator
#: changes; the 2016 charter and the 2022 protocol leave the review to the département's
#: committee and set no national duration).
AVIP_REVIEW_PROPOSED_MONTHS = 36


def proposed_avip_review(start: date) -> date:
    """The review date proposed for a label starting on ``start``."""
    return add_months(start, AVIP_REVIEW_PROPOSED_MONTHS)


def avip_label_valid(offer: Offer, today: date) -> bool:
    """The AVIP label shows only from its start date to its review date (both inclusive)."""
    return bool(
        offer.avip
        and (offer.avip_since is None or offer.avip_since <= today)
        and (offer.avip_review_on is None or today <= offer.avip_review_on)
    )


def avip_label_valid_clause(today: date) -> ColumnElement[bool]:
    """:func:`avip_label_valid` as a SQL condition (for counts over many offers)."""
    return and_(
        Offer.avip.is_(True),
        or_(Offer.avip_since.is_(None), Offer.avip_since <= today),
        or_(Offer.avip_review_on.is_(None), Offer.avip_review_on >= today),
    )


# --------------------------------------------------------------------------- closures


def closure_on(offer: Offer, day: date | None) -> Closure | None:
    """The closure of ``offer`` (holidays, works…) that ``day`` falls in, if any (both ends
    inclusive)."""
    if day is None:
        return None
    return next((c for c in offer.closures if c.start <= day <= c.end), None)


# --------------------------------------------------------------------------- opening hours


def offer_slots(offer: Offer) -> list[hours.Slot]:
    """The offer's weekly opening slots, as :mod:`app.directory.hours` computes with them."""
    return [hours.Slot(s.weekday, s.opens, s.closes) for s in offer.slots]


def atypical_slot_clauses() -> dict[str, ColumnElement[bool]]:
    """:func:`hours.summarize`'s early, late, night and weekend flags as SQL conditions on one
    opening slot (an offer has a flag when any of its slots has it; tests check both agree).
    A slot with ``closes <= opens`` runs until midnight and, unless it closes at midnight, on
    into the next day (its « tail », from 0 h 00)."""
    o, c = OpeningSlot.opens, OpeningSlot.closes
    midnight = time(0, 0)
    to_midnight = c <= o  # runs until midnight (whole day, night slot or closing at midnight)
    tail = and_(c > midnight, c <= o)  # goes on after midnight into the next day
    return {
        "early": or_(o < hours.EARLY_BEFORE, tail),
        "late": or_(and_(c > o, c > hours.LATE_AFTER), to_midnight),
        "night": or_(and_(c > o, c > hours.NIGHT_START), to_midnight, o < hours.NIGHT_END),
        "weekend": or_(OpeningSlot.weekday >= 5, and_(OpeningSlot.weekday == 4, tail)),
    }


def shown_clause(today: date) -> ColumnElement[bool]:
    """An offer still within its validity (an ephemeral offer past its end date is not)."""
    return or_(Offer.valid_until.is_(None), Offer.valid_until >= today)


# --------------------------------------------------------------------------- price

#: Offers whose price may be an hourly price the family pays the carer (a childminder's wage,
#: a micro-crèche outside the PSU, a home carer), as opposed to a PSU price set by income.
HOURLY_PRICE_KINDS = (
    OfferKind.ASSISTANT_MATERNEL,
    OfferKind.MAM,
    OfferKind.MICRO_CRECHE,
    OfferKind.GARDE_DOMICILE,
)
#: The estimator's mode of care for each kind of offer (``/estimation?mode=``); kinds absent
#: here (ephemeral care, training) have no card of their own in the estimator.
ESTIMATOR_MODES = {
    OfferKind.CRECHE_COLLECTIVE: "creche",
    OfferKind.CRECHE_FAMILIALE: "creche",
    OfferKind.CRECHE_PARENTALE: "creche",
    OfferKind.HALTE_GARDERIE: "creche",
    OfferKind.MICRO_CRECHE: "micro_creche",
    OfferKind.ASSISTANT_MATERNEL: "assistant_maternel",
    OfferKind.MAM: "mam",
    OfferKind.GARDE_DOMICILE: "garde_domicile",
}
_HOURLY = re.compile(
    r"(\d{1,3}(?:[,.]\d{1,2})?)\s*(?:€|euros?)\s*(?:net\s+|brut\s+)?(?:de l[’']heure|/\s*h\b|"
    r"par heure|(?:net|brut)?\s*(?:de l[’']heure|/\s*h\b|par heure))",
    re.IGNORECASE,
)


def hourly_rate(offer: Offer) -> Decimal | None:
    """The hourly price as written in the offer's price (« 4,20 € net de l’heure », « 4.5 €/h »):
    a childminder's wage, a micro-crèche's or a home carer's price; None for a PSU crèche or
    when the offer says none."""
    if offer.kind not in HOURLY_PRICE_KINDS:
        return None
    match = _HOURLY.search(offer.cost_info or "")
    if match is None:
        return None
    value = Decimal(match.group(1).replace(",", "."))
    return value if Decimal("1") <= value <= Decimal("100") else None


# --------------------------------------------------------------------------- eligibility zone


def resident_eligible(codes: list[str] | None, code_insee: str, departement_code: str) -> bool:
    """May a resident of the commune ``code_insee`` be taken? ``codes`` (the offer's
    ``eligible_communes``) hold commune or département codes; None or empty: everyone."""
    if not codes:
        return True
    return code_insee in codes or departement_code in codes


# --------------------------------------------------------------------------- quality signal

#: What a complete offer has, with the French words a manager reads, in the order to complete.
QUALITY_CRITERIA = (
    ("fresh", "mettre à jour l’offre (plus de 3 mois sans mise à jour)"),
    ("contact", "indiquer un téléphone ou un courriel public"),
    ("hours", "renseigner les horaires d’ouverture"),
    ("description", "écrire une description (au moins 80 caractères)"),
)
DESCRIPTION_MIN_CHARS = 80


def quality_gaps(offer: Offer, today: date) -> list[str]:
    """What the offer lacks (the keys of :data:`QUALITY_CRITERIA`), in their order."""
    has = {
        "fresh": not is_stale(offer.updated_at, today),
        "contact": offer.contact_public
        and bool(offer.contact_phone.strip() or offer.contact_email.strip()),
        "hours": bool(offer.slots),
        "description": len((offer.description or "").strip()) >= DESCRIPTION_MIN_CHARS,
    }
    return [key for key, _ in QUALITY_CRITERIA if not has[key]]


def quality_score(offer: Offer, today: date) -> int:
    """0 to 4: one point per criterion met (used to order ties, and in the back office)."""
    return len(QUALITY_CRITERIA) - len(quality_gaps(offer, today))
