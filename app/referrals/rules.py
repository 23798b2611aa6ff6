"""The rules of a referral, as plain functions with no database: who may move it to which
status, when reminders and expiry are due, when personal data must go, and the response-time
figures. Services and the daily command apply them.

The state machine (side that may make each move):

=====================  =========================================================  ============
from                   to                                                          by
=====================  =========================================================  ============
en attente             acceptée, liste d’attente, refusée, informations demandées  structure
informations demandées acceptée, liste d’attente, refusée                          structure
informations demandées en attente (the prescripteur gave the information)          prescripteur
liste d’attente        acceptée, refusée                                           structure
any open status        annulée                                                     prescripteur
en attente, infos dem. expirée (30 days without activity)                          system
liste d’attente        expirée (6 months without news)                             system
=====================  =========================================================  ============

Acceptée, refusée, expirée and annulée are closed: nothing moves them any more, and personal
data is blanked 6 months (``REFERRAL_RETENTION_DAYS``) after the closing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from app.core import followup
from app.referrals.models import ReferralStatus as S
from app.referrals.models import Side

REMINDER_DAYS = (3, 7)
EXPIRY_DAYS = 30
WAITING_LIST_EXPIRY_DAYS = 183
DEFAULT_RETENTION_DAYS = 183  # about 6 months
DUPLICATE_WINDOW_DAYS = 30
BADGE_WINDOW_DAYS = 183
BADGE_MINIMUM = 3

OPEN = frozenset({S.SENT, S.INFO_REQUESTED, S.WAITING_LIST})
CLOSED = frozenset({S.ACCEPTED, S.REFUSED, S.EXPIRED, S.CANCELLED})
#: The structure's answers (the first one stops the response-time clock).
ANSWERS = (S.ACCEPTED, S.WAITING_LIST, S.REFUSED, S.INFO_REQUESTED)

TRANSITIONS: dict[S, dict[S, Side]] = {
    S.SENT: {
        S.ACCEPTED: Side.STRUCTURE,
        S.WAITING_LIST: Side.STRUCTURE,
        S.REFUSED: Side.STRUCTURE,
        S.INFO_REQUESTED: Side.STRUCTURE,
        S.CANCELLED: Side.PRESCRIBER,
        S.EXPIRED: Side.SYSTEM,
    },
    S.INFO_REQUESTED: {
        S.ACCEPTED: Side.STRUCTURE,
        S.WAITING_LIST: Side.STRUCTURE,
        S.REFUSED: Side.STRUCTURE,
        S.SENT: Side.PRESCRIBER,
        S.CANCELLED: Side.PRESCRIBER,
        S.EXPIRED: Side.SYSTEM,
    },
    S.WAITING_LIST: {
        S.ACCEPTED: Side.STRUCTURE,
        S.REFUSED: Side.STRUCTURE,
        S.CANCELLED: Side.PRESCRIBER,
        S.EXPIRED: Side.SYSTEM,
    },
}

STATUS_LABELS = {
    S.SENT: "En attente de réponse",
    S.INFO_REQUESTED: "Informations demandées",
    S.WAITING_LIST: "Sur liste d’attente",
    S.ACCEPTED: "Acceptée",
    S.REFUSED: "Refusée",
    S.EXPIRED: "Expirée sans réponse",
    S.CANCELLED: "Annulée",
}

REFUSAL_REASONS = {
    "complet": "Plus de place disponible",
    "horaires": "Les horaires ne correspondent pas",
    "age": "L’âge de l’enfant ne correspond pas",
    "secteur": "Hors de notre secteur d’accueil",
    "injoignable": "Le parent n’a pas pu être joint",
    "autre-solution": "Le parent a trouvé une autre solution",
    "autre": "Autre raison",
}


class TransitionError(ValueError):
    """A move the rules do not allow; the message is French, for the person who tried."""


def allowed(current: S, target: S, side: Side) -> bool:
    return TRANSITIONS.get(current, {}).get(target) == side


def check_transition(current: S, target: S, side: Side) -> None:
    if allowed(current, target, side):
        return
    if current in CLOSED:
        raise TransitionError(
            f"Cette orientation est close ({STATUS_LABELS[current].lower()}) : "
            "elle ne peut plus changer."
        )
    raise TransitionError(
        f"Impossible de passer de « {STATUS_LABELS[current]} » à « {STATUS_LABELS[target]} »."
    )


def answers_for(current: S, from_parent: bool = False) -> tuple[S, ...]:
    """The answers the structure may give now, in the order the form lists them. A parent's
    own request has no « informations demandées »: the parent has no account to answer it, the
    structure contacts her directly (her email and phone are in the request)."""
    return tuple(
        s
        for s in ANSWERS
        if allowed(current, s, Side.STRUCTURE) and not (from_parent and s == S.INFO_REQUESTED)
    )


def reminder_due(
    status: S,
    first_answer_at: datetime | None,
    sent_at: datetime,
    reminders_sent: int,
    now: datetime,
) -> int | None:
    """The number of the reminder to send now (1 at 3 days, 2 at 7 days), or None. A reminder
    missed because the command did not run is not sent late if the next one is due."""
    if status != S.SENT or first_answer_at is not None:
        return None
    return followup.reminder_number(sent_at, reminders_sent, now, REMINDER_DAYS)


def expiry_due(status: S, last_activity_at: datetime, now: datetime) -> bool:
    if status in (S.SENT, S.INFO_REQUESTED):
        return followup.inactive_for(last_activity_at, now, EXPIRY_DAYS)
    if status == S.WAITING_LIST:
        return followup.inactive_for(last_activity_at, now, WAITING_LIST_EXPIRY_DAYS)
    return False


def purge_due(
    closed_at: datetime | None, anonymised_at: datetime | None, now: datetime, retention_days: int
) -> bool:
    return followup.purge_due(closed_at, anonymised_at, now, retention_days)


def response_hours(sent_at: datetime, first_answer_at: datetime | None) -> float | None:
    return followup.hours_between(sent_at, first_answer_at)


@dataclass(frozen=True)
class Sample:
    """One referral for the response-time figures: hours to the first answer, or None when it
    was never answered (expired or still unanswered after the reminders)."""

    hours: float | None


def median_hours(samples: list[Sample]) -> float | None:
    """The median time to a first answer, counting a never-answered referral as infinitely
    slow (so a structure that answers half its referrals has no « usual » time). None when
    there is no sample or the median is « never »."""
    return followup.median_hours(s.hours for s in samples)


def response_badge(samples: list[Sample]) -> str | None:
    """« Répond aux orientations sous 3 jours » (the usual time: the median; it concerns the
    professionals' referrals, the only answers measured), or None with fewer than 3 referrals
    or no usual time. Short enough to stay on one line of a phone (the pill of the offer page)."""
    if len(samples) < BADGE_MINIMUM:
        return None
    median = median_hours(samples)
    if median is None:
        return None
    days = max(1, math.ceil(median / 24))
    return f"Répond aux orientations sous {days}\u00a0jour{'s' if days > 1 else ''}"
