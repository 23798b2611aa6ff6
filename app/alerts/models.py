"""The saved searches, the offers waiting for the next digest, and what each offer looked like
at the last matching run (to tell « gains free places » or « appears » from any other change)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class SavedSearch(Base):
    """One saved search: its owner (an account, or a parent's email address only), the criteria
    as the search page wrote them (``query``, to open it again) and as the index plan filters
    on them (the columns the matcher reads), and its life: confirmed, sent, reminded, expiring.
    """

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # A parent's address: the only personal data kept, deleted with the alert.
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    # A random key carried by the emailed links: a link dies with its alert.
    link_key: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(300))  # « Crèche, 3 ans, à 5 km de Toulon »
    query: Mapped[str] = mapped_column(String(1000))  # the /recherche query string
    place_label: Mapped[str] = mapped_column(String(120))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    radius_km: Mapped[float] = mapped_column(Float)
    kinds_mask: Mapped[int] = mapped_column(Integer)  # bit i: app.directory.criteria.KINDS[i]
    flag_bits: Mapped[int] = mapped_column(Integer, default=0)  # app.search SEARCH_FLAGS
    avip: Mapped[bool] = mapped_column(Boolean, default=False)
    age_months: Mapped[int | None] = mapped_column(Integer)
    # Half-hours needed per weekday (48-bit masks, app.directory.hours.needed_masks).
    h0: Mapped[int] = mapped_column(BigInteger, default=0)
    h1: Mapped[int] = mapped_column(BigInteger, default=0)
    h2: Mapped[int] = mapped_column(BigInteger, default=0)
    h3: Mapped[int] = mapped_column(BigInteger, default=0)
    h4: Mapped[int] = mapped_column(BigInteger, default=0)
    h5: Mapped[int] = mapped_column(BigInteger, default=0)
    h6: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def hour_masks(self) -> tuple[int, ...]:
        return (self.h0, self.h1, self.h2, self.h3, self.h4, self.h5, self.h6)

    @property
    def recipient(self) -> str:
        """Who the digest goes to: one email per recipient for all their alerts."""
        return f"account:{self.account_id}" if self.account_id else f"email:{self.email}"


class AlertMatch(Base):
    """An offer waiting for the next digest of one saved search (once per offer)."""

    __tablename__ = "alert_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    saved_search_id: Mapped[int] = mapped_column(
        ForeignKey("saved_searches.id", ondelete="CASCADE"), index=True
    )
    offer_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(20))  # « appeared » or « places »
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("saved_search_id", "offer_id"),)


class AlertOfferState(Base):
    """An offer as the last matching run saw it: shown by search, with free places."""

    __tablename__ = "alert_offer_states"

    offer_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    visible: Mapped[bool] = mapped_column(Boolean)
    has_places: Mapped[bool] = mapped_column(Boolean)
