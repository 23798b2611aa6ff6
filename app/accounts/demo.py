"""Demo accounts for the embedded default, so that one can click through as each role.

Created with the demo data, never in production. Their password is public (README)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import AccountStatus, Membership, MembershipStatus, Role, User
from app.accounts.passwords import hash_password
from app.db import utcnow
from app.directory.models import Offer, Structure, StructureKind

DEMO_PASSWORD = "demonstration-passerelle"
DEMO_ACCOUNTS = (
    (
        "gestionnaire@passerelle-demo.example.org",
        Role.GESTIONNAIRE,
        "Nadia Benali (démo)",
        "Crèche de démonstration",
    ),
    (
        "prescripteur@passerelle-demo.example.org",
        Role.PRESCRIPTEUR,
        "Karim Diallo (démo)",
        "France Travail Toulon (démo)",
    ),
    (
        "coordination@passerelle-demo.example.org",
        Role.COORDINATEUR,
        "Claire Morel (démo)",
        "Caf du Var (démo)",
    ),
    ("admin@passerelle-demo.example.org", Role.ADMIN, "Administration (démo)", "Passerelle"),
    (
        "siae@passerelle-demo.example.org",
        Role.EMPLOYEUR_INCLUSIF,
        "Sami Haddad (démo)",
        "AI Var Emploi (démo)",
    ),
)
#: The employeur inclusif's structure (an association intermédiaire), created with its account.
DEMO_SIAE = ("AI Var Emploi (démonstration)", "00000000000018")


def create_demo_accounts(session: Session, departement_code: str = "83") -> list[User]:
    """One account per role (the gestionnaire manages the structure of a demo offer of the
    département); existing demo accounts are left as they are."""
    hashed = hash_password(DEMO_PASSWORD)
    structure_id = session.scalar(
        select(Offer.structure_id)
        .where(Offer.is_demo, Offer.departement_code == departement_code)
        .order_by(Offer.id)
        .limit(1)
    )
    created = []
    for email, role, name, organisation in DEMO_ACCOUNTS:
        if session.scalar(select(User.id).where(User.email == email)) is not None:
            continue
        now = utcnow()
        user = User(
            email=email,
            password_hash=hashed,
            full_name=name,
            organisation=organisation,
            role=role,
            departement_code=None if role == Role.ADMIN else departement_code,
            status=AccountStatus.ACTIVE,
            email_verified_at=now,
            approved_at=now,
        )
        session.add(user)
        if role == Role.EMPLOYEUR_INCLUSIF:
            siae = session.scalar(select(Structure).where(Structure.siret == DEMO_SIAE[1]))
            if siae is None:
                siae = Structure(
                    name=DEMO_SIAE[0],
                    siret=DEMO_SIAE[1],
                    kind=StructureKind.SIAE_AI,
                    is_demo=True,
                    departement_code=departement_code,
                    source="Données de démonstration",
                )
                session.add(siae)
            session.add(
                Membership(
                    user=user, structure=siae, status=MembershipStatus.APPROVED, decided_at=now
                )
            )
        if role == Role.GESTIONNAIRE and structure_id is not None:
            session.add(
                Membership(
                    user=user,
                    structure_id=structure_id,
                    status=MembershipStatus.APPROVED,
                    decided_at=now,
                )
            )
        created.append(user)
    session.commit()
    return created
