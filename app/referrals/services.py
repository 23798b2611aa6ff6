"""What happens to referrals: sending one, reading it, answering, messages, cancelling, the
daily reminders, expiry and purge. Each function changes the session and leaves the commit to
its caller (one transaction per action); emails are queued as :class:`ReferralMail` rows in
the same transaction and handed to the mail server after the commit (:mod:`.notifications`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session

from app.accounts import policies
from app.accounts.models import Role, User
from app.core.french import format_date
from app.directory import hours
from app.directory.forms import DAY_CODES
from app.directory.models import Offer, OfferStatus
from app.directory.rules import closure_on, offer_slots
from app.referrals import rules
from app.referrals.models import (
    PERSONAL_FIELDS,
    Origin,
    Reason,
    Referral,
    ReferralAccess,
    ReferralEvent,
    ReferralMail,
    ReferralStatus,
    Side,
)

ACCESS_LOG_RETENTION_DAYS = 365
S = ReferralStatus


class ConflictError(RuntimeError):
    """Someone else changed the referral since the page was shown."""


@dataclass(frozen=True)
class ReferralInput:
    first_name: str
    initial: str
    phone: str
    email: str
    children_months: list[int]
    start_date: date
    days: tuple[str, ...]  # day codes: lu, ma…
    hours_start: time
    hours_end: time
    reason: Reason | None  # None for a parent's own request
    france_travail_id: str
    message: str
    idempotency_key: str


# ------------------------------------------------------------------ who is who


def structure_addresses(session: Session, offer: Offer) -> list[str]:
    """Where a structure is told about a referral: the offer's contact address and its
    managers' accounts (approved, active)."""
    addresses = [offer.contact_email.strip().lower()] if offer.contact_email.strip() else []
    for email in policies.member_emails(session, offer.structure_id, Role.GESTIONNAIRE):
        if email not in addresses:
            addresses.append(email)
    return addresses


def referable(session: Session, offer: Offer) -> str | None:
    """None when a parent can be referred to ``offer``, else the French reason why not."""
    if offer.status != OfferStatus.PUBLISHED:
        return "Cette offre n’est pas publiée : on ne peut pas y orienter un parent."
    if not structure_addresses(session, offer):
        return (
            "Cette structure n’a pas d’adresse de courriel : elle ne recevrait pas l’orientation. "
            "Contactez-la par téléphone."
        )
    return None


def can_refer(user: User | None) -> bool:
    return policies.is_active(user) and user.role == Role.PRESCRIPTEUR


def side_of(session: Session, user: User | None, referral: Referral) -> str | None:
    """How ``user`` sees ``referral``: « prescripteur » (the one who sent it), « structure » (a
    manager of the structure), « coordination » (the département's coordinator, an admin;
    read only), or None: no access at all."""
    if not policies.is_active(user):
        return None
    if user.role == Role.PRESCRIPTEUR and referral.prescriber_id == user.id:
        return Side.PRESCRIBER.value
    if user.role == Role.GESTIONNAIRE and referral.structure_id in policies.managed_structure_ids(
        session, user
    ):
        return Side.STRUCTURE.value
    if user.role in (Role.COORDINATEUR, Role.ADMIN) and policies.coordinates(
        user, referral.departement_code
    ):
        return "coordination"
    return None


def log_access(
    session: Session, referral: Referral, user: User | None, via: str, action: str
) -> None:
    session.add(
        ReferralAccess(
            referral_id=referral.id, user_id=user.id if user else None, via=via, action=action
        )
    )


# ------------------------------------------------------------------ sending


