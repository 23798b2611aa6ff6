"""Test data: offers in real communes, structures, accounts, and the cast of the shared
``structure``/``offer``/``manager`` fixtures (tests/conftest.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import time
from math import cos, radians

from app.accounts.models import AccountStatus, Membership, MembershipStatus, Role, User
from app.accounts.passwords import hash_password
from app.db import utcnow
from app.directory.models import (
    Offer,
    OfferKind,
    OfferStatus,
    OpeningSlot,
    Structure,
    StructureKind,
)
from app.geo import get_commune
from app.jobs.models import JobNeed, JobProposal
from app.referrals.models import Reason, Referral

WEEKDAYS_7_19 = [(d, time(7, 0), time(19, 0)) for d in range(5)]


def make_offer(
    session,
    title: str = "Multi-accueil Les Lucioles",
    kind: OfferKind = OfferKind.CRECHE_COLLECTIVE,
    code_insee: str = "83137",
    slots=WEEKDAYS_7_19,
    offset_km: tuple[float, float] = (0.0, 0.0),
    structure: Structure | None = None,
    commit: bool = True,
    **fields,
) -> Offer:
    """An offer in a real commune (Toulon by default), published, with weekday hours."""
    commune = get_commune(code_insee)
    assert commune is not None
    north_km, east_km = offset_km
    values = {
        "kind": kind,
        "status": OfferStatus.PUBLISHED,
        "title": title,
        "description": "",
        "code_insee": commune.code_insee,
        "commune_name": commune.name,
        "postcode": commune.main_postcode,
        "departement_code": commune.departement_code,
        "latitude": commune.latitude + north_km / 111.195,
        "longitude": commune.longitude + east_km / (111.195 * cos(radians(commune.latitude))),
    }
    values.update(fields)
    offer = Offer(**values)
    offer.structure = structure or Structure(
        name="Association Familles Solidaires", kind=StructureKind.ASSOCIATION
    )
    offer.slots = [OpeningSlot(weekday=d, opens=o, closes=c) for d, o, c in slots]
    session.add(offer)
    if commit:
        session.commit()
    return offer


def make_structure(
    session,
    name: str = "Association Les Lucioles",
    kind: StructureKind = StructureKind.ASSOCIATION,
    departement_code: str | None = "83",
    **fields,
) -> Structure:
    """A structure (an association of the Var by default), saved."""
    structure = Structure(name=name, kind=kind, departement_code=departement_code, **fields)
    session.add(structure)
    session.commit()
    return structure


def make_referral(session, offer: Offer, prescriber, *, commit: bool = True, **fields) -> Referral:
    """A referral of a parent (Amina K., for a job) to ``offer`` by ``prescriber``, consented now;
    ``fields`` set the rest (dates, status, answers…)."""
    values = {
        "offer_id": offer.id,
        "structure_id": offer.structure_id,
        "departement_code": offer.departement_code,
        "prescriber_id": prescriber.id,
        "idempotency_key": uuid.uuid4().hex,
        "parent_first_name": "Amina",
        "parent_initial": "K",
        "reason": Reason.JOB,
        "consent_at": utcnow(),
    }
    referral = Referral(**{**values, **fields})
    session.add(referral)
    if commit:
        session.commit()
    return referral


PASSWORD = "une phrase de passe solide"


def make_user(
    session,
    role="gestionnaire",
    email=None,
    *,
    departement_code="83",
    structures=(),
    status="active",
    password=PASSWORD,
    full_name="Camille Martin",
    organisation="Crèche test",
):
    """An account (active by default) that manages ``structures`` (approved memberships)."""
    global _USER_COUNTER
    _USER_COUNTER += 1
    user = User(
        email=email or f"{role}{_USER_COUNTER}@exemple.fr",
        password_hash=hash_password(password),
        full_name=full_name,
        organisation=organisation,
        role=Role(role),
        departement_code=departement_code,
        status=AccountStatus(status),
        email_verified_at=utcnow(),
        approved_at=utcnow() if status == "active" else None,
    )
    session.add(user)
    for structure in structures:
        session.add(Membership(user=user, structure=structure, status=MembershipStatus.APPROVED))
    session.commit()
    return user


_USER_COUNTER = 0


@dataclass(frozen=True)
class Cast:
    """The data of the shared fixtures ``structure``, ``offer`` and ``manager`` (tests/conftest.py):
    a folder's conftest overrides the ``cast`` fixture to change the data, never the fixtures."""

    #: make_structure's arguments.
    structure: dict = field(default_factory=lambda: {"name": "Association Les Lucioles"})
    #: make_offer's arguments beyond the title and the structure.
    offer: dict = field(default_factory=dict)
    #: make_user's arguments for the gestionnaire of the structure.
    manager: dict = field(
        default_factory=lambda: {
            "email": "directrice@lucioles.fr",
            "full_name": "Nadia Benali",
            "organisation": "Association Les Lucioles",
        }
    )


def make_need(session, structure: Structure, *, code_insee: str = "83137", commit=True, **fields):
    """An open job need of ``structure`` (an auxiliaire de puériculture, 35 h a week, in
    Toulon by default) welcoming insertion contracts."""
    commune = get_commune(code_insee)
    assert commune is not None
    values = {
        "structure_id": structure.id,
        "rome_code": "J1304",
        "title": "Auxiliaire de puériculture",
        "contract_kinds": ["mise-a-disposition", "cddi", "cdd"],
        "hours_per_week": 35,
        "time_slots": "Mo-Fr 07:30-14:30",
        "positions": 1,
        "qualification": "cap-aepe",
        "in_training_accepted": True,
        "contact_email": "direction@lucioles.example.org",
        "code_insee": commune.code_insee,
        "commune_name": commune.name,
        "departement_code": commune.departement_code,
        "latitude": commune.latitude,
        "longitude": commune.longitude,
    }
    need = JobNeed(**{**values, **fields})
    session.add(need)
    if commit:
        session.commit()
    return need


def make_inclusive_structure(session, name="AI Var Emploi", kind=StructureKind.SIAE_AI, **fields):
    return make_structure(
        session, name, kind, siret=fields.pop("siret", "12345678900011"), **fields
    )


def make_proposal(session, need, proposer, proposer_structure=None, *, commit=True, **fields):
    """Two people (never named) proposed for ``need``."""
    values = {
        "need_id": need.id,
        "employer_structure_id": need.structure_id,
        "proposer_structure_id": proposer_structure.id if proposer_structure else None,
        "proposer_id": proposer.id,
        "departement_code": need.departement_code,
        "contract_kind": "mise-a-disposition",
        "people": [
            {
                "qualification": "cap-aepe-en-cours",
                "available_from": "",
                "experience": "Aide à domicile.",
            },
            {"qualification": "aucune", "available_from": "", "experience": ""},
        ],
        "people_count": 2,
        "idempotency_key": uuid.uuid4().hex,
    }
    proposal = JobProposal(**{**values, **fields})
    session.add(proposal)
    if commit:
        session.commit()
    return proposal
