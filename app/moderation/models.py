"""AVIP label applications and error reports."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow
from app.directory.models import Offer, Structure, _enum


class ApplicationStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class AvipApplication(Base):
    """A request for the AVIP label, for one offer or for every site of a structure."""

    __tablename__ = "avip_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int | None] = mapped_column(
        ForeignKey("offers.id", ondelete="CASCADE"), index=True
    )
    structure_id: Mapped[int] = mapped_column(
        ForeignKey("structures.id", ondelete="CASCADE"), index=True
    )
    all_sites: Mapped[bool] = mapped_column(default=False)
    departement_code: Mapped[str] = mapped_column(String(3), index=True)
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The criteria of the label
    reserved_places: Mapped[int] = mapped_column(Integer)
    hours_commitment: Mapped[str] = mapped_column(Text, default="")
    partnership: Mapped[str] = mapped_column(Text, default="")
    short_notice: Mapped[str] = mapped_column(Text, default="")
    # The decision
    status: Mapped[ApplicationStatus] = mapped_column(
        _enum(ApplicationStatus, "avip_application_status"),
        default=ApplicationStatus.SUBMITTED,
        index=True,
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    label_start: Mapped[date | None] = mapped_column(Date)
    label_review: Mapped[date | None] = mapped_column(Date)

    offer: Mapped[Offer | None] = relationship()
    structure: Mapped[Structure] = relationship()


class ReportStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class ErrorReport(Base):
    """« Signaler une erreur » on an offer page: no account needed."""

    __tablename__ = "error_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    departement_code: Mapped[str] = mapped_column(String(3), index=True)
    category: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    reporter_email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[ReportStatus] = mapped_column(
        _enum(ReportStatus, "report_status"), default=ReportStatus.OPEN, index=True
    )
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolution_note: Mapped[str] = mapped_column(Text, default="")

    offer: Mapped[Offer] = relationship()
