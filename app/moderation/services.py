"""The coordinators' work as plain functions over a session: the AVIP label (apply, grant,
refuse, withdraw), error reports (file, resolve, dismiss) and declared structures.

Each function changes the session only; the view commits once (one transaction per action),
then sends the emails. A rule that refuses raises :class:`ModerationError` with a French
message. Decisions are taken with a conditional UPDATE (``… WHERE status = 'submitted'``): two
coordinators deciding the same item at once cannot both win."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from app.accounts.models import (
    SELF_SERVICE_ROLES,
    AccountStatus,
    Membership,
    MembershipStatus,
    User,
)
from app.db import utcnow
from app.directory import hours
from app.directory.history import diff, history_text, record_change
from app.directory.models import Offer, OfferKind, OfferStatus, Structure
from app.directory.rules import offer_slots
from app.moderation.models import ApplicationStatus, AvipApplication, ErrorReport, ReportStatus

#: The kinds of offer that may carry the AVIP label (the 2022 protocol opened it to
#: childminders and MAM besides crèches).
AVIP_KINDS = (
    OfferKind.CRECHE_COLLECTIVE,
    OfferKind.MICRO_CRECHE,
    OfferKind.CRECHE_FAMILIALE,
    OfferKind.CRECHE_PARENTALE,
    OfferKind.MAM,
    OfferKind.ASSISTANT_MATERNEL,
)
#: The 2016 charter's daily opening: shown next to each application, no longer required.
AVIP_REFERENCE_AMPLITUDE_MINUTES = 12 * 60


class ModerationError(ValueError):
    """A rule refuses the action; ``message`` is French, for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- AVIP label


def avip_eligible(offer: Offer) -> bool:
    return offer.kind in AVIP_KINDS and offer.status is not OfferStatus.ARCHIVED


def amplitude_minutes(offer: Offer) -> int:
    """The longest daily opening of the offer, from its weekly slots."""
    slots = offer_slots(offer)
    return hours.summarize(slots).max_daily_amplitude_minutes


def eligible_offers(
    session: Session, structure_id: int, departement_code: str | None = None
) -> list[Offer]:
    query = select(Offer).where(
        Offer.structure_id == structure_id,
        Offer.kind.in_(AVIP_KINDS),
        Offer.status != OfferStatus.ARCHIVED,
    )
    if departement_code is not None:
        query = query.where(Offer.departement_code == departement_code)
    return list(session.scalars(query.order_by(Offer.departement_code, Offer.title, Offer.id)))


def application_offers(session: Session, application: AvipApplication) -> list[Offer]:
    """The offers a decision on ``application`` labels (now: an all-sites application covers
    the structure's eligible offers of its département, including sites added since)."""
    if application.all_sites:
        return eligible_offers(session, application.structure_id, application.departement_code)
    offer = application.offer
    return [offer] if offer is not None and avip_eligible(offer) else []


@dataclass(frozen=True)
class Criteria:
    reserved_places: int
    hours_commitment: str
    partnership: str
    short_notice: str


def _pending(session: Session, *conditions) -> AvipApplication | None:
    return session.scalar(
        select(AvipApplication)
        .where(AvipApplication.status == ApplicationStatus.SUBMITTED, *conditions)
        .order_by(AvipApplication.id)
        .limit(1)
    )


def pending_application_for_offer(session: Session, offer: Offer) -> AvipApplication | None:
    """A submitted application covering ``offer`` (its own, or its structure's all-sites one)."""
    own = _pending(
        session, AvipApplication.offer_id == offer.id, AvipApplication.all_sites.is_(False)
    )
    return own or _pending(
        session,
        AvipApplication.structure_id == offer.structure_id,
        AvipApplication.all_sites.is_(True),
        AvipApplication.departement_code == offer.departement_code,
    )


