"""What happens in the job exchange: publishing a need or what a structure can propose,
proposing people, the employer's answers and the outcome, and the daily follow-up (reminders,
closing of stale needs, expiry of unanswered proposals). Each function changes the session and
leaves the commit to its caller (one transaction per action); its emails are queued in the same
transaction (:func:`app.core.outgoing.queue_mail`) and leave after the commit.

The follow-up machinery is the house's (:mod:`app.core.followup`, used by referrals too), the
signed answer link is :data:`app.accounts.tokens.JOB_PROPOSAL_ANSWER`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from app.accounts.models import Role, User
from app.accounts.policies import member_emails
from app.accounts.tokens import JOB_PROPOSAL_ANSWER, make_token
from app.core.mail import absolute_url
from app.core.outgoing import queue_mail
from app.directory.models import Structure
from app.geo.communes import Commune
from app.jobs import rome, rules
from app.jobs.models import (
    JobCapacity,
    JobNeed,
    JobProposal,
    JobProposalEvent,
    NeedClosure,
    NeedStatus,
    Outcome,
    ProposalStatus,
    Side,
)

P = ProposalStatus


class ConflictError(RuntimeError):
    """Someone else answered the proposal since the page was shown."""


# ------------------------------------------------------------------ needs


@dataclass(frozen=True)
class NeedInput:
    rome_code: str
    description: str
    contract_kinds: tuple[str, ...]
    hours_per_week: int
    time_slots: str  # OSM opening_hours, already checked by the hours parser
    start_date: date | None
    positions: int
    tutoring: bool
    qualification: str
    in_training_accepted: bool
    immersion_places: int
    immersion_period: str
    contact_email: str
    commune: Commune


def _place(target: JobNeed | JobCapacity, commune: Commune) -> None:
    target.code_insee = commune.code_insee
    target.commune_name = commune.name
    target.departement_code = commune.departement_code
    target.latitude = commune.latitude
    target.longitude = commune.longitude


def save_need(
    session: Session,
    need: JobNeed | None,
    structure: Structure,
    author: User,
    data: NeedInput,
    now: datetime,
) -> JobNeed:
    """Create or update a need; either way its « dernière mise à jour » is now."""
    if need is None:
        need = JobNeed(structure_id=structure.id, author_id=author.id, created_at=now)
        session.add(need)
    need.rome_code = data.rome_code
    need.title = rome.label_of(data.rome_code)
    need.description = data.description
    need.contract_kinds = list(data.contract_kinds)
    need.hours_per_week = data.hours_per_week
    need.time_slots = data.time_slots
    need.start_date = data.start_date
    need.positions = data.positions
    need.tutoring = data.tutoring
    need.qualification = data.qualification
    need.in_training_accepted = data.in_training_accepted
    need.immersion_places = data.immersion_places
    need.immersion_period = data.immersion_period
    need.contact_email = data.contact_email or author.email
    _place(need, data.commune)
    need.updated_at = now
    session.flush()
    return need


def confirm_need(need: JobNeed, now: datetime) -> None:
    """« Toujours d'actualité »: the need stays open, dated today."""
    need.updated_at = now


def close_need(session: Session, need: JobNeed, closure: NeedClosure, now: datetime) -> None:
    need.status = NeedStatus.CLOSED
    need.closure = closure.value
    need.closed_at = now
    need.updated_at = now
    if closure == NeedClosure.FILLED and need.filled_at is None:
        need.filled_at = now


def reopen_need(need: JobNeed, now: datetime) -> None:
    need.status = NeedStatus.OPEN
    need.closure = ""
    need.closed_at = None
    need.updated_at = now


# ------------------------------------------------------------------ capacities


@dataclass(frozen=True)
class CapacityInput:
    people_count: int
    qualification: str
    rome_codes: tuple[str, ...]
    contract_kinds: tuple[str, ...]
    hours_per_week: int | None
    available_from: date
    available_until: date | None
    radius_km: int
    note: str
    commune: Commune


def save_capacity(
    session: Session,
    capacity: JobCapacity | None,
    structure: Structure,
    author: User,
    data: CapacityInput,
    now: datetime,
) -> JobCapacity:
    if capacity is None:
        capacity = JobCapacity(structure_id=structure.id, author_id=author.id, created_at=now)
        session.add(capacity)
    capacity.people_count = data.people_count
    capacity.qualification = data.qualification
    capacity.rome_codes = list(data.rome_codes)
    capacity.contract_kinds = list(data.contract_kinds)
    capacity.hours_per_week = data.hours_per_week
    capacity.available_from = data.available_from
    capacity.available_until = data.available_until
    capacity.radius_km = data.radius_km
    capacity.note = data.note
    _place(capacity, data.commune)
    capacity.status = NeedStatus.OPEN
    capacity.updated_at = now
    session.flush()
    return capacity


def close_capacity(capacity: JobCapacity, now: datetime) -> None:
    capacity.status = NeedStatus.CLOSED
    capacity.updated_at = now


# ------------------------------------------------------------------ proposals


