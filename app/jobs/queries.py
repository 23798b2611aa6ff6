"""Reading the job exchange: the two searches (needs for SIAE/GEIQ and prescripteurs, what
SIAE/GEIQ can propose for crèches), each person's space, loading an object, and the facts the
tension figures are computed from.

Why SQL and numpy, not the Whoosh index: open needs and capacities number in the thousands
(60,000 early-childhood job offers a year in France, of which only those of employers open to
insertion reach the exchange), so a bounding box on (latitude, longitude) in SQL and an exact
distance over the few hundred rows left (numpy) answer in milliseconds, stay exact at every
write (no index to keep in step) and use the same geo helpers as the directory."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.orm import Session, selectinload

from app.accounts.models import Role, User
from app.core import followup
from app.geo.distance import bounding_box, haversine_km_many
from app.jobs import policies, rules
from app.jobs.criteria import JobCriteria
from app.jobs.models import (
    BmoFigure,
    JobCapacity,
    JobNeed,
    JobProposal,
    NeedStatus,
    ProposalStatus,
)

PAGE_SIZE = 20
#: The widest zone an SIAE may say it covers (km): the capacities' bounding box adds it.
MAX_ZONE_KM = 100


@dataclass(frozen=True)
class Hit:
    item: JobNeed | JobCapacity
    distance_km: float | None


@dataclass(frozen=True)
class Results:
    criteria: JobCriteria
    hits: list[Hit]
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _near(query: Select, model, criteria: JobCriteria, extra_km: float) -> Select:
    if criteria.commune is None:
        return query
    c = criteria.commune
    min_lat, max_lat, min_lon, max_lon = bounding_box(
        c.latitude, c.longitude, criteria.radius_km + extra_km
    )
    return query.where(
        model.latitude.between(min_lat, max_lat), model.longitude.between(min_lon, max_lon)
    )


def _rank(rows, criteria: JobCriteria, reach) -> list[Hit]:
    """Exact distances (numpy), the rows out of reach dropped, nearest first (then id)."""
    if criteria.commune is None:
        return [Hit(row, None) for row in rows]
    if not rows:
        return []
    c = criteria.commune
    distances = haversine_km_many(
        c.latitude, c.longitude, [r.latitude for r in rows], [r.longitude for r in rows]
    )
    hits = [Hit(r, float(d)) for r, d in zip(rows, distances, strict=True) if d <= reach(r)]
    return sorted(hits, key=lambda h: (h.distance_km, h.item.id))


def _page(hits: list[Hit], criteria: JobCriteria) -> Results:
    start = (criteria.page - 1) * PAGE_SIZE
    return Results(criteria, hits[start : start + PAGE_SIZE], len(hits))


def search_needs(session: Session, criteria: JobCriteria) -> Results:
    """Open needs near a place (or everywhere, the freshest first), of a job, a contract kind,
    at most so many hours a week, welcoming immersions."""
    query = select(JobNeed).where(JobNeed.status == NeedStatus.OPEN)
    if criteria.rome_codes:
        query = query.where(JobNeed.rome_code.in_(criteria.rome_codes))
    if criteria.immersion:
        query = query.where(JobNeed.immersion_places > 0)
    if criteria.hours_max:
        query = query.where(JobNeed.hours_per_week <= criteria.hours_max)
    if criteria.departement:
        query = query.where(JobNeed.departement_code == criteria.departement)
    if criteria.contract:  # a JSON list: its text holds the quoted slug (SQLite, PostgreSQL)
        query = query.where(cast(JobNeed.contract_kinds, String).like(f'%"{criteria.contract}"%'))
    if criteria.commune is None:  # the freshest first, one page read from the database
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = session.scalars(
            query.options(selectinload(JobNeed.structure))
            .order_by(JobNeed.updated_at.desc(), JobNeed.id)
            .offset((criteria.page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
        return Results(criteria, [Hit(n, None) for n in page], total)
    query = _near(query, JobNeed, criteria, 0).options(selectinload(JobNeed.structure))
    rows = list(session.scalars(query.order_by(JobNeed.id)))
    return _page(_rank(rows, criteria, lambda n: criteria.radius_km), criteria)


def search_capacities(session: Session, criteria: JobCriteria, today: date) -> Results:
    """What SIAE and GEIQ can propose, whose zone reaches the search's circle."""
    query = select(JobCapacity).where(JobCapacity.status == NeedStatus.OPEN)
    query = query.where(
        (JobCapacity.available_until.is_(None)) | (JobCapacity.available_until >= today)
    )
    if criteria.hours_max:
        query = query.where(
            (JobCapacity.hours_per_week.is_(None))
            | (JobCapacity.hours_per_week <= criteria.hours_max)
        )
    query = _near(query, JobCapacity, criteria, MAX_ZONE_KM)
    query = query.options(selectinload(JobCapacity.structure)).order_by(
        JobCapacity.updated_at.desc(), JobCapacity.id
    )
    rows = [
        c
        for c in session.scalars(query)
        if (not criteria.contract or criteria.contract in (c.contract_kinds or []))
        and (
            not criteria.rome_codes
            or not c.rome_codes
            or set(criteria.rome_codes) & set(c.rome_codes)
        )
    ]
    return _page(_rank(rows, criteria, lambda c: criteria.radius_km + c.radius_km), criteria)


