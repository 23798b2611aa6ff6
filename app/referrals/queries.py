"""Reading referrals: the lists of each side, the département dashboard, the response-time
badge of a structure. Every list is scoped to what the person may see (see
:func:`app.referrals.services.side_of`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, false, func, select
from sqlalchemy.orm import Session, selectinload

from app.accounts import policies
from app.accounts.models import Role, User
from app.directory.models import Offer, Structure
from app.referrals import rules
from app.referrals.models import Referral, ReferralStatus

LIST_LIMIT = 5000
S = ReferralStatus


def _scope(session: Session, user: User, kind: str):
    query = select(Referral)
    if not policies.is_active(user):
        return query.where(false())
    if kind == "mine":
        return query.where(Referral.prescriber_id == user.id)
    if kind == "received":
        if user.role == Role.GESTIONNAIRE:
            return query.where(
                Referral.structure_id.in_(policies.managed_structure_ids(session, user) or {-1})
            )
        return query.where(false())
    if kind == "departement":
        if user.role == Role.ADMIN:
            return query
        if user.role == Role.COORDINATEUR and user.departement_code:
            return query.where(Referral.departement_code == user.departement_code)
        return query.where(false())
    raise ValueError(kind)


#: What each list shows first, « à traiter »: referrals to answer (structure), information asked
#: of the prescripteur (issue 22).
TO_HANDLE = {
    "mine": (S.INFO_REQUESTED,),
    "received": (S.SENT,),
    "departement": (),
}
#: How long an answer counts as « new » on the prescripteur's « Mon espace ».
RECENT_ANSWERS = timedelta(days=14)
#: Items of each group shown on « Mon espace » (the count says how many in all).
WAITING_SHOWN = 5


def _to_handle_first(kind: str):
    statuses = TO_HANDLE[kind]
    return case((Referral.status.in_(statuses), 0), else_=1) if statuses else None


@dataclass
class Waiting:
    """One group of « Mon espace »: what waits for the person, counted, the first items shown."""

    key: str  # a-repondre, informations-demandees, reponses-recues
    count: int
    items: list[Referral]


def _waiting(session: Session, key: str, query, order) -> Waiting:
    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = (
        list(
            session.scalars(
                query.options(selectinload(Referral.offer), selectinload(Referral.structure))
                .order_by(*order)
                .limit(WAITING_SHOWN)
            )
        )
        if count
        else []
    )
    return Waiting(key, count, items)


def waiting(session: Session, user: User, now: datetime) -> list[Waiting]:
    """What waits for ``user`` first: a structure's referrals to answer (oldest first); a
    prescripteur's information requested, then the answers of the last 14 days."""
    if not policies.is_active(user):
        return []
    if user.role == Role.GESTIONNAIRE:
        to_answer = _scope(session, user, "received").where(Referral.status == S.SENT)
        return [_waiting(session, "a-repondre", to_answer, (Referral.sent_at, Referral.id))]
    if user.role == Role.PRESCRIPTEUR:
        mine = _scope(session, user, "mine")
        asked = mine.where(Referral.status == S.INFO_REQUESTED)
        answered = mine.where(
            Referral.status.in_((S.ACCEPTED, S.REFUSED, S.WAITING_LIST)),
            Referral.last_activity_at >= now - RECENT_ANSWERS,
        )
        recent_first = (Referral.last_activity_at.desc(), Referral.id.desc())
        return [
            _waiting(
                session, "informations-demandees", asked, (Referral.last_activity_at, Referral.id)
            ),
            _waiting(session, "reponses-recues", answered, recent_first),
        ]
    return []


@dataclass
class Listing:
    referrals: list[Referral]
    counts: dict[ReferralStatus, int]
    total: int
    page: int
    pages: int


