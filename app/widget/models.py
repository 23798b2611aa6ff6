"""Partner tokens: who may frame the widget, from which origins, with which presets; and the
partners' requests for one."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow
from app.directory.models import _enum


class PartnerToken(Base):
    __tablename__ = "partner_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    # Origins allowed to frame the widget: « https://www.caf.fr », « https://*.caf.fr ».
    allowed_origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Default presets (search parameters: code_insee, departement, rayon, type, avip).
    presets: Mapped[dict] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


REQUEST_STATUS_LABELS = {
    RequestStatus.PENDING: "En attente",
    RequestStatus.APPROVED: "Acceptée",
    RequestStatus.DECLINED: "Refusée",
}


class PartnerRequest(Base):
    """A partner's request for a token (``/integrer/demander-un-jeton``), decided by an admin.
    Declined requests are deleted :data:`app.widget.rules.DECLINED_KEPT_DAYS` after the
    decision (``flask referrals daily``); an approved one stays as the partnership's contact."""

    __tablename__ = "partner_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str] = mapped_column(String(14), default="")
    # Origins asked for (https only): « https://www.caf.fr », « https://*.caf.fr ».
    origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    intended_use: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[RequestStatus] = mapped_column(
        _enum(RequestStatus, "partner_request_status"), default=RequestStatus.PENDING, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decline_reason: Mapped[str] = mapped_column(String(1000), default="")
    token_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_tokens.id", ondelete="SET NULL")
    )
    token: Mapped[PartnerToken | None] = relationship()