# ------------------------------------------------------------------ loading


def load_need(session: Session, need_id: int) -> JobNeed | None:
    if not isinstance(need_id, int) or not 0 < need_id < 2**31:
        return None
    return session.get(JobNeed, need_id)


def load_capacity(session: Session, capacity_id: int) -> JobCapacity | None:
    if not isinstance(capacity_id, int) or not 0 < capacity_id < 2**31:
        return None
    return session.get(JobCapacity, capacity_id)


def load_proposal(session: Session, proposal_id: int) -> JobProposal | None:
    if not isinstance(proposal_id, int) or not 0 < proposal_id < 2**31:
        return None
    return session.scalar(
        select(JobProposal)
        .where(JobProposal.id == proposal_id)
        .options(selectinload(JobProposal.events), selectinload(JobProposal.need))
    )


# ------------------------------------------------------------------ spaces


@dataclass
class Space:
    needs: list[JobNeed]
    capacities: list[JobCapacity]
    proposals: list[JobProposal]


def space(session: Session, user: User) -> Space:
    """What a person's « bourse de l'emploi » space lists: their structures' needs and the
    proposals received (employer), their structure's capacities and proposals sent (SIAE,
    GEIQ), their own proposals (prescripteur), the département's (coordinator)."""
    needs: list[JobNeed] = []
    capacities: list[JobCapacity] = []
    proposals_query = None
    if user.role == Role.GESTIONNAIRE:
        ids = policies.employer_structure_ids(session, user) or {-1}
        needs = list(
            session.scalars(
                select(JobNeed)
                .where(JobNeed.structure_id.in_(ids))
                .order_by(JobNeed.status.desc(), JobNeed.updated_at.desc(), JobNeed.id)
            )
        )
        proposals_query = select(JobProposal).where(JobProposal.employer_structure_id.in_(ids))
    elif user.role == Role.EMPLOYEUR_INCLUSIF:
        ids = policies.inclusive_structure_ids(session, user) or {-1}
        capacities = list(
            session.scalars(
                select(JobCapacity)
                .where(JobCapacity.structure_id.in_(ids))
                .order_by(JobCapacity.status.desc(), JobCapacity.updated_at.desc(), JobCapacity.id)
            )
        )
        proposals_query = select(JobProposal).where(JobProposal.proposer_structure_id.in_(ids))
    elif user.role == Role.PRESCRIPTEUR:
        proposals_query = select(JobProposal).where(JobProposal.proposer_id == user.id)
    elif user.role in (Role.COORDINATEUR, Role.ADMIN):
        needs_query = select(JobNeed)
        proposals_query = select(JobProposal)
        if user.role == Role.COORDINATEUR:
            needs_query = needs_query.where(JobNeed.departement_code == user.departement_code)
            proposals_query = proposals_query.where(
                JobProposal.departement_code == user.departement_code
            )
        needs = list(
            session.scalars(
                needs_query.order_by(JobNeed.status.desc(), JobNeed.updated_at.desc(), JobNeed.id)
            )
        )
    proposals = (
        list(
            session.scalars(
                proposals_query.options(selectinload(JobProposal.need)).order_by(
                    JobProposal.sent_at.desc(), JobProposal.id
                )
            )
        )
        if proposals_query is not None
        else []
    )
    return Space(needs, capacities, proposals)