def _digits(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    return "0" + digits[2:] if digits.startswith("33") and len(digits) == 11 else digits


def _same_parent(referral: Referral, data: ReferralInput, prescriber: User) -> bool:
    if (
        data.phone
        and referral.parent_phone
        and _digits(data.phone) == _digits(referral.parent_phone)
    ):
        return True
    if data.email and referral.parent_email and data.email.lower() == referral.parent_email.lower():
        return True
    return (
        referral.prescriber_id == prescriber.id
        and referral.parent_first_name.casefold() == data.first_name.casefold()
        and referral.parent_initial.casefold() == data.initial.casefold()
    )


def warnings_for(
    session: Session, offer: Offer, data: ReferralInput, prescriber: User, now: datetime
) -> list[str]:
    """What the prescripteur should know before sending (they may still send)."""
    found = []
    if offer.free_places == 0:
        found.append("Cette offre indique n’avoir aucune place disponible en ce moment.")
    days = [DAY_CODES.index(d) for d in data.days]
    slots = offer_slots(offer)
    if days and not hours.covers(slots, days, data.hours_start, data.hours_end):
        need = ", ".join(hours.WEEKDAYS_FR[d] for d in days)
        opening = hours.weekly_text(slots) or "aucun horaire publié"
        found.append(
            "Les horaires d’ouverture de l’offre ne couvrent pas tous les horaires dont le parent "
            f"a besoin. Le parent : {need}, "
            f"{hours.format_range_fr(data.hours_start, data.hours_end)}. L’offre : {opening}."
        )
    closed = closure_on(offer, data.start_date)
    if closed is not None:
        found.append(closure_text(closed))
    outside = [
        m for m in data.children_months if not offer.age_min_months <= m <= offer.age_max_months
    ]
    if outside:
        found.append(
            f"L’offre accueille les enfants de {months_text(offer.age_min_months)} à "
            f"{months_text(offer.age_max_months)} : l’âge d’au moins un enfant n’y correspond pas."
        )
    recent = session.scalars(
        select(Referral).where(
            Referral.offer_id == offer.id,
            Referral.sent_at >= now - timedelta(days=rules.DUPLICATE_WINDOW_DAYS),
            Referral.anonymised_at.is_(None),
        )
    ).all()
    if any(_same_parent(r, data, prescriber) for r in recent):
        found.append(
            f"Ce parent semble déjà avoir été orienté vers cette offre ces "
            f"{rules.DUPLICATE_WINDOW_DAYS} derniers jours."
        )
    return found


def closure_text(closed) -> str:
    """« La structure est fermée du 20 décembre 2026 au 3 janvier 2027 (vacances) : la date de
    début souhaitée tombe pendant cette fermeture. »"""
    why = f" ({closed.reason})" if closed.reason else ""
    return (
        f"La structure est fermée du {format_date(closed.start)} au {format_date(closed.end)}"
        f"{why} : la date de début souhaitée tombe pendant cette fermeture."
    )


def months_text(months: int) -> str:
    if months < 24:
        return f"{months}\u00a0mois"
    years = months // 12
    return f"{years}\u00a0ans" + (f" et {months % 12}\u00a0mois" if months % 12 else "")


def existing(session: Session, prescriber: User, key: str) -> Referral | None:
    return session.scalar(
        select(Referral).where(
            Referral.prescriber_id == prescriber.id, Referral.idempotency_key == key
        )
    )


def _saved(
    session: Session, offer: Offer, data: ReferralInput, now: datetime, **origin
) -> Referral:
    """A new referral of ``data`` to ``offer``, consented and sent ``now``, saved (with an id)."""
    referral = Referral(
        offer_id=offer.id,
        structure_id=offer.structure_id,
        departement_code=offer.departement_code,
        status=S.SENT,
        version=1,
        idempotency_key=data.idempotency_key,
        parent_first_name=data.first_name,
        parent_initial=data.initial.upper(),
        parent_phone=data.phone,
        parent_email=data.email.lower(),
        children_months=list(data.children_months),
        children_count=len(data.children_months),
        start_date=data.start_date,
        days=",".join(data.days),
        hours_start=data.hours_start,
        hours_end=data.hours_end,
        reason=data.reason,
        france_travail_id=data.france_travail_id.upper(),
        message=data.message,
        consent_at=now,
        sent_at=now,
        last_activity_at=now,
        **origin,
    )
    session.add(referral)
    session.flush()
    return referral


def create(
    session: Session, prescriber: User, offer: Offer, data: ReferralInput, now: datetime
) -> Referral:
    """A new referral, its « sent » event and the email to the structure. The caller has
    checked :func:`existing` for the idempotency key (the unique constraint catches races)."""
    referral = _saved(session, offer, data, now, prescriber_id=prescriber.id)
    _event(session, referral, "sent", Side.PRESCRIBER, prescriber, now=now)
    queue_mail(session, referral, "new", "structure")
    return referral


def existing_parent_request(session: Session, key: str) -> Referral | None:
    return session.scalar(
        select(Referral).where(Referral.origin == Origin.PARENT, Referral.idempotency_key == key)
    )


def create_parent_request(
    session: Session, offer: Offer, data: ReferralInput, now: datetime
) -> Referral:
    """A parent's own request for a place (no account): a referral without a prescripteur,
    answered by the structure like one (same states, link, reminders, expiry and purge). The
    structure gets the request with its answer link, the parent a receipt. The caller has
    checked :func:`existing_parent_request` (the unique index catches races)."""
    referral = _saved(session, offer, data, now, prescriber_id=None, origin=Origin.PARENT)
    _event(session, referral, "sent", Side.PARENT, None, now=now)
    queue_mail(session, referral, "new", "structure")
    queue_mail(session, referral, "received", "parent")
    return referral


# ------------------------------------------------------------------ events and mails


def _event(
    session: Session,
    referral: Referral,
    kind: str,
    side: Side,
    actor: User | None,
    text: str = "",
    now: datetime | None = None,
) -> ReferralEvent:
    event = ReferralEvent(kind=kind, side=side, actor=actor, text=text)
    if now is not None:
        event.at = now
    referral.events.append(event)  # the timeline shown next is up to date
    return event


def queue_mail(session: Session, referral: Referral, kind: str, recipient: str) -> None:
    session.add(ReferralMail(referral_id=referral.id, kind=kind, recipient=recipient))


def mark_seen(session: Session, referral: Referral, actor: User | None, now: datetime) -> bool:
    """The structure opened the referral for the first time (timeline: « vue »)."""
    if referral.seen_at is not None:
        return False
    referral.seen_at = now
    _event(session, referral, "seen", Side.STRUCTURE, actor, now=now)
    return True


# ------------------------------------------------------------------ moves


def _move(
    session: Session,
    referral: Referral,
    target: S,
    side: Side,
    expected_version: int,
    now: datetime,
) -> None:
    """Check the rule and take the referral from ``expected_version`` to the next one; a
    concurrent change (another answer, the daily command) makes this fail with
    :class:`ConflictError` and changes nothing."""
    rules.check_transition(referral.status, target, side)
    values = {"status": target, "version": expected_version + 1, "last_activity_at": now}
    if target in rules.CLOSED:
        values["closed_at"] = now
    result = cast(
        CursorResult,
        session.execute(
            update(Referral)
            .where(
                Referral.id == referral.id,
                Referral.version == expected_version,
                Referral.status == referral.status,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise ConflictError()
    for name, value in values.items():
        setattr(referral, name, value)


@dataclass
class Answer:
    status: S
    start_date: date | None = None
    refusal_reason: str = ""
    text: str = ""  # the message to the prescripteur (required to ask for information)


ANSWER_EVENTS = {
    S.ACCEPTED: "accepted",
    S.WAITING_LIST: "waiting_list",
    S.REFUSED: "refused",
    S.INFO_REQUESTED: "info_requested",
}


def answer(
    session: Session,
    referral: Referral,
    actor: User | None,
    data: Answer,
    expected_version: int,
    now: datetime,
) -> None:
    """The structure's answer (from its space or its emailed link, ``actor`` None). A parent's
    own request: the parent is told every answer by email."""
    if referral.from_parent and data.status == S.INFO_REQUESTED:
        raise rules.TransitionError(
            "Cette demande vient directement du parent : contactez-le par courriel ou téléphone."
        )
    _move(session, referral, data.status, Side.STRUCTURE, expected_version, now)
    if referral.first_answer_at is None:
        referral.first_answer_at = now
    if referral.seen_at is None:
        referral.seen_at = now
    if data.status == S.ACCEPTED:
        referral.accepted_start_date = data.start_date
    if data.status == S.REFUSED:
        referral.refusal_reason = data.refusal_reason
        referral.refusal_detail = data.text
    _event(session, referral, ANSWER_EVENTS[data.status], Side.STRUCTURE, actor, data.text, now=now)
    if referral.from_parent:
        queue_mail(session, referral, "answer", "parent")
        return
    queue_mail(session, referral, "answer", "prescripteur")
    if data.status in (S.ACCEPTED, S.REFUSED) and referral.parent_email:
        queue_mail(session, referral, "decision", "parent")


def post_message(
    session: Session,
    referral: Referral,
    side: Side,
    actor: User | None,
    text: str,
    expected_version: int,
    now: datetime,
) -> None:
    """A message between the two sides while the referral is open. The prescripteur's message
    after « informations demandées » gives the information: the referral waits for an answer
    again. A parent's own request has no thread (the parent has no account): the structure
    writes in its answer, or contacts her directly."""
    if referral.from_parent:
        raise rules.TransitionError(
            "Cette demande vient directement du parent : écrivez-lui avec votre réponse, ou "
            "contactez-le par courriel ou téléphone."
        )
    if referral.status in rules.CLOSED:
        rules.check_transition(referral.status, S.SENT, side)  # raises the « closed » message
    if side == Side.PRESCRIBER and referral.status == S.INFO_REQUESTED:
        _move(session, referral, S.SENT, side, expected_version, now)
    else:
        referral.last_activity_at = now
    _event(session, referral, "message", side, actor, text, now=now)
    queue_mail(
        session, referral, "message", "structure" if side == Side.PRESCRIBER else "prescripteur"
    )


def cancel(
    session: Session,
    referral: Referral,
    actor: User,
    text: str,
    expected_version: int,
    now: datetime,
) -> None:
    _move(session, referral, S.CANCELLED, Side.PRESCRIBER, expected_version, now)
    _event(session, referral, "cancelled", Side.PRESCRIBER, actor, text, now=now)
    queue_mail(session, referral, "cancelled", "structure")


def renew_link(session: Session, referral: Referral, now: datetime) -> None:
    """A fresh answer link, emailed to the structure's own addresses (never to the person who
    asked, who may not be the structure)."""
    _event(session, referral, "link_renewed", Side.SYSTEM, None, now=now)
    queue_mail(session, referral, "link", "structure")


# ------------------------------------------------------------------ the daily command


@dataclass
class DailyReport:
    reminders: int = 0
    expired: int = 0
    anonymised: int = 0
    access_lines_deleted: int = 0
    details: list[str] = field(default_factory=list)


def send_reminders(session: Session, now: datetime) -> int:
    count = 0
    candidates = session.scalars(
        select(Referral).where(
            Referral.status == S.SENT,
            Referral.first_answer_at.is_(None),
            Referral.sent_at <= now - timedelta(days=rules.REMINDER_DAYS[0]),
        )
    ).all()
    for referral in candidates:
        number = rules.reminder_due(
            referral.status,
            referral.first_answer_at,
            referral.sent_at,
            referral.reminders_sent,
            now,
        )
        if number is None:
            continue
        referral.reminders_sent = number
        _event(session, referral, "reminder", Side.SYSTEM, None, now=now)
        queue_mail(session, referral, "reminder", "structure")
        count += 1
    return count


def expire(session: Session, now: datetime) -> int:
    count = 0
    for referral in session.scalars(select(Referral).where(Referral.status.in_(rules.OPEN))).all():
        if not rules.expiry_due(referral.status, referral.last_activity_at, now):
            continue
        _move(session, referral, S.EXPIRED, Side.SYSTEM, referral.version, now)
        _event(session, referral, "expired", Side.SYSTEM, None, now=now)
        queue_mail(
            session, referral, "expired", "parent" if referral.from_parent else "prescripteur"
        )
        count += 1
    return count


def anonymise(session: Session, referral: Referral, now: datetime) -> None:
    for name, value in PERSONAL_FIELDS.items():
        setattr(referral, name, value)
    for event in referral.events:
        event.text = ""
    referral.anonymised_at = now
    session.execute(
        delete(ReferralMail).where(
            ReferralMail.referral_id == referral.id, ReferralMail.status == "pending"
        )
    )
    _event(session, referral, "anonymised", Side.SYSTEM, None, now=now)


def purge(session: Session, now: datetime, retention_days: int) -> tuple[int, int]:
    """Blank the personal data of referrals closed more than ``retention_days`` ago, and delete
    access-log lines older than a year. Returns (referrals anonymised, log lines deleted)."""
    count = 0
    due = session.scalars(
        select(Referral).where(
            Referral.closed_at <= now - timedelta(days=retention_days),
            Referral.anonymised_at.is_(None),
        )
    ).all()
    for referral in due:
        if rules.purge_due(referral.closed_at, referral.anonymised_at, now, retention_days):
            anonymise(session, referral, now)
            count += 1
    removed = session.execute(
        delete(ReferralAccess).where(
            ReferralAccess.at < now - timedelta(days=ACCESS_LOG_RETENTION_DAYS)
        )
    )
    deleted = cast(CursorResult, removed).rowcount or 0
    return count, deleted
