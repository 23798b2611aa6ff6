"""Referrals (« orientations ») of a parent to an offer by a prescripteur, their timeline, the
log of every access to them and the emails they owe.

Personal fields (the parent's name, contact, children, needs, messages) are listed in
:data:`PERSONAL_FIELDS`; they are blanked by the purge once a referral has been closed for the
retention period, and the statistics (dates, status, offer, reason) remain."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import Base, utcnow
from app.directory.models import Offer, Structure, _enum


class ReferralStatus(enum.StrEnum):
    """Values are French slugs: they appear in filter URLs and CSV exports."""

    SENT = "en-attente"  # waiting for the structure's answer
    INFO_REQUESTED = "informations-demandees"  # the structure asked the prescripteur for more
    WAITING_LIST = "liste-d-attente"
    ACCEPTED = "acceptee"
    REFUSED = "refusee"
    EXPIRED = "expiree"
    CANCELLED = "annulee"


class Origin(enum.StrEnum):
    """Who sent the request: a prescripteur's « orientation », or a parent herself (« Demander une
    place », no account). Both follow the same states, links, reminders, expiry and purge."""

    PRESCRIBER = "prescripteur"
    PARENT = "parent"


class Reason(enum.StrEnum):
    JOB = "emploi"
    TRAINING = "formation"
    INTERVIEW = "entretien"
    JOB_SEARCH = "recherche-emploi"


REASON_LABELS = {
    Reason.JOB: "Reprise d’un emploi",
    Reason.TRAINING: "Entrée en formation",
    Reason.INTERVIEW: "Entretien d’embauche ou rendez-vous",
    Reason.JOB_SEARCH: "Recherche d’emploi",
}


class Referral(Base):
    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("prescriber_id", "idempotency_key"),
        # A parent has no account: her form's key is unique among parents' requests.
        Index(
            "ux_referrals_parent_key",
            "idempotency_key",
            unique=True,
            sqlite_where=sql_text("origin = 'parent'"),
            postgresql_where=sql_text("origin = 'parent'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structures.id"), index=True)
    departement_code: Mapped[str] = mapped_column(String(3), index=True)
    prescriber_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    origin: Mapped[Origin] = mapped_column(
        _enum(Origin, "referral_origin"),
        default=Origin.PRESCRIBER,
        server_default=Origin.PRESCRIBER.value,
    )
    status: Mapped[ReferralStatus] = mapped_column(
        _enum(ReferralStatus, "referral_status"), default=ReferralStatus.SENT, index=True
    )
    # Bumped by every answer: two people answering at once, the second one is told.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # One per form shown: a double click sends one referral.
    idempotency_key: Mapped[str] = mapped_column(String(64))

    # -- personal data (blanked by the purge) --------------------------------------------
    parent_first_name: Mapped[str] = mapped_column(String(60), default="")
    parent_initial: Mapped[str] = mapped_column(String(1), default="")
    parent_phone: Mapped[str] = mapped_column(String(30), default="")
    parent_email: Mapped[str] = mapped_column(String(254), default="")
    children_months: Mapped[list[int]] = mapped_column(JSON, default=list)
    start_date: Mapped[date | None] = mapped_column(Date)
    days: Mapped[str] = mapped_column(String(20), default="")  # "lu,ma,me"
    hours_start: Mapped[time | None] = mapped_column(Time)
    hours_end: Mapped[time | None] = mapped_column(Time)
    france_travail_id: Mapped[str] = mapped_column(String(12), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    refusal_detail: Mapped[str] = mapped_column(Text, default="")

    # -- kept for the statistics ---------------------------------------------------------
    children_count: Mapped[int] = mapped_column(Integer, default=1)
    reason: Mapped[Reason | None] = mapped_column(_enum(Reason, "referral_reason"))  # parents: None
    consent_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    seen_at: Mapped[datetime | None] = mapped_column(DateTime)
    first_answer_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_activity_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    accepted_start_date: Mapped[date | None] = mapped_column(Date)
    refusal_reason: Mapped[str] = mapped_column(String(30), default="")
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime)

    offer: Mapped[Offer] = relationship()
    structure: Mapped[Structure] = relationship()
    prescriber: Mapped[User | None] = relationship()
    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="ReferralEvent.id"
    )

    @property
    def from_parent(self) -> bool:
        return self.origin == Origin.PARENT


#: What the purge blanks, with the value it leaves.
PERSONAL_FIELDS: dict[str, Any] = {
    "parent_first_name": "",
    "parent_initial": "",
    "parent_phone": "",
    "parent_email": "",
    "children_months": [],
    "start_date": None,
    "days": "",
    "hours_start": None,
    "hours_end": None,
    "france_travail_id": "",
    "message": "",
    "refusal_detail": "",
}


class Side(enum.StrEnum):
    PRESCRIBER = "prescripteur"
    STRUCTURE = "structure"
    SYSTEM = "systeme"
    PARENT = "parent"  # a parent's own request (« Demander une place »)


class ReferralEvent(Base):
    """One line of a referral's timeline: sent, seen, each answer, messages, reminders…"""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # sent, seen, accepted, waiting_list, refused, info_requested, message, cancelled,
    # reminder, expired, link_renewed, anonymised
    kind: Mapped[str] = mapped_column(String(30))
    side: Mapped[Side] = mapped_column(_enum(Side, "referral_side"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A message written by a person: personal, blanked by the purge.
    text: Mapped[str] = mapped_column(Text, default="")

    referral: Mapped[Referral] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class ReferralAccess(Base):
    """Who read or exported a referral's personal data, when, and how (RGPD access log)."""

    __tablename__ = "referral_accesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    via: Mapped[str] = mapped_column(String(20))  # compte, lien
    action: Mapped[str] = mapped_column(String(20))  # consultation, reponse, message, export


class ReferralMail(Base):
    """An email a referral owes. Saved with the change that causes it; sent after the commit;
    retried by ``flask referrals daily`` when the mail server failed. The address is worked
    out at sending time from the referral, so none is stored here."""

    __tablename__ = "referral_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    recipient: Mapped[str] = mapped_column(String(20))  # structure, prescripteur, parent
    status: Mapped[str] = mapped_column(
        String(20), default="pending", index=True
    )  # pending, sent, failed, no-address
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    referral: Mapped[Referral] = relationship()