def _new_application(
    applicant: User,
    structure_id: int,
    departement_code: str,
    criteria: Criteria,
    offer: Offer | None,
) -> AvipApplication:
    return AvipApplication(
        offer=offer,
        structure_id=structure_id,
        all_sites=offer is None,
        departement_code=departement_code,
        applicant_id=applicant.id,
        submitted_at=utcnow(),
        reserved_places=criteria.reserved_places,
        hours_commitment=criteria.hours_commitment,
        partnership=criteria.partnership,
        short_notice=criteria.short_notice,
        status=ApplicationStatus.SUBMITTED,
    )


def apply_for_offer(
    session: Session, applicant: User, offer: Offer, criteria: Criteria
) -> AvipApplication:
    """An application for one offer, routed to the coordinators of the offer's département."""
    if not avip_eligible(offer):
        raise ModerationError("Ce type d’offre ne peut pas recevoir le label AVIP.")
    if pending_application_for_offer(session, offer) is not None:
        raise ModerationError("Une demande de label est déjà en cours pour cette offre.")
    application = _new_application(
        applicant, offer.structure_id, offer.departement_code, criteria, offer
    )
    session.add(application)
    session.flush()
    return application


def apply_for_all_sites(
    session: Session, applicant: User, structure: Structure, criteria: Criteria
) -> list[AvipApplication]:
    """An application for every eligible site of a structure: one per département the sites are
    in, since each département's coordinators decide for their own territory."""
    by_departement: dict[str, list[Offer]] = defaultdict(list)
    for offer in eligible_offers(session, structure.id):
        by_departement[offer.departement_code].append(offer)
    if not by_departement:
        raise ModerationError("Cette structure n’a aucune offre qui peut recevoir le label AVIP.")
    applications = []
    for departement_code in sorted(by_departement):
        if (
            _pending(
                session,
                AvipApplication.structure_id == structure.id,
                AvipApplication.all_sites.is_(True),
                AvipApplication.departement_code == departement_code,
            )
            is not None
        ):
            raise ModerationError(
                "Une demande pour tous les sites de cette structure est déjà en cours."
            )
        applications.append(
            _new_application(applicant, structure.id, departement_code, criteria, None)
        )
    session.add_all(applications)
    session.flush()
    return applications


def _decide(
    session: Session, application: AvipApplication, status: ApplicationStatus, **values
) -> None:
    """Move a submitted application to ``status``; ModerationError if someone decided first."""
    result = cast(
        CursorResult,
        session.execute(
            update(AvipApplication)
            .where(
                AvipApplication.id == application.id,
                AvipApplication.status == ApplicationStatus.SUBMITTED,
            )
            .values(status=status, **values)
            .execution_options(synchronize_session="fetch")
        ),
    )
    if result.rowcount != 1:
        raise ModerationError("Cette demande a déjà été traitée.")
    session.refresh(application)


def grant(
    session: Session,
    decider: User,
    application: AvipApplication,
    *,
    start: date,
    review: date,
    places: int,
    note: str = "",
) -> list[Offer]:
    """Grant the label from ``start`` to ``review`` on the offer(s) of the application; each
    labelled offer's history records the change."""
    if review <= start:
        raise ModerationError("La date de réexamen doit venir après le début du label.")
    offers = application_offers(session, application)
    if not offers:
        raise ModerationError(
            "Plus aucune offre de cette demande ne peut recevoir le label "
            "(offre archivée ou d’un autre type)."
        )
    now = utcnow()
    _decide(
        session,
        application,
        ApplicationStatus.GRANTED,
        decided_by_id=decider.id,
        decided_at=now,
        label_start=start,
        label_review=review,
        decision_reason=note,
    )
    for offer in offers:
        before = {
            name: getattr(offer, name)
            for name in ("avip", "avip_places", "avip_since", "avip_review_on")
        }
        offer.avip, offer.avip_places, offer.avip_since, offer.avip_review_on = (
            True,
            places,
            start,
            review,
        )
        after = {name: getattr(offer, name) for name in before}
        record_change(
            session,
            offer,
            decider,
            "avip_granted",
            diff(
                {name: history_text(value) for name, value in before.items()},
                {name: history_text(value) for name, value in after.items()},
            ),
        )
    return offers


