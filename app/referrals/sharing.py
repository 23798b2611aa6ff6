"""« Envoyer à un parent »: a professional sends an offer's essentials to a parent by email, or
copies a short text for an SMS. Plain functions without Flask.

Who may send: an active prescripteur (France Travail, Caf, mission locale, SIAE…), and an admin.
The email goes to an address typed by the sender, to a person who did not ask Passerelle for it:
an open form would make Passerelle a spam relay under its own name. A prescripteur's account is
approved by a coordinator, the email names them (the parent knows who writes) and the sending is
rate-limited per account (:data:`SHARE_LIMIT`).

Nothing about the parent is stored: the address lives only in the queued message
(:mod:`app.core.outgoing` blanks the message once sent and deletes the row after 30 days); the
sending is counted in the log only (offer id, no address).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.accounts import policies
from app.accounts.models import Role, User
from app.directory import hours
from app.directory.models import Offer
from app.directory.presenters import OfferCard, ages_text

#: Per account: a conseiller sends a handful of offers a day; more is a script or a mistake.
SHARE_LIMIT = "20 per hour; 60 per day"
#: The professional's own words added to the email.
NOTE_MAX = 500
#: An SMS of at most two parts (2 × 153 characters in GSM 7-bit encoding; accents such as « é »
#: are in the GSM alphabet, « ’ » is not: the text uses « ' »).
SMS_MAX = 306


def can_share(user: User | None) -> bool:
    return policies.is_active(user) and user.role in (Role.PRESCRIPTEUR, Role.ADMIN)


@dataclass(frozen=True)
class SharedOffer:
    """What a parent reads about an offer, in the email and the SMS."""

    title: str
    kind: str
    place: str
    lines: tuple[str, ...]  # hours, ages, places, AVIP: one fact a line
    how_to_ask: tuple[str, ...]  # the ways to ask for a place, in the order to try them
    link: str
    phone: str = ""  # the public phone number, for the SMS


def _places(offer: Offer) -> str:
    if offer.free_places is None:
        return ""
    if offer.free_places == 0:
        return "Places : complet pour l’instant (liste d’attente possible)"
    plural = "s" if offer.free_places > 1 else ""
    return f"Places : {offer.free_places} place{plural} disponible{plural}"


def _hours(card: OfferCard) -> str:
    week = hours.weekly_text(card.slots)
    return f"Horaires : {week}" if week else ""


def how_to_ask(card: OfferCard, request_link: str) -> tuple[str, ...]:
    """The ways to ask for a place, from :func:`app.directory.reach.reach` (one rule)."""
    found = card.reach
    words = {
        "request": "Demander une place en ligne, sans compte : ",
        "phone": "Téléphone : ",
        "email": "Courriel : ",
        "website": "Site : ",
    }
    lines = [
        words[c.kind] + (request_link if c.kind == "request" else c.value) for c in found.channels
    ]
    return tuple(lines) if lines else (found.ask,)


def shared_offer(card: OfferCard, link: str, request_link: str) -> SharedOffer:
    offer = card.offer
    lines = [] if offer.is_training else [_hours(card), f"Âges : {ages_text(offer)}"]
    lines.append(_places(offer))
    if card.avip_valid:
        lines.append("Label AVIP : places réservées aux parents qui reprennent un emploi")
    return SharedOffer(
        title=offer.title,
        kind=offer.kind_label,
        place=card.place,
        lines=tuple(line.replace("\u00a0", " ") for line in lines if line),
        how_to_ask=how_to_ask(card, request_link),
        link=link,
        phone=next((c.value for c in card.reach.channels if c.kind == "phone"), ""),
    )


def sms_text(shared: SharedOffer) -> str:
    """« Crèche Les Lucioles (Crèche, 83000 Toulon) - tél. 04 94 00 00 00. Pour demander une
    place : <lien> », shortened to :data:`SMS_MAX` characters by cutting the title, never the
    link (the page it opens says every way to ask)."""
    head = f"{shared.title} ({shared.kind}, {shared.place})"
    phone = f" - tél. {shared.phone}" if shared.phone else ""
    tail = f"{phone}. Pour demander une place : {shared.link}"
    room = SMS_MAX - len(tail)
    if len(head) > room:
        head = head[: max(room - 1, 0)].rstrip() + "…"
    return (head + tail).replace("’", "'").replace("\u00a0", " ")
