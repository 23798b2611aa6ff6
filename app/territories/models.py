"""What territories store of their own: counters of unmet needs, an imported coverage file, the
outcomes asked of prescripteurs and their answers as counters. Nothing personal: no query, no
address, no IP, no parent."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class UnmetNeed(Base):
    """Searches of one month from one commune for one kind of need, and how many found nothing.
    One row per (month, commune, hours band, age band, AVIP asked), incremented by an upsert."""

    __tablename__ = "unmet_needs"
    __table_args__ = (UniqueConstraint("month", "code_insee", "hours_band", "age_band", "avip"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # « 2026-12 »
    code_insee: Mapped[str] = mapped_column(String(5))
    departement_code: Mapped[str] = mapped_column(String(3), index=True)
    hours_band: Mapped[str] = mapped_column(String(20))  # see needs.HOURS_BANDS
    age_band: Mapped[str] = mapped_column(String(20))  # see needs.AGE_BANDS
    avip: Mapped[bool] = mapped_column(Boolean)
    searches: Mapped[int] = mapped_column(Integer, default=0)
    unmet: Mapped[int] = mapped_column(Integer, default=0)


class CoverageRate(Base):
    """One line of the Caf « taux de couverture » file: places per 100 children under 3."""

    __tablename__ = "coverage_rates"
    __table_args__ = (UniqueConstraint("level", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(20))  # commune, epci, departement
    code: Mapped[str] = mapped_column(String(9))
    name: Mapped[str] = mapped_column(String(200))
    departement_code: Mapped[str] = mapped_column(String(3), index=True)
    year: Mapped[int] = mapped_column(Integer)
    rate: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(200), default="")


class OutcomeAsk(Base):
    """An outcome question owed (3 or 6 months after an accepted referral). Its link works once:
    ``answered_at`` is set by the answer. The referral's personal data goes with the purge; this
    row holds only ids and dates."""

    __tablename__ = "outcome_asks"
    __table_args__ = (UniqueConstraint("referral_id", "months"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    months: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)


class OutcomeCount(Base):
    """Answers about outcomes, as counters only: by département, offer kind, delay and answer."""

    __tablename__ = "outcome_counts"
    __table_args__ = (UniqueConstraint("departement_code", "offer_kind", "months", "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    departement_code: Mapped[str] = mapped_column(String(3), index=True)
    offer_kind: Mapped[str] = mapped_column(String(40))
    months: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))  # see outcomes.OUTCOMES
    answers: Mapped[int] = mapped_column(Integer, default=0)