def refuse(session: Session, decider: User, application: AvipApplication, reason: str) -> None:
    if not reason.strip():
        raise ModerationError("Indiquez le motif du refus.")
    _decide(
        session,
        application,
        ApplicationStatus.REFUSED,
        decided_by_id=decider.id,
        decided_at=utcnow(),
        decision_reason=reason.strip(),
    )


def withdraw(session: Session, user: User, application: AvipApplication) -> None:
    _decide(
        session,
        application,
        ApplicationStatus.WITHDRAWN,
        decided_by_id=user.id,
        decided_at=utcnow(),
    )


# -------------------------------------------------------------------------- error reports


def report_error(
    session: Session, offer: Offer, category: str, message: str, email: str = ""
) -> ErrorReport:
    """A report from the public, routed to the offer's département."""
    report = ErrorReport(
        offer_id=offer.id,
        departement_code=offer.departement_code,
        category=category,
        message=message.strip(),
        reporter_email=(email or "").strip().lower(),
        created_at=utcnow(),
        status=ReportStatus.OPEN,
    )
    session.add(report)
    session.flush()
    return report


def close_report(
    session: Session, user: User, report: ErrorReport, *, resolved: bool, note: str = ""
) -> None:
    result = cast(
        CursorResult,
        session.execute(
            update(ErrorReport)
            .where(ErrorReport.id == report.id, ErrorReport.status == ReportStatus.OPEN)
            .values(
                status=ReportStatus.RESOLVED if resolved else ReportStatus.DISMISSED,
                handled_by_id=user.id,
                handled_at=utcnow(),
                resolution_note=(note or "").strip(),
            )
            .execution_options(synchronize_session="fetch")
        ),
    )
    if result.rowcount != 1:
        raise ModerationError("Ce signalement a déjà été traité.")
    session.refresh(report)


# ---------------------------------------------------------------- accounts and structures


def ensure_pending_account(user: User) -> None:
    """Only a request waiting for a decision, of a role anyone may request, is decided here."""
    if user.status != AccountStatus.PENDING:
        raise ModerationError("Cette demande de compte a déjà été traitée.")
    if user.role not in SELF_SERVICE_ROLES:
        raise ModerationError("Ce type de compte ne se demande pas : il s’obtient sur invitation.")


def approve_structure(session: Session, approver: User, structure: Structure) -> None:
    """The structure is real: it is approved, and so are the pending memberships of accounts
    already active (others are approved with their account)."""
    if structure.approved:
        raise ModerationError("Cette structure est déjà validée.")
    now = utcnow()
    structure.approved = True
    for membership in _pending_memberships(session, structure):
        if membership.user.status == AccountStatus.ACTIVE:
            membership.status = MembershipStatus.APPROVED
            membership.decided_by_id, membership.decided_at = approver.id, now


def refuse_structure(session: Session, approver: User, structure: Structure) -> None:
    """Nobody may manage this declared structure: its pending memberships are refused (it then
    leaves the queue; the structure row stays, unapproved, for the record)."""
    if structure.approved:
        raise ModerationError("Cette structure est déjà validée.")
    memberships = _pending_memberships(session, structure)
    if not memberships:
        raise ModerationError("Cette structure n’a plus de demande en attente.")
    now = utcnow()
    for membership in memberships:
        membership.status = MembershipStatus.REFUSED
        membership.decided_by_id, membership.decided_at = approver.id, now


def _pending_memberships(session: Session, structure: Structure) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership)
            .where(
                Membership.structure_id == structure.id,
                Membership.status == MembershipStatus.PENDING,
            )
            .order_by(Membership.id)
        )
    )
