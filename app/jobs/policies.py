"""Who may do what in the job exchange. Every view asks these functions about every object;
an object out of reach is answered 404.

- a gestionnaire publishes needs for the structures they manage and answers the proposals
  those needs receive;
- an employeur inclusif (SIAE, GEIQ) publishes what its structure can propose and proposes
  people; it sees only its structure's proposals;
- a prescripteur (Caf, France Travail…) proposes people and sees only their own proposals;
- a coordinator sees the exchanges of their département (detailed tension), an admin all;
- nobody reads the exchanges of another structure.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from app.accounts.models import Role, User
from app.accounts.policies import coordinates, is_active, member_structure_ids
from app.jobs.models import JobCapacity, JobNeed, JobProposal


class Party(StrEnum):
    EMPLOYER = "employeur"
    PROPOSER = "proposant"
    COORDINATION = "coordination"


def employer_structure_ids(session: Session, user: User | None) -> set[int]:
    return member_structure_ids(session, user, Role.GESTIONNAIRE)


def inclusive_structure_ids(session: Session, user: User | None) -> set[int]:
    return member_structure_ids(session, user, Role.EMPLOYEUR_INCLUSIF)


def can_publish_needs(session: Session, user: User | None) -> bool:
    return bool(employer_structure_ids(session, user))


def can_publish_capacities(session: Session, user: User | None) -> bool:
    return bool(inclusive_structure_ids(session, user))


def can_propose(session: Session, user: User | None) -> bool:
    """SIAE and GEIQ staff, and prescripteurs (a Caf or France Travail adviser)."""
    if not is_active(user):
        return False
    return user.role == Role.PRESCRIPTEUR or bool(inclusive_structure_ids(session, user))


def can_edit_need(session: Session, user: User | None, need: JobNeed) -> bool:
    if not is_active(user):
        return False
    if user.role == Role.ADMIN:
        return True
    return need.structure_id in employer_structure_ids(session, user)


def can_edit_capacity(session: Session, user: User | None, capacity: JobCapacity) -> bool:
    if not is_active(user):
        return False
    if user.role == Role.ADMIN:
        return True
    return capacity.structure_id in inclusive_structure_ids(session, user)


def party_of(session: Session, user: User | None, proposal: JobProposal) -> Party | None:
    """How ``user`` stands to a proposal, or None (then it is out of reach)."""
    if not is_active(user):
        return None
    if user.role == Role.GESTIONNAIRE and proposal.employer_structure_id in employer_structure_ids(
        session, user
    ):
        return Party.EMPLOYER
    if user.role == Role.EMPLOYEUR_INCLUSIF and (
        proposal.proposer_structure_id in inclusive_structure_ids(session, user)
    ):
        return Party.PROPOSER
    if user.role == Role.PRESCRIPTEUR and proposal.proposer_id == user.id:
        return Party.PROPOSER
    if user.role in (Role.COORDINATEUR, Role.ADMIN) and coordinates(
        user, proposal.departement_code
    ):
        return Party.COORDINATION
    return None
