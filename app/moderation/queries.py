"""What a coordinator sees: the items of their département (everything for an admin)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import false, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from app.accounts.models import AccountStatus, Membership, MembershipStatus, Role, User
from app.accounts.policies import is_active, managed_structure_ids
from app.directory.models import Offer, Structure
from app.moderation.models import ApplicationStatus, AvipApplication, ErrorReport, ReportStatus

#: Each list of the queue shows the oldest items first, this many at most.
QUEUE_LIMIT = 50


def in_scope(column, user: User):
    """A SQL condition: ``column`` (a département code) is one ``user`` coordinates."""
    if not is_active(user):
        return false()
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.COORDINATEUR and user.departement_code:
        return column == user.departement_code
    return false()


@dataclass
class Section:
    items: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass
class Queue:
    reports: Section
    accounts: Section
    structures: Section
    applications: Section
    recent_reports: list[ErrorReport] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.reports.total
            or self.accounts.total
            or self.structures.total
            or self.applications.total
        )


def _section(session: Session, query, order, limit: int = QUEUE_LIMIT) -> Section:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(session.scalars(query.order_by(*order).limit(limit))) if total else []
    return Section(items, total)


def queue(session: Session, user: User) -> Queue:
    reports = (
        select(ErrorReport)
        .where(
            ErrorReport.status == ReportStatus.OPEN, in_scope(ErrorReport.departement_code, user)
        )
        .options(selectinload(ErrorReport.offer))
    )
    accounts = (
        select(User)
        .where(User.status == AccountStatus.PENDING, in_scope(User.departement_code, user))
        .options(selectinload(User.memberships).selectinload(Membership.structure))
    )
    applications = (
        select(AvipApplication)
        .where(
            AvipApplication.status == ApplicationStatus.SUBMITTED,
            in_scope(AvipApplication.departement_code, user),
        )
        .options(selectinload(AvipApplication.offer), selectinload(AvipApplication.structure))
    )
    recent = (
        select(ErrorReport)
        .where(
            ErrorReport.status != ReportStatus.OPEN, in_scope(ErrorReport.departement_code, user)
        )
        .options(selectinload(ErrorReport.offer))
        .order_by(ErrorReport.handled_at.desc(), ErrorReport.id.desc())
        .limit(10)
    )
    return Queue(
        reports=_section(session, reports, (ErrorReport.created_at, ErrorReport.id)),
        accounts=_section(session, accounts, (User.created_at, User.id)),
        structures=_section(
            session, declared_structures_query(user), (Structure.created_at, Structure.id)
        ),
        applications=_section(
            session, applications, (AvipApplication.submitted_at, AvipApplication.id)
        ),
        recent_reports=list(session.scalars(recent)),
    )


def declared_structures_query(user: User):
    """Structures declared by managers, not approved yet, that someone still asks to manage."""
    waiting = (
        select(Membership.id)
        .where(
            Membership.structure_id == Structure.id, Membership.status == MembershipStatus.PENDING
        )
        .exists()
    )
    return select(Structure).where(
        Structure.approved.is_(False), in_scope(Structure.departement_code, user), waiting
    )


@dataclass
class DeclaredStructure:
    structure: Structure
    requesters: list[User]


def declared_structures(session: Session, structures: list[Structure]) -> list[DeclaredStructure]:
    if not structures:
        return []
    rows = session.execute(
        select(Membership.structure_id, User)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.structure_id.in_([s.id for s in structures]),
            Membership.status == MembershipStatus.PENDING,
        )
        .order_by(Membership.id)
    ).all()
    by_structure: dict[int, list[User]] = {}
    for structure_id, requester in rows:
        by_structure.setdefault(structure_id, []).append(requester)
    return [DeclaredStructure(s, by_structure.get(s.id, [])) for s in structures]


def applications_history(session: Session, user: User, limit: int = 200) -> list[AvipApplication]:
    """Every application of the coordinator's département, newest first."""
    return list(
        session.scalars(
            select(AvipApplication)
            .where(in_scope(AvipApplication.departement_code, user))
            .options(selectinload(AvipApplication.offer), selectinload(AvipApplication.structure))
            .order_by(AvipApplication.submitted_at.desc(), AvipApplication.id.desc())
            .limit(limit)
        )
    )


def related_applications(session: Session, application: AvipApplication) -> list[AvipApplication]:
    """The other applications for the same offer, or for the same structure's sites, newest
    first."""
    if application.all_sites:
        condition = AvipApplication.structure_id == application.structure_id
    else:
        condition = or_(
            AvipApplication.offer_id == application.offer_id,
            (AvipApplication.structure_id == application.structure_id)
            & AvipApplication.all_sites.is_(True)
            & (AvipApplication.departement_code == application.departement_code),
        )
    return list(
        session.scalars(
            select(AvipApplication)
            .where(condition, AvipApplication.id != application.id)
            .options(selectinload(AvipApplication.offer))
            .order_by(AvipApplication.submitted_at.desc(), AvipApplication.id.desc())
        )
    )


def applications_of_manager(session: Session, user: User) -> list[AvipApplication]:
    ids = managed_structure_ids(session, user)
    return list(
        session.scalars(
            select(AvipApplication)
            .where(AvipApplication.structure_id.in_(ids or {-1}))
            .options(selectinload(AvipApplication.offer), selectinload(AvipApplication.structure))
            .order_by(AvipApplication.submitted_at.desc(), AvipApplication.id.desc())
        )
    )


def managed_structures(session: Session, user: User) -> list[Structure]:
    ids = managed_structure_ids(session, user)
    if not ids:
        return []
    return list(
        session.scalars(
            select(Structure)
            .where(Structure.id.in_(ids))
            .options(selectinload(Structure.offers).selectinload(Offer.slots))
            .order_by(Structure.name, Structure.id)
        )
    )


def invitable_structures(session: Session, departement_code: str) -> list[Structure]:
    """Approved structures of a département: declared there, or with an offer there."""
    with_offer_there = select(Offer.structure_id).where(Offer.departement_code == departement_code)
    return list(
        session.scalars(
            select(Structure)
            .where(
                Structure.approved.is_(True),
                or_(
                    Structure.departement_code == departement_code,
                    Structure.id.in_(with_offer_there),
                ),
            )
            .order_by(Structure.name, Structure.id)
        )
    )


def coordinators_of(session: Session, departement_code: str) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(
                User.role == Role.COORDINATEUR,
                User.status == AccountStatus.ACTIVE,
                User.departement_code == departement_code,
            )
            .order_by(User.id)
        )
    )


#: « Mon espace » of a coordinator: AVIP labels whose review date is this close (or past while
#: the label is still on) are « à réexaminer » (issue 22).
REVIEW_DUE_WITHIN_DAYS = 60


def label_reviews_due(session: Session, user: User, today: date) -> Section:
    """The AVIP offers of the coordinator's département whose label review is due, soonest
    first (5 shown, all counted)."""
    query = reviews_due_query(today).where(in_scope(Offer.departement_code, user))
    return _section(session, query, (Offer.avip_review_on, Offer.id), limit=5)


def reviews_due_query(today: date):
    """The AVIP offers whose label review is due (within :data:`REVIEW_DUE_WITHIN_DAYS`, or
    past while the label is still on), unordered and unscoped."""
    return select(Offer).where(
        Offer.avip.is_(True),
        Offer.avip_review_on.is_not(None),
        Offer.avip_review_on <= today + timedelta(days=REVIEW_DUE_WITHIN_DAYS),
    )
