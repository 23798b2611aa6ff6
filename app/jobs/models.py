"""The job exchange (« bourse de l'emploi IAE – petite enfance »): the job needs of crèches,
MAM and operators, what SIAE and GEIQ can propose, the proposals of people (never named) from
one to the other with their timeline, and the BMO figures imported from France Travail.

No personal data: a proposal describes people by qualification, availability and one sentence of
experience; the exchanges themselves are read only by the two structures, the proposer and the
département's coordinators (:mod:`.policies`)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import Base, utcnow
from app.directory.models import Offer, Structure, _enum


class ContractKind(enum.StrEnum):
    """Values are French slugs: they appear in URLs (``contrat``) and exports."""

    MISE_A_DISPOSITION = "mise-a-disposition"
    CDDI = "cddi"
    PEC = "pec"
    APPRENTISSAGE = "apprentissage"
    PROFESSIONNALISATION = "professionnalisation"
    CDD = "cdd"
    CDI = "cdi"


class Qualification(enum.StrEnum):
    NONE = "aucune"
    CAP_IN_PROGRESS = "cap-aepe-en-cours"
    CAP = "cap-aepe"
    DEAP = "deap"
    DEEJE = "deeje"


class NeedStatus(enum.StrEnum):
    OPEN = "ouvert"
    CLOSED = "ferme"


class NeedClosure(enum.StrEnum):
    """Why a need was closed (its outcome, for the tension figures)."""

    FILLED = "pourvu"  # hired or placed, through the exchange or elsewhere
    CANCELLED = "abandonne"
    STALE = "sans-mise-a-jour"  # closed by the daily command after a reminder


class ProposalStatus(enum.StrEnum):
    SENT = "en-attente"
    INTERESTED = "interesse"
    MEETING = "rendez-vous"
    DECLINED = "declinee"
    EXPIRED = "expiree"
    CLOSED = "close"  # an outcome was recorded


class Outcome(enum.StrEnum):
    HIRED = "embauche"
    PLACED = "mise-a-disposition"
    IMMERSION = "immersion"
    NO = "sans-suite"


class Side(enum.StrEnum):
    EMPLOYER = "employeur"  # the crèche that published the need
    PROPOSER = "proposant"  # the SIAE / GEIQ / prescripteur
    SYSTEM = "systeme"


class JobNeed(Base):
    """A crèche's (MAM's, operator's) job need: « nous cherchons … ». Public while open."""

    __tablename__ = "job_needs"
    __table_args__ = (Index("ix_job_needs_status_departement", "status", "departement_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structures.id"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[NeedStatus] = mapped_column(
        _enum(NeedStatus, "job_need_status"), default=NeedStatus.OPEN
    )
    rome_code: Mapped[str] = mapped_column(String(5), index=True)  # ROME 4.0 (or v3) code
    title: Mapped[str] = mapped_column(String(200))  # the appellation shown
    description: Mapped[str] = mapped_column(Text, default="")
    contract_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    hours_per_week: Mapped[int] = mapped_column(Integer)
    time_slots: Mapped[str] = mapped_column(String(300), default="")  # OSM opening_hours
    start_date: Mapped[date | None] = mapped_column(Date)
    positions: Mapped[int] = mapped_column(Integer, default=1)
    tutoring: Mapped[bool] = mapped_column(Boolean, default=True)
    qualification: Mapped[str] = mapped_column(String(30), default=Qualification.NONE.value)
    in_training_accepted: Mapped[bool] = mapped_column(Boolean, default=True)
    immersion_places: Mapped[int] = mapped_column(Integer, default=0)  # PMSMP welcomed
    immersion_period: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    code_insee: Mapped[str] = mapped_column(String(5))
    commune_name: Mapped[str] = mapped_column(String(100))
    departement_code: Mapped[str] = mapped_column(String(3), index=True)
    latitude: Mapped[float]
    longitude: Mapped[float]
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # « Dernière mise à jour »: set by the employer's edits and confirmations only.
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closure: Mapped[str] = mapped_column(String(30), default="")
    filled_at: Mapped[datetime | None] = mapped_column(DateTime)

    structure: Mapped[Structure] = relationship()
    offer: Mapped[Offer | None] = relationship()
    proposals: Mapped[list[JobProposal]] = relationship(
        back_populates="need", order_by="JobProposal.id"
    )


class JobCapacity(Base):
    """What an SIAE or a GEIQ can propose: how many people, at which level, on which contracts,
    where and when. Counts and levels only: nothing about the people themselves."""

    __tablename__ = "job_capacities"

    id: Mapped[int] = mapped_column(primary_key=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structures.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[NeedStatus] = mapped_column(
        _enum(NeedStatus, "job_capacity_status"), default=NeedStatus.OPEN
    )
    people_count: Mapped[int] = mapped_column(Integer)
    qualification: Mapped[str] = mapped_column(String(30))
    rome_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    contract_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    hours_per_week: Mapped[int | None] = mapped_column(Integer)
    available_from: Mapped[date] = mapped_column(Date)
    available_until: Mapped[date | None] = mapped_column(Date)
    radius_km: Mapped[int] = mapped_column(Integer, default=20)
    note: Mapped[str] = mapped_column(Text, default="")
    code_insee: Mapped[str] = mapped_column(String(5))
    commune_name: Mapped[str] = mapped_column(String(100))
    departement_code: Mapped[str] = mapped_column(String(3), index=True)
    latitude: Mapped[float]
    longitude: Mapped[float]
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    structure: Mapped[Structure] = relationship()


class JobProposal(Base):
    """« Mise en relation »: people (described without identity) proposed for a need by an SIAE,
    a GEIQ or a prescripteur; the employer answers (by signed link or from its space); each step
    is dated so that the time to a first answer and the outcome are known."""

    __tablename__ = "job_proposals"
    __table_args__ = (UniqueConstraint("proposer_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("job_needs.id"), index=True)
    employer_structure_id: Mapped[int] = mapped_column(ForeignKey("structures.id"), index=True)
    proposer_structure_id: Mapped[int | None] = mapped_column(
        ForeignKey("structures.id"), index=True
    )
    proposer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    departement_code: Mapped[str] = mapped_column(String(3), index=True)
    status: Mapped[ProposalStatus] = mapped_column(
        _enum(ProposalStatus, "job_proposal_status"), default=ProposalStatus.SENT, index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    contract_kind: Mapped[str] = mapped_column(String(30))
    # [{"qualification": "cap-aepe-en-cours", "available_from": "2027-01-04",
    #   "experience": "Deux ans d'aide à domicile."}, …]
    people: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    people_count: Mapped[int] = mapped_column(Integer, default=1)
    message: Mapped[str] = mapped_column(Text, default="")
    answer_note: Mapped[str] = mapped_column(Text, default="")
    decline_reason: Mapped[str] = mapped_column(String(30), default="")
    meeting_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(30), default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    seen_at: Mapped[datetime | None] = mapped_column(DateTime)
    first_answer_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_activity_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    outcome_at: Mapped[datetime | None] = mapped_column(DateTime)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    need: Mapped[JobNeed] = relationship(back_populates="proposals")
    proposer_structure: Mapped[Structure | None] = relationship(
        foreign_keys=[proposer_structure_id]
    )
    proposer: Mapped[User | None] = relationship()
    events: Mapped[list[JobProposalEvent]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="JobProposalEvent.id"
    )


class JobProposalEvent(Base):
    """One dated step of a proposal: sent, seen, interested, meeting, declined, reminder,
    expired, outcome."""

    __tablename__ = "job_proposal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("job_proposals.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(30))
    side: Mapped[Side] = mapped_column(_enum(Side, "job_proposal_side"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[JobProposal] = relationship(back_populates="events")


class BmoFigure(Base):
    """One line of France Travail's « Besoins en main-d'œuvre » survey: per year, employment
    area (bassin) and BMO job code, the recruitment projects and those judged difficult."""

    __tablename__ = "bmo_figures"
    __table_args__ = (
        UniqueConstraint("year", "bassin_code", "job_code"),
        Index("ix_bmo_figures_year_departement", "year", "departement_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    departement_code: Mapped[str] = mapped_column(String(3))
    bassin_code: Mapped[str] = mapped_column(String(10))
    bassin_name: Mapped[str] = mapped_column(String(200), default="")
    job_code: Mapped[str] = mapped_column(String(10))  # BMO « code métier » (FAP-based)
    job_label: Mapped[str] = mapped_column(String(200), default="")
    projects: Mapped[int] = mapped_column(Integer, default=0)  # met
    difficult: Mapped[int] = mapped_column(Integer, default=0)  # xmet
    seasonal: Mapped[int] = mapped_column(Integer, default=0)  # smet
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
