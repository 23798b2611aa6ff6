"""Demo data of the job exchange (embedded default, never in production): the demo manager's
structure publishes three needs, the demo SIAE says what it can propose and has proposed people
for two needs (one answered, one waiting). Every row is flagged ``is_demo`` and shown as
« données de démonstration »."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.demo import DEMO_ACCOUNTS, DEMO_SIAE
from app.accounts.models import Membership, Role, User
from app.db import utcnow
from app.directory.models import Structure
from app.geo import get_commune
from app.jobs import rome
from app.jobs.models import (
    JobCapacity,
    JobNeed,
    JobProposal,
    JobProposalEvent,
    ProposalStatus,
    Side,
)

# (ROME code, commune, hours, contracts, qualification, positions, immersions, days ago)
NEEDS = (
    ("J1304", "83137", 35, ["mise-a-disposition", "cddi", "cdd"], "cap-aepe", 2, 2, 45),
    ("K1307", "83137", 24, ["mise-a-disposition", "pec"], "aucune", 1, 0, 12),
    ("K1202", "83126", 35, ["apprentissage", "professionnalisation", "cdi"], "deeje", 1, 1, 3),
)


def create_demo_jobs(session: Session) -> int:
    emails = {role: email for email, role, *_ in DEMO_ACCOUNTS}
    manager = session.scalar(select(User).where(User.email == emails[Role.GESTIONNAIRE]))
    coach = session.scalar(select(User).where(User.email == emails[Role.EMPLOYEUR_INCLUSIF]))
    siae = session.scalar(select(Structure).where(Structure.siret == DEMO_SIAE[1]))
    if manager is None or coach is None or siae is None:
        return 0
    if session.scalar(select(JobNeed.id).where(JobNeed.is_demo).limit(1)) is not None:
        return 0
    structure_id = session.scalar(
        select(Membership.structure_id).where(Membership.user_id == manager.id).limit(1)
    )
    if structure_id is None:
        return 0
    now = utcnow()
    needs = []
    for code, insee, hours, contracts, qualification, positions, immersions, days in NEEDS:
        commune = get_commune(insee)
        if commune is None:  # pragma: no cover - fixed communes of the reference
            continue
        when = now - timedelta(days=days)
        need = JobNeed(
            structure_id=structure_id,
            author_id=manager.id,
            rome_code=code,
            title=rome.label_of(code),
            description="Besoin fictif des données de démonstration.",
            contract_kinds=contracts,
            hours_per_week=hours,
            time_slots="Mo-Fr 07:30-14:30" if hours >= 35 else "Mo,Tu,Th 08:00-16:00",
            positions=positions,
            tutoring=True,
            qualification=qualification,
            in_training_accepted=True,
            immersion_places=immersions,
            immersion_period="Hors vacances scolaires" if immersions else "",
            contact_email=manager.email,
            code_insee=commune.code_insee,
            commune_name=commune.name,
            departement_code=commune.departement_code,
            latitude=commune.latitude,
            longitude=commune.longitude,
            is_demo=True,
            created_at=when,
            updated_at=when,
        )
        session.add(need)
        needs.append(need)
    toulon = get_commune("83137")
    assert toulon is not None
    session.add(
        JobCapacity(
            structure_id=siae.id,
            author_id=coach.id,
            people_count=4,
            qualification="cap-aepe-en-cours",
            rome_codes=["J1304", "K1307"],
            contract_kinds=["mise-a-disposition"],
            hours_per_week=30,
            available_from=now.date(),
            radius_km=30,
            note="Proposition fictive des données de démonstration.",
            code_insee=toulon.code_insee,
            commune_name=toulon.name,
            departement_code=toulon.departement_code,
            latitude=toulon.latitude,
            longitude=toulon.longitude,
            is_demo=True,
        )
    )
    session.flush()
    for need, answered in ((needs[0], True), (needs[1], False)):
        sent = now - timedelta(days=5 if answered else 1)
        proposal = JobProposal(
            need_id=need.id,
            employer_structure_id=structure_id,
            proposer_structure_id=siae.id,
            proposer_id=coach.id,
            departement_code=need.departement_code,
            contract_kind="mise-a-disposition",
            people=[
                {
                    "qualification": "cap-aepe-en-cours",
                    "available_from": "",
                    "experience": "Personne fictive : deux ans d’aide à domicile.",
                },
                {
                    "qualification": "aucune",
                    "available_from": "",
                    "experience": "Personne fictive : animatrice de centre de loisirs.",
                },
            ],
            people_count=2,
            idempotency_key=uuid.uuid4().hex,
            is_demo=True,
            sent_at=sent,
            last_activity_at=sent,
        )
        proposal.events.append(
            JobProposalEvent(kind="sent", side=Side.PROPOSER, actor_id=coach.id, at=sent)
        )
        if answered:
            at = sent + timedelta(hours=20)
            proposal.status = ProposalStatus.INTERESTED
            proposal.seen_at = proposal.first_answer_at = proposal.last_activity_at = at
            proposal.events.append(
                JobProposalEvent(kind="interesse", side=Side.EMPLOYER, actor_id=manager.id, at=at)
            )
        session.add(proposal)
    session.commit()
    return len(needs)