@dataclass(frozen=True)
class Person:
    """One person proposed, without identity."""

    qualification: str
    available_from: date | None
    experience: str

    def to_json(self) -> dict[str, str]:
        return {
            "qualification": self.qualification,
            "available_from": self.available_from.isoformat() if self.available_from else "",
            "experience": self.experience,
        }


@dataclass(frozen=True)
class ProposalInput:
    contract_kind: str
    people: tuple[Person, ...]
    message: str
    idempotency_key: str


def employer_addresses(session: Session, need: JobNeed) -> list[str]:
    """The need's contact address and its structure's managers."""
    addresses = [need.contact_email.strip().lower()] if need.contact_email.strip() else []
    for email in member_emails(session, need.structure_id, Role.GESTIONNAIRE):
        if email not in addresses:
            addresses.append(email)
    return addresses


def proposer_addresses(session: Session, proposal: JobProposal) -> list[str]:
    if proposal.proposer is not None and proposal.proposer.status == "active":
        return [proposal.proposer.email]
    if proposal.proposer_structure_id is not None:
        return member_emails(session, proposal.proposer_structure_id, Role.EMPLOYEUR_INCLUSIF)
    return []


def answer_link(proposal: JobProposal) -> str:
    """The signed link an employer answers from without logging in (8 days)."""
    return absolute_url("jobs.answer_by_link", token=answer_token(proposal))


def answer_token(proposal: JobProposal) -> str:
    return make_token(JOB_PROPOSAL_ANSWER, {"p": proposal.id})


def existing_proposal(session: Session, proposer: User, key: str) -> JobProposal | None:
    return session.scalar(
        select(JobProposal).where(
            JobProposal.proposer_id == proposer.id, JobProposal.idempotency_key == key
        )
    )


def _event(
    proposal: JobProposal, kind: str, side: Side, actor: User | None, now: datetime, text: str = ""
) -> None:
    proposal.events.append(
        JobProposalEvent(
            kind=kind, side=side, actor_id=actor.id if actor else None, at=now, text=text
        )
    )


def _mail_employer(session: Session, proposal: JobProposal, template: str, subject: str) -> None:
    need = proposal.need
    link = answer_link(proposal)
    for address in employer_addresses(session, need):
        queue_mail(
            session,
            address,
            subject,
            template,
            proposal=proposal,
            need=need,
            link=link,
            link_days=JOB_PROPOSAL_ANSWER[1] // 86400,
            labels=rules,
        )


def _mail_proposer(session: Session, proposal: JobProposal, template: str, subject: str) -> None:
    for address in proposer_addresses(session, proposal):
        queue_mail(
            session,
            address,
            subject,
            template,
            proposal=proposal,
            need=proposal.need,
            link=absolute_url("jobs.proposal_detail", proposal_id=proposal.id),
            labels=rules,
        )


def propose(
    session: Session,
    need: JobNeed,
    proposer: User,
    proposer_structure: Structure | None,
    data: ProposalInput,
    now: datetime,
) -> JobProposal:
    """Send people (never named) for an open need; the employer is emailed a signed link."""
    proposal = JobProposal(
        need=need,
        employer_structure_id=need.structure_id,
        proposer_structure_id=proposer_structure.id if proposer_structure else None,
        proposer_id=proposer.id,
        departement_code=need.departement_code,
        contract_kind=data.contract_kind,
        people=[p.to_json() for p in data.people],
        people_count=len(data.people),
        message=data.message,
        idempotency_key=data.idempotency_key,
        sent_at=now,
        last_activity_at=now,
        is_demo=need.is_demo,
    )
    proposal.proposer = proposer
    session.add(proposal)
    _event(proposal, "sent", Side.PROPOSER, proposer, now)
    session.flush()
    _mail_employer(
        session,
        proposal,
        "jobs_proposal_new",
        f"{_count(len(data.people))} pour votre besoin « {need.title} »",
    )
    return proposal


def _count(people: int) -> str:
    return "Une personne proposée" if people == 1 else f"{people} personnes proposées"


def mark_seen(proposal: JobProposal, actor: User | None, now: datetime) -> None:
    if proposal.seen_at is None:
        proposal.seen_at = now
        _event(proposal, "seen", Side.EMPLOYER, actor, now)


@dataclass(frozen=True)
class Answer:
    status: ProposalStatus
    version: int
    note: str = ""
    decline_reason: str = ""
    meeting_on: date | None = None


def _move(session: Session, proposal: JobProposal, version: int) -> None:
    """Claim the proposal at ``version`` (one conditional UPDATE): a second answer made from the
    same page state is refused."""
    result = cast(
        CursorResult,
        session.execute(
            update(JobProposal)
            .where(JobProposal.id == proposal.id, JobProposal.version == version)
            .values(version=version + 1)
        ),
    )
    if result.rowcount != 1:
        session.rollback()
        raise ConflictError()
    proposal.version = version + 1


