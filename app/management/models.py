"""The history of changes to an offer: who, when, what changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class OfferChange(Base):
    __tablename__ = "offer_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # created, updated, hours, places, published, unpublished, archived, avip_granted, …
    action: Mapped[str] = mapped_column(String(40))
    # field → [before, after], as JSON-friendly strings
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
