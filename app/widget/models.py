"""Partner tokens: who may frame the widget, from which origins, with which presets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


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
