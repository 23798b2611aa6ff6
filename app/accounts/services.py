"""Account flows as plain functions over a session: sign-up request, email verification,
approval, login, password reset, invitation. The views queue the emails in their transaction
(:mod:`app.core.outgoing`); they are sent after the response.

No account enumeration: every answer a visitor sees is the same whether the address has an
account or not, and takes the same time (the same hashing on both sign-up paths, no mail
server in the request); the difference only goes by email to the owner of the address."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import (
    SELF_SERVICE_ROLES,
    AccountStatus,
    Membership,
    MembershipStatus,
    Role,
    User,
)
from app.accounts.passwords import hash_password, verify_password
from app.accounts.tokens import (
    INVITATION,
    RESET_PASSWORD,
    VERIFY_EMAIL,
    TokenError,
    fingerprint,
    make_token,
    read_token,
)
from app.db import utcnow
from app.directory.models import Structure, StructureKind


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


@dataclass
class SignupRequest:
    email: str
    password: str
    full_name: str
    organisation: str
    role: Role
    departement_code: str
    structure_name: str = ""
    structure_siret: str = ""
    structure_kind: StructureKind | None = None


@dataclass
class SignupOutcome:
    user: User | None  # None when the address already had an account
    existing: User | None


def request_account(session: Session, request: SignupRequest) -> SignupOutcome:
    """Create an unverified account (and, for a gestionnaire, its structure waiting for approval
    and the membership). An address that already has an account creates nothing."""
    if request.role not in SELF_SERVICE_ROLES:
        raise ValueError("role")
    # Hashed on both paths: the same work, so the same time, whether the address has an
    # account or not (the slow part of a sign-up).
    password_hash = hash_password(request.password)
    existing = find_user(session, request.email)
    if existing is not None:
        return SignupOutcome(None, existing)
    user = User(
        email=normalize_email(request.email),
        password_hash=password_hash,
        full_name=request.full_name.strip(),
        organisation=request.organisation.strip(),
        role=request.role,
        departement_code=request.departement_code,
        status=AccountStatus.UNVERIFIED,
    )
    session.add(user)
    if (
        request.role in (Role.GESTIONNAIRE, Role.EMPLOYEUR_INCLUSIF)
        and request.structure_name.strip()
    ):
        structure = None
        if request.structure_siret:
            structure = session.scalar(
                select(Structure).where(Structure.siret == request.structure_siret)
            )
        if structure is None:
            structure = Structure(
                name=request.structure_name.strip(),
                siret=request.structure_siret or None,
                kind=request.structure_kind or StructureKind.ASSOCIATION,
                approved=False,
                departement_code=request.departement_code,
                source="Déclarée par son gestionnaire",
            )
            session.add(structure)
        session.flush()
        session.add(Membership(user=user, structure=structure, status=MembershipStatus.PENDING))
    session.flush()
    return SignupOutcome(user, None)


def verification_token(user: User) -> str:
    return make_token(VERIFY_EMAIL, {"u": user.id, "e": fingerprint(user.email)})


def verify_email(session: Session, token: str) -> User:
    """Confirm the address: the account then waits for approval (or is active when invited).
    :class:`TokenError` for a bad or expired link."""
    payload = read_token(VERIFY_EMAIL, token)
    user = session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    if user is None or payload.get("e") != fingerprint(user.email):
        raise TokenError(expired=False)
    if user.status == AccountStatus.UNVERIFIED:
        user.email_verified_at = utcnow()
        user.status = AccountStatus.ACTIVE if user.approved_at else AccountStatus.PENDING
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The account for these credentials if it may log in now; None otherwise (same time spent
    whether the address exists or not)."""
    user = find_user(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None:
        return None
    return user


def reset_token(user: User) -> str:
    return make_token(RESET_PASSWORD, {"u": user.id, "p": fingerprint(user.password_hash)})


def user_for_reset(session: Session, token: str) -> User:
    payload = read_token(RESET_PASSWORD, token)
    user = session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    if user is None or payload.get("p") != fingerprint(user.password_hash):
        raise TokenError(expired=False)  # used already (the password changed) or forged
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.session_version += 1  # logs out every other session


def invitation_token(
    inviter: User, email: str, role: Role, departement_code: str | None, structure_id: int | None
) -> str:
    return make_token(
        INVITATION,
        {
            "e": normalize_email(email),
            "r": role.value,
            "d": departement_code,
            "s": structure_id,
            "by": inviter.id,
        },
    )


def read_invitation(session: Session, token: str) -> dict:
    payload = read_token(INVITATION, token)
    if find_user(session, payload.get("e", "")) is not None:
        raise TokenError(expired=False)  # already used
    try:
        payload["r"] = Role(payload.get("r", ""))
    except ValueError:
        raise TokenError(expired=False) from None
    return payload


def accept_invitation(
    session: Session, payload: dict, full_name: str, organisation: str, password: str
) -> User:
    """An invited account is approved by its inviter and its address is proven by the link."""
    now = utcnow()
    user = User(
        email=payload["e"],
        password_hash=hash_password(password),
        full_name=full_name.strip(),
        organisation=organisation.strip(),
        role=payload["r"],
        departement_code=payload.get("d"),
        status=AccountStatus.ACTIVE,
        email_verified_at=now,
        approved_at=now,
        approved_by_id=payload.get("by"),
        invited_by_id=payload.get("by"),
    )
    session.add(user)
    if payload.get("s"):
        structure = session.get(Structure, payload["s"])
        if structure is not None:
            session.add(
                Membership(
                    user=user,
                    structure=structure,
                    status=MembershipStatus.APPROVED,
                    decided_by_id=payload.get("by"),
                    decided_at=now,
                )
            )
    session.flush()
    return user


def approve_account(session: Session, approver: User, user: User) -> None:
    """Approve the account, its pending memberships and the structures it declared."""
    now = utcnow()
    user.approved_at = now
    user.approved_by_id = approver.id
    if user.status == AccountStatus.PENDING:
        user.status = AccountStatus.ACTIVE
    for membership in user.memberships:
        if membership.status == MembershipStatus.PENDING:
            membership.status = MembershipStatus.APPROVED
            membership.decided_by_id, membership.decided_at = approver.id, now
            membership.structure.approved = True


def refuse_account(session: Session, approver: User, user: User) -> None:
    now = utcnow()
    user.status = AccountStatus.REFUSED
    for membership in user.memberships:
        if membership.status == MembershipStatus.PENDING:
            membership.status = MembershipStatus.REFUSED
            membership.decided_by_id, membership.decided_at = approver.id, now
