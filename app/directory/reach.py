"""How a parent reaches an offer, decided once for the offer page, the result cards, the API,
the widget and the open-data export: what of the address may be published, and the ways to
ask for a place (phone, email, website, the online request, or whom to ask).

Plain functions without Flask. A private person's street is never published: a childminder
(« assistant·e maternel·le »), a private person's structure, or any offer whose contact is not
public shows its commune only, and its map point is rounded to about a kilometre. The data stays
in the database for the structure's managers and coordinators (back office).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.directory.models import Offer, OfferKind, StructureKind

#: Decimal places of a private offer's published latitude/longitude: 0.01° is about 1.1 km.
COARSE_DECIMALS = 2


def street_is_private(offer: Offer) -> bool:
    """True when the street would show where a private person lives."""
    structure = offer.structure
    return (
        not offer.contact_public
        or offer.kind is OfferKind.ASSISTANT_MATERNEL
        or (structure is not None and structure.kind is StructureKind.PARTICULIER)
    )


def public_street(offer: Offer) -> str:
    """The street that may be published: empty for a private person."""
    return "" if street_is_private(offer) else offer.address.strip()


def public_place(offer: Offer) -> str:
    """« 12 rue des Lilas, 83000 Toulon », or « 83000 Toulon » for a private person."""
    town = " ".join(part for part in (offer.postcode, offer.commune_name) if part)
    street = public_street(offer)
    return f"{street}, {town}" if street else town


def public_point(offer: Offer) -> tuple[float, float]:
    """The latitude and longitude that may be published (coarse for a private person)."""
    if street_is_private(offer):
        return round(offer.latitude, COARSE_DECIMALS), round(offer.longitude, COARSE_DECIMALS)
    return offer.latitude, offer.longitude


# --------------------------------------------------------------------------- reaching the offer


def takes_online_requests(offer: Offer) -> bool:
    """« Demander une place » is offered: a childcare offer whose structure has an email
    address to receive the request and has not turned requests off (the request itself is
    only taken for a published offer)."""
    return (
        offer.kind is not OfferKind.FORMATION
        and offer.online_requests
        and bool(offer.contact_email.strip())
    )


@dataclass(frozen=True)
class Channel:
    """One way to reach the offer: ``kind`` is phone, email, website or request."""

    kind: str
    value: str = ""


@dataclass(frozen=True)
class Reach:
    channels: tuple[Channel, ...]
    #: Whom to ask when the offer cannot be reached directly (empty when it can).
    ask: str = ""
    #: The same in a few words, for a result card.
    ask_short: str = ""

    @property
    def by_phone(self) -> bool:
        return any(c.kind == "phone" for c in self.channels)

    @property
    def online(self) -> bool:
        return any(c.kind == "request" for c in self.channels)


def _website(value: str) -> str:
    value = value.strip()
    return value if value.startswith(("https://", "http://")) else ""


def whom_to_ask(offer: Offer, departement_name: str = "") -> str:
    """The person a parent asks when the offer takes no online request and has no public
    contact: the commune's relais petite enfance (it knows the childminders' availability),
    or the AVIP coordination of the département for an AVIP crèche."""
    where = f" de {departement_name}" if departement_name else " du département"
    if offer.kind is OfferKind.FORMATION:
        return (
            "Demandez à votre conseiller (France Travail, mission locale…) : il connaît "
            "l’organisme et peut vous y orienter."
        )
    if offer.avip:
        return (
            "Demandez à votre conseiller France Travail ou à la coordination AVIP"
            f"{where} de vous orienter vers cette crèche : elle réserve des places aux parents "
            "qui reprennent un emploi ou une formation."
        )
    return (
        f"Demandez au relais petite enfance (RPE) de {offer.commune_name} ou à sa mairie : "
        "ils connaissent les disponibilités et transmettent votre demande. Votre conseiller "
        "(France Travail, Caf…) peut aussi vous orienter vers cette offre."
    )


def how_to_apply(offer: Offer, found: Reach) -> str:
    """The structure's own advice on applying, unless it asks to phone and no phone number is
    public (« Téléphonez pour convenir d’une visite » without a number is a dead end)."""
    text = offer.how_to_apply.strip()
    if not found.by_phone and any(w in text.lower() for w in ("téléphon", "appelez", "appeler")):
        return ""
    return text


def reach(offer: Offer, departement_name: str = "") -> Reach:
    """The ways to reach ``offer``, in the order a parent tries them."""
    channels: list[Channel] = []
    if takes_online_requests(offer):
        channels.append(Channel("request"))
    if offer.contact_public:
        if offer.contact_phone.strip():
            channels.append(Channel("phone", offer.contact_phone.strip()))
        if offer.contact_email.strip():
            channels.append(Channel("email", offer.contact_email.strip()))
        if _website(offer.website):
            channels.append(Channel("website", _website(offer.website)))
    if channels:
        return Reach(tuple(channels))
    return Reach((), whom_to_ask(offer, departement_name), whom_to_ask_short(offer))


def whom_to_ask_short(offer: Offer) -> str:
    if offer.kind is OfferKind.FORMATION:
        return "À demander à votre conseiller"
    if offer.avip:
        return "À demander à votre conseiller ou à la coordination AVIP"
    return f"À demander au relais petite enfance de {offer.commune_name}"


#: Kinds whose parents look for a childminder: the relais petite enfance lists them.
RELAIS_KINDS = (OfferKind.ASSISTANT_MATERNEL, OfferKind.MAM, OfferKind.GARDE_DOMICILE)


def points_to_relais(offer: Offer, found: Reach) -> bool:
    """Point the parent to the commune's relais petite enfance: for a childminder (or MAM,
    home care), and for any childcare offer a parent cannot reach directly."""
    if offer.kind in (OfferKind.FORMATION, OfferKind.RELAIS_PETITE_ENFANCE) or offer.avip:
        return False
    return offer.kind in RELAIS_KINDS or not found.channels