def answer(
    session: Session, proposal: JobProposal, data: Answer, actor: User | None, now: datetime
) -> None:
    """The employer's answer: interested, meeting proposed (with a date) or declined (with a
    reason). :class:`rules.TransitionError` when not allowed, :class:`ConflictError` when the
    proposal changed meanwhile."""
    rules.check_transition(proposal.status, data.status, Side.EMPLOYER)
    _move(session, proposal, data.version)
    proposal.status = data.status
    proposal.answer_note = data.note
    proposal.last_activity_at = now
    if proposal.first_answer_at is None:
        proposal.first_answer_at = now
    if proposal.seen_at is None:
        proposal.seen_at = now
    if data.status == P.DECLINED:
        proposal.decline_reason = data.decline_reason
        proposal.closed_at = now
    if data.status == P.MEETING:
        proposal.meeting_on = data.meeting_on
    _event(proposal, data.status.value, Side.EMPLOYER, actor, now, data.note)
    _mail_proposer(
        session,
        proposal,
        "jobs_proposal_answer",
        f"{rules.PROPOSAL_STATUS_LABELS[data.status]} : « {proposal.need.title} »",
    )


def record_outcome(
    session: Session,
    proposal: JobProposal,
    outcome: Outcome,
    version: int,
    actor: User | None,
    now: datetime,
) -> None:
    """The end of a proposal: hired, placed (mise à disposition), immersion or nothing. A hire
    or a placement dates the need's last hire (the tension rule reads it)."""
    if not rules.can_record_outcome(proposal.status):
        raise rules.TransitionError(
            "L’issue se note après une réponse « intéressée » ou une rencontre."
        )
    _move(session, proposal, version)
    proposal.status = P.CLOSED
    proposal.outcome = outcome.value
    proposal.outcome_at = now
    proposal.closed_at = now
    proposal.last_activity_at = now
    if outcome in (Outcome.HIRED, Outcome.PLACED):
        proposal.need.filled_at = now
    _event(proposal, f"issue:{outcome.value}", Side.EMPLOYER, actor, now)
    _mail_proposer(
        session,
        proposal,
        "jobs_proposal_answer",
        f"Issue de votre proposition : {rules.OUTCOME_LABELS[outcome]} (« {proposal.need.title} »)",
    )


def renew_link(session: Session, proposal: JobProposal, now: datetime) -> None:
    """A fresh link, sent to the employer's own addresses (never to whoever asks)."""
    _event(proposal, "link_renewed", Side.SYSTEM, None, now)
    _mail_employer(
        session,
        proposal,
        "jobs_proposal_link",
        f"Votre nouveau lien pour répondre (« {proposal.need.title} »)",
    )


# ------------------------------------------------------------------ daily follow-up


@dataclass
class DailyReport:
    need_reminders: int = 0
    needs_closed: int = 0
    proposal_reminders: int = 0
    proposals_expired: int = 0
    details: list[str] = field(default_factory=list)


def daily(session: Session, now: datetime) -> DailyReport:
    """Remind stale needs and close those still stale after the reminder; remind the employer
    of unanswered proposals and expire them. The caller commits."""
    report = DailyReport()
    open_needs = session.scalars(
        select(JobNeed).where(JobNeed.status == NeedStatus.OPEN).order_by(JobNeed.id)
    ).all()
    for need in open_needs:
        if rules.need_closing_due(need.status, need.updated_at, need.reminded_at, now):
            close_need(session, need, NeedClosure.STALE, now)
            report.needs_closed += 1
            for address in employer_addresses(session, need):
                queue_mail(
                    session,
                    address,
                    f"Besoin fermé faute de mise à jour : « {need.title} »",
                    "jobs_need_closed",
                    need=need,
                    link=absolute_url("jobs.space"),
                    days=rules.NEED_CLOSE_DAYS,
                )
        elif rules.need_reminder_due(need.status, need.updated_at, need.reminded_at, now):
            need.reminded_at = now
            report.need_reminders += 1
            for address in employer_addresses(session, need):
                queue_mail(
                    session,
                    address,
                    f"Votre besoin « {need.title} » est-il toujours d’actualité ?",
                    "jobs_need_reminder",
                    need=need,
                    link=absolute_url("jobs.space"),
                    close_days=rules.NEED_CLOSE_DAYS - rules.NEED_REMINDER_DAYS,
                )
    waiting = session.scalars(
        select(JobProposal).where(JobProposal.status == P.SENT).order_by(JobProposal.id)
    ).all()
    for proposal in waiting:
        if rules.proposal_expiry_due(proposal.status, proposal.last_activity_at, now):
            proposal.status = P.EXPIRED
            proposal.closed_at = now
            _event(proposal, "expired", Side.SYSTEM, None, now)
            _mail_proposer(
                session,
                proposal,
                "jobs_proposal_answer",
                f"Proposition expirée sans réponse (« {proposal.need.title} »)",
            )
            report.proposals_expired += 1
            continue
        number = rules.proposal_reminder_due(
            proposal.status, proposal.sent_at, proposal.reminders_sent, now
        )
        if number is not None:
            proposal.reminders_sent = number
            _event(proposal, "reminder", Side.SYSTEM, None, now)
            _mail_employer(
                session,
                proposal,
                "jobs_proposal_reminder",
                f"Rappel : {_count(proposal.people_count).lower()} attendent votre réponse",
            )
            report.proposal_reminders += 1
    return report
