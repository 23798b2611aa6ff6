"""Who may see and change what. Every view asks these functions about every object; an object
a person may not reach is answered 404 (its existence is not revealed).

- admin: everything;
- coordinateur: what belongs to their département (offers, structures, reports, label
  applications, account requests);
- gestionnaire: the offers of the structures they manage (approved membership);
- prescripteur: no management (referrals come with their own rules).
"""

from __future__ import annotations

from typing import Protocol, TypeGuard

from sqlalchemy import false, select
from sqlalchemy.orm import Session

from app.accounts.models import AccountStatus, Membership, MembershipStatus, Role, User
from app.directory.models import Offer, Structure


def is_active(user: User | None) -> TypeGuard[User]:
    return user is not None and getattr(user, "status", None) == AccountStatus.ACTIVE


def member_structure_ids(session: Session, user: User | None, role: Role) -> set[int]:
    """The structures an active account of ``role`` belongs to (approved memberships): the
    ones a gestionnaire manages, or an employeur inclusif's SIAE or GEIQ."""
    if not is_active(user) or user.role != role:
        return set()
    return set(
        session.scalars(
            select(Membership.structure_id).where(
                Membership.user_id == user.id, Membership.status == MembershipStatus.APPROVED
            )
        )
    )


def managed_structure_ids(session: Session, user: User) -> set[int]:
    return member_structure_ids(session, user, Role.GESTIONNAIRE)


def member_emails(session: Session, structure_id: int, role: Role) -> list[str]:
    """The addresses of a structure's active accounts of ``role`` (approved memberships), in
    the order they joined: where a structure is told about a request."""
    return list(
        session.scalars(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.structure_id == structure_id,
                Membership.status == MembershipStatus.APPROVED,
                User.role == role,
                User.status == AccountStatus.ACTIVE,
            )
            .order_by(Membership.id)
        )
    )


def coordinates(user: User | None, departement_code: str | None) -> bool:
    """A coordinator of this département, or an admin."""
    if not is_active(user):
        return False
    if user.role == Role.ADMIN:
        return True
    return (
        user.role == Role.COORDINATEUR
        and departement_code is not None
        and user.departement_code == departement_code
    )


class PlacedOffer(Protocol):
    """What deciding who manages an offer reads: an offer, or one about to be saved."""

    @property
    def structure_id(self) -> int | None: ...

    @property
    def departement_code(self) -> str | None: ...


def can_manage_offer(session: Session, user: User | None, offer: PlacedOffer) -> bool:
    if not is_active(user):
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.COORDINATEUR:
        return coordinates(user, offer.departement_code)
    if user.role == Role.GESTIONNAIRE:
        return offer.structure_id in managed_structure_ids(session, user)
    return False


def can_manage_structure(session: Session, user: User | None, structure: Structure) -> bool:
    if not is_active(user):
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.GESTIONNAIRE:
        return structure.id in managed_structure_ids(session, user)
    if user.role == Role.COORDINATEUR:
        return coordinates(user, structure.departement_code) or any(
            coordinates(user, offer.departement_code) for offer in structure.offers
        )
    return False


def manageable_offers_query(session: Session, user: User):
    """A SELECT of the offers ``user`` may manage (empty for other roles)."""
    query = select(Offer)
    if not is_active(user):
        return query.where(false())
    if user.role == Role.ADMIN:
        return query
    if user.role == Role.COORDINATEUR:
        return query.where(Offer.departement_code == user.departement_code)
    if user.role == Role.GESTIONNAIRE:
        return query.where(Offer.structure_id.in_(managed_structure_ids(session, user) or {-1}))
    return query.where(false())