# ------------------------------------------------------------------ tension


@dataclass(frozen=True)
class FactRow:
    departement_code: str
    rome_code: str
    facts: rules.NeedFacts


def need_facts(session: Session, departement_code: str | None = None) -> list[FactRow]:
    """Every need (open or closed: the trend reads the past) with its proposals' first-answer
    times, in two queries."""
    needs_query = select(
        JobNeed.id,
        JobNeed.departement_code,
        JobNeed.rome_code,
        JobNeed.created_at,
        JobNeed.closed_at,
        JobNeed.filled_at,
        JobNeed.positions,
    ).order_by(JobNeed.id)
    proposals_query = select(
        JobProposal.need_id, JobProposal.sent_at, JobProposal.first_answer_at, JobProposal.status
    ).order_by(JobProposal.id)
    if departement_code:
        needs_query = needs_query.where(JobNeed.departement_code == departement_code)
        proposals_query = proposals_query.where(JobProposal.departement_code == departement_code)
    answers: dict[int, list[float | None]] = defaultdict(list)
    for need_id, sent_at, first_answer_at, _status in session.execute(proposals_query):
        answers[need_id].append(followup.hours_between(sent_at, first_answer_at))
    return [
        FactRow(
            dept,
            rome_code,
            rules.NeedFacts(
                created_at=created,
                closed_at=closed,
                filled_at=filled,
                positions=positions,
                proposals=len(answers.get(need_id, [])),
                first_answer_hours=tuple(answers.get(need_id, [])),
            ),
        )
        for need_id, dept, rome_code, created, closed, filled, positions in session.execute(
            needs_query
        )
    ]


@dataclass(frozen=True)
class BmoShare:
    year: int
    projects: int
    difficult: int

    @property
    def share(self) -> float | None:
        return self.difficult / self.projects if self.projects else None


def bmo_by_departement(session: Session) -> dict[str, BmoShare]:
    """The latest imported BMO year, early-childhood jobs only, summed per département."""
    year = session.scalar(select(BmoFigure.year).order_by(BmoFigure.year.desc()).limit(1))
    if year is None:
        return {}
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for dept, projects, difficult in session.execute(
        select(BmoFigure.departement_code, BmoFigure.projects, BmoFigure.difficult)
        .where(BmoFigure.year == year)
        .order_by(BmoFigure.id)
    ):
        totals[dept][0] += projects
        totals[dept][1] += difficult
    return {dept: BmoShare(year, p, d) for dept, (p, d) in totals.items()}


def waiting_count(session: Session, structure_ids: set[int]) -> int:
    """Proposals waiting for an employer's answer (its home page says so)."""
    return len(
        session.scalars(
            select(JobProposal.id).where(
                JobProposal.employer_structure_id.in_(structure_ids or {-1}),
                JobProposal.status == ProposalStatus.SENT,
            )
        ).all()
    )


def last_update(items: list[JobNeed]) -> datetime | None:
    return max((n.updated_at for n in items), default=None)
