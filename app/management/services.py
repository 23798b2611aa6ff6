"""Offer management as plain functions over a session: saving an offer from checked input,
publication, free places, the structures a person may attach an offer to. Nothing here knows
Flask.

Every change goes through :func:`app.directory.history.record_change` in the same session (so
the same transaction) as the change itself; the views commit, then bring the search index up to
date. The search change log (``search_changes``) is written by the ``after_flush`` hook of
:mod:`app.search.changes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session

from app.accounts.models import Membership, MembershipStatus, Role, User
from app.db import utcnow
from app.directory.history import diff, history_text, record_change, snapshot
from app.directory.models import (
    OFFER_STATUS_LABELS,
    Closure,
    Offer,
    OfferKind,
    OfferStatus,
    OpeningSlot,
    Structure,
    Training,
    TrainingSession,
)
from app.directory.rules import offer_slots
from app.management.inputs import OfferInput, SessionInput, TrainingInput

# ------------------------------------------------------------ saving an offer


def _set(obj, name: str, value) -> bool:
    if getattr(obj, name) != value:
        setattr(obj, name, value)
        return True
    return False


def _apply_training(offer: Offer, data: TrainingInput | None) -> None:
    if data is None:
        if offer.training is not None:
            offer.training = None
        return
    training = offer.training
    if training is None:
        training = Training(offer=offer, certification=data.certification, modality=data.modality)
    for name in (
        "certification",
        "modality",
        "certification_name",
        "rncp_code",
        "level",
        "hours",
        "vae_possible",
        "open_to_iae",
        "organisation_uai",
    ):
        _set(training, name, getattr(data, name))
    if list(training.funding or []) != list(data.funding):
        training.funding = list(data.funding)
    current = [
        SessionInput(s.start, s.end, s.places, s.application_deadline) for s in training.sessions
    ]
    wanted = sorted(data.sessions, key=lambda s: (s.start, s.end or s.start))
    if sorted(current, key=lambda s: (s.start, s.end or s.start)) != wanted:
        training.sessions = [
            TrainingSession(
                start=s.start,
                end=s.end,
                places=s.places,
                application_deadline=s.application_deadline,
            )
            for s in wanted
        ]


def apply_input(offer: Offer, data: OfferInput, today: date) -> None:
    """Set every field of ``offer`` from ``data``; hours, closures and sessions are replaced
    only when they differ. The free places date becomes today when the number changes."""
    o = offer
    for name in (
        "kind",
        "title",
        "description",
        "address",
        "contact_name",
        "contact_phone",
        "contact_email",
        "website",
        "contact_public",
        "online_requests",
        "how_to_apply",
        "age_min_months",
        "age_max_months",
        "capacity",
        "cost_info",
        "psu_pricing",
        "disability_access",
        "disability_info",
        "valid_from",
        "valid_until",
    ):
        _set(o, name, getattr(data, name))
    if _set(o, "free_places", data.free_places):
        o.free_places_on = today if data.free_places is not None else None
    commune = data.commune
    if o.code_insee != commune.code_insee:
        o.code_insee = commune.code_insee
        o.commune_name = commune.name
        o.departement_code = commune.departement_code
        # The commune's centroid: the reference has no street addresses.
        o.latitude, o.longitude = commune.latitude, commune.longitude
    _set(o, "postcode", data.postcode or commune.main_postcode)
    if set(offer_slots(o)) != set(data.slots) or len(o.slots) != len(set(data.slots)):
        o.slots = [
            OpeningSlot(weekday=s.weekday, opens=s.opens, closes=s.closes)
            for s in sorted(set(data.slots))
        ]
    current = sorted((c.start, c.end, c.reason) for c in o.closures)
    wanted = sorted((c.start, c.end, c.reason) for c in data.closures)
    if current != wanted:
        o.closures = [Closure(start=s, end=e, reason=r) for s, e, r in wanted]
    _apply_training(o, data.training if data.kind is OfferKind.FORMATION else None)


def _attach_structure(session: Session, offer: Offer, structure_id: int) -> None:
    if offer.structure is None or offer.structure.id != structure_id:
        # The id was checked by may_use_structure() when the form was read.
        offer.structure = cast(Structure, session.get(Structure, structure_id))


def create_offer(session: Session, user: User, data: OfferInput, today: date) -> Offer:
    """A new draft offer, with its « created » history line."""
    commune = data.commune
    offer = Offer(
        status=OfferStatus.DRAFT,
        kind=data.kind,
        title=data.title,
        code_insee=commune.code_insee,
        commune_name=commune.name,
        departement_code=commune.departement_code,
        latitude=commune.latitude,
        longitude=commune.longitude,
    )
    _attach_structure(session, offer, data.structure_id)
    apply_input(offer, data, today)
    session.add(offer)
    session.flush()
    changes = {k: ["", v] for k, v in snapshot(offer).items() if v}
    record_change(session, offer, user, "created", changes)
    return offer


@dataclass
class SaveOutcome:
    changes: dict[str, list[str]]
    action: str | None  # None: nothing changed


HOURS_FIELDS = {"hours", "closures"}


def update_offer(
    session: Session, user: User, offer: Offer, data: OfferInput, today: date
) -> SaveOutcome:
    """Apply ``data`` and record what changed (« hours » when only the hours or closures did).
    Saving without any change records that the offer was checked (« confirmed »)."""
    before = snapshot(offer)
    apply_input(offer, data, today)
    _attach_structure(session, offer, data.structure_id)
    after = snapshot(offer)
    changes = diff(before, after)
    if not changes:
        confirm_offer(session, user, offer)
        return SaveOutcome({}, None)
    offer.updated_at = utcnow()  # also when only the hours, closures or sessions changed
    action = "hours" if set(changes) <= HOURS_FIELDS else "updated"
    record_change(session, offer, user, action, changes)
    return SaveOutcome(changes, action)


def confirm_offer(session: Session, user: User, offer: Offer) -> None:
    """The manager checked the offer and nothing changed: it is fresh again."""
    offer.updated_at = utcnow()
    record_change(session, offer, user, "confirmed", {})


# ---------------------------------------------------------- status and places


TRANSITIONS = {
    # name: (allowed from, to, history action)
    "publish": ((OfferStatus.DRAFT, OfferStatus.ARCHIVED), OfferStatus.PUBLISHED, "published"),
    "unpublish": ((OfferStatus.PUBLISHED,), OfferStatus.DRAFT, "unpublished"),
    "archive": ((OfferStatus.DRAFT, OfferStatus.PUBLISHED), OfferStatus.ARCHIVED, "archived"),
}


def change_status(session: Session, user: User, offer: Offer, transition: str) -> bool:
    """Publish, unpublish or archive; False (and nothing written) when not allowed from the
    current status."""
    allowed, target, action = TRANSITIONS[transition]
    if offer.status not in allowed:
        return False
    before = OFFER_STATUS_LABELS[offer.status]
    offer.status = target
    record_change(session, offer, user, action, {"status": [before, OFFER_STATUS_LABELS[target]]})
    return True


def set_free_places(session: Session, user: User, offer: Offer, places: int, today: date) -> bool:
    """The one-click update: ``places`` free as of today. False when nothing changed."""
    before = {
        "free_places": history_text(offer.free_places),
        "free_places_on": history_text(offer.free_places_on),
    }
    offer.free_places, offer.free_places_on = places, today
    after = {"free_places": history_text(places), "free_places_on": history_text(today)}
    changes = diff(before, after)
    if not changes:
        return False
    record_change(session, offer, user, "places", changes)
    return True


# ----------------------------------------------------------------- structures


def structure_choices(
    session: Session, user: User, current: Structure | None = None, limit: int = 500
) -> list[Structure]:
    """The structures ``user`` may attach an offer to (the current one always included)."""
    query = select(Structure).order_by(Structure.name, Structure.id)
    if user.role == Role.GESTIONNAIRE:
        query = query.join(Membership, Membership.structure_id == Structure.id).where(
            Membership.user_id == user.id, Membership.status == MembershipStatus.APPROVED
        )
    elif user.role == Role.COORDINATEUR:
        in_departement = select(Offer.structure_id).where(
            Offer.departement_code == user.departement_code
        )
        query = query.where(
            or_(
                Structure.departement_code == user.departement_code,
                Structure.id.in_(in_departement),
            )
        )
    elif user.role != Role.ADMIN:
        query = query.where(false())
    structures = list(session.scalars(query.limit(limit)))
    if current is not None and current not in structures:
        structures.insert(0, current)
    return structures


def may_use_structure(
    session: Session, user: User, structure_id: int, current_id: int | None = None
) -> bool:
    if structure_id == current_id:
        return True
    if user.role == Role.ADMIN:
        return session.get(Structure, structure_id) is not None
    return any(s.id == structure_id for s in structure_choices(session, user, limit=100_000))
