"""Test data factories."""

from __future__ import annotations

from datetime import time
from math import cos, radians

from app.directory.models import (
    Offer,
    OfferKind,
    OfferStatus,
    OpeningSlot,
    Structure,
    StructureKind,
)
from app.geo import get_commune

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
    values = dict(
        kind=kind,
        status=OfferStatus.PUBLISHED,
        title=title,
        description="",
        code_insee=commune.code_insee,
        commune_name=commune.name,
        postcode=commune.main_postcode,
        departement_code=commune.departement_code,
        latitude=commune.latitude + north_km / 111.195,
        longitude=commune.longitude + east_km / (111.195 * cos(radians(commune.latitude))),
    )
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
    from app.accounts.models import AccountStatus, Membership, MembershipStatus, Role, User
    from app.accounts.passwords import hash_password
    from app.db import utcnow

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