def listing(
    session: Session,
    user: User,
    kind: str,
    status: ReferralStatus | None,
    *,
    page: int = 1,
    page_size: int = 50,
) -> Listing:
    scope = _scope(session, user, kind).subquery()
    counts: dict[str, int] = dict(
        session.execute(select(scope.c.status, func.count()).group_by(scope.c.status)).all()
    )
    query = _scope(session, user, kind)
    if status is not None:
        query = query.where(Referral.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    first = _to_handle_first(kind)
    order = (Referral.sent_at.desc(), Referral.id.desc())
    rows = session.scalars(
        query.options(
            selectinload(Referral.offer),
            selectinload(Referral.prescriber),
            selectinload(Referral.structure),
        )
        .order_by(*((first, *order) if first is not None else order))
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return Listing(list(rows), {S(k): v for k, v in counts.items()}, total, page, pages)


def for_export(
    session: Session, user: User, kind: str, status: ReferralStatus | None
) -> list[Referral]:
    query = _scope(session, user, kind)
    if status is not None:
        query = query.where(Referral.status == status)
    return list(
        session.scalars(
            query.options(
                selectinload(Referral.offer),
                selectinload(Referral.prescriber),
                selectinload(Referral.structure),
            )
            .order_by(Referral.sent_at.desc(), Referral.id.desc())
            .limit(LIST_LIMIT)
        )
    )


def load(session: Session, referral_id: int) -> Referral | None:
    return session.scalar(
        select(Referral)
        .where(Referral.id == referral_id)
        .options(
            selectinload(Referral.offer),
            selectinload(Referral.structure),
            selectinload(Referral.prescriber),
            selectinload(Referral.events),
        )
    )


# ------------------------------------------------------------------ response times


def sample_of(referral, now: datetime) -> rules.Sample | None:
    """A referral's part in the response-time figures: its time to a first answer; « never »
    when it expired unanswered or is still unanswered after both reminders; nothing when it
    is too recent to tell or was cancelled before any answer."""
    hours = rules.response_hours(referral.sent_at, referral.first_answer_at)
    if hours is not None:
        return rules.Sample(hours)
    if referral.status == S.EXPIRED:
        return rules.Sample(None)
    if referral.status == S.SENT and referral.sent_at <= now - timedelta(
        days=rules.REMINDER_DAYS[-1]
    ):
        return rules.Sample(None)
    return None


def _recent(session: Session, now: datetime, *conditions):
    """(sent_at, first_answer_at, status) of the referrals of the last 6 months: the public
    offer page reads these three columns, never a referral's personal fields."""
    since = now - timedelta(days=rules.BADGE_WINDOW_DAYS)
    return session.execute(
        select(Referral.sent_at, Referral.first_answer_at, Referral.status).where(
            Referral.sent_at >= since, *conditions
        )
    ).all()


def structure_badge(session: Session, structure_id: int, now: datetime) -> str | None:
    """« Répond aux orientations sous 3 jours » over the last 6 months; None with fewer than 3."""
    samples = [
        s
        for r in _recent(session, now, Referral.structure_id == structure_id)
        if (s := sample_of(r, now)) is not None
    ]
    return rules.response_badge(samples)


@dataclass
class SilentOffer:
    offer: Offer
    referrals: int
    last_sent_at: datetime


@dataclass
class Dashboard:
    since: datetime
    total: int
    counts: dict[ReferralStatus, int]
    median_hours: float | None  # of the referrals that got an answer
    answered: int
    acceptance_rate: float | None  # accepted / (accepted + refused)
    silent_offers: list[SilentOffer]


def dashboard(session: Session, user: User, now: datetime) -> Dashboard:
    """The département's referrals of the last 6 months, for its coordinator."""
    since = now - timedelta(days=rules.BADGE_WINDOW_DAYS)
    referrals = list(
        session.scalars(
            _scope(session, user, "departement")
            .where(Referral.sent_at >= since)
            .options(selectinload(Referral.offer))
        )
    )
    figures = response_figures(referrals)
    counts = figures.counts
    by_offer: dict[int, list[Referral]] = {}
    for r in referrals:
        by_offer.setdefault(r.offer_id, []).append(r)
    silent = []
    for items in by_offer.values():
        if any(r.first_answer_at for r in items):
            continue
        judged = [r for r in items if sample_of(r, now) is not None]
        if judged:
            silent.append(SilentOffer(items[0].offer, len(items), max(r.sent_at for r in items)))
    silent.sort(key=lambda s: (-s.referrals, s.offer.title))
    return Dashboard(
        since,
        figures.total,
        {s: counts.get(s, 0) for s in S},
        figures.median_hours,
        figures.answered,
        figures.acceptance_rate,
        silent,
    )


@dataclass
class ResponseFigures:
    """Referrals' answers: how many, how fast (the median of those answered), how many
    accepted of those decided."""

    total: int
    counts: Counter
    answered: int
    median_hours: float | None
    decided: int
    acceptance_rate: float | None  # accepted / (accepted + refused)


def response_figures(referrals) -> ResponseFigures:
    """The figures of any rows with ``sent_at``, ``first_answer_at`` and ``status``."""
    rows = list(referrals)
    counts = Counter(r.status for r in rows)
    answered = [
        h for r in rows if (h := rules.response_hours(r.sent_at, r.first_answer_at)) is not None
    ]
    decided = counts[S.ACCEPTED] + counts[S.REFUSED]
    return ResponseFigures(
        len(rows),
        counts,
        len(answered),
        rules.median_hours([rules.Sample(h) for h in answered]),
        decided,
        counts[S.ACCEPTED] / decided if decided else None,
    )


def departement_response(session: Session, departement_code: str, now: datetime):
    """The département's referrals of the last 6 months (their dates and status only)."""
    return response_figures(_recent(session, now, Referral.departement_code == departement_code))


def structures_response(
    session: Session, departement_code: str, now: datetime
) -> list[tuple[str, ResponseFigures]]:
    """Each structure's figures over the département's referrals of the last 6 months (for its
    coordinators only), by structure name."""
    since = now - timedelta(days=rules.BADGE_WINDOW_DAYS)
    rows = session.execute(
        select(
            Structure.name,
            Structure.id,
            Referral.sent_at,
            Referral.first_answer_at,
            Referral.status,
        )
        .join(Structure, Structure.id == Referral.structure_id)
        .where(Referral.sent_at >= since, Referral.departement_code == departement_code)
        .order_by(Structure.name, Structure.id, Referral.id)
    ).all()
    groups: dict[tuple[str, int], list] = {}
    for row in rows:
        groups.setdefault((row[0], row[1]), []).append(row)
    return [(key[0], response_figures(items)) for key, items in groups.items()]
