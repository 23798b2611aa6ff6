"""Professional accounts and who manages which structure."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow
from app.directory.models import Structure, _enum


class Role(enum.StrEnum):
    GESTIONNAIRE = "gestionnaire"
    PRESCRIPTEUR = "prescripteur"
    COORDINATEUR = "coordinateur"
    ADMIN = "admin"
    # Staff of an SIAE (AI, ACI, EI, ETTI) or a GEIQ: the job exchange (« bourse de l'emploi »).
    EMPLOYEUR_INCLUSIF = "employeur-inclusif"


ROLE_LABELS = {
    Role.GESTIONNAIRE: "Gestionnaire d’offres",
    Role.PRESCRIPTEUR: "Prescripteur ou prescriptrice",
    Role.COORDINATEUR: "Coordination départementale",
    Role.ADMIN: "Administration",
    Role.EMPLOYEUR_INCLUSIF: "Employeur inclusif (SIAE ou GEIQ)",
}


#: The roles one may ask for at sign-up (the others come by invitation).
SELF_SERVICE_ROLES = (Role.GESTIONNAIRE, Role.PRESCRIPTEUR, Role.EMPLOYEUR_INCLUSIF)


class AccountStatus(enum.StrEnum):
    UNVERIFIED = "unverified"  # email not confirmed yet
    PENDING = "pending"  # email confirmed, waiting for a coordinator
    ACTIVE = "active"
    REFUSED = "refused"
    DISABLED = "disabled"


class MembershipStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lowercased
    password_hash: Mapped[str] = mapped_column(String(300))
    full_name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(_enum(Role, "user_role"))
    status: Mapped[AccountStatus] = mapped_column(
        _enum(AccountStatus, "account_status"), default=AccountStatus.UNVERIFIED, index=True
    )
    # The département the account works in: coordinators act only there; requests are routed
    # to its coordinators.
    departement_code: Mapped[str | None] = mapped_column(String(3), index=True)
    # Bumped when the password changes: every other session is logged out.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="Membership.user_id"
    )

    # Flask-Login
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.status == AccountStatus.ACTIVE

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


class Membership(Base):
    """A gestionnaire manages a structure once a coordinator (or an admin) approved it."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "structure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    structure_id: Mapped[int] = mapped_column(
        ForeignKey("structures.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[MembershipStatus] = mapped_column(
        _enum(MembershipStatus, "membership_status"), default=MembershipStatus.PENDING
    )
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    structure: Mapped[Structure] = relationship()
