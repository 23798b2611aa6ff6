"""The pages' figures, cached (:mod:`.cache`), and what of them may be shown publicly."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.geo import get_departement
from app.moderation.queries import coordinators_of
from app.referrals.queries import departement_response
from app.territories import queries
from app.territories.cache import cached
from app.territories.needs import SearchNeed, record, since_month

log = logging.getLogger(__name__)

#: A response time, an acceptance rate or outcomes are published from this many cases on.
PUBLIC_MINIMUM = 5
#: « Besoins sans réponse » cover the last months, this one included.
NEEDS_MONTHS = 3


def france(session: Session, today: date) -> queries.Table:
    return cached(session, today, ("france",), lambda: queries.departement_table(session, today))


def departement(session: Session, code: str, today: date) -> queries.Table:
    return cached(
        session, today, ("departement", code), lambda: queries.commune_table(session, code, today)
    )


@dataclass(frozen=True)
class PublicResponse:
    """Referral figures as published: None below :data:`PUBLIC_MINIMUM` cases."""

    total: int
    answered: int
    median_hours: float | None
    decided: int
    acceptance_rate: float | None


def public_response(session: Session, code: str, now: datetime) -> PublicResponse:
    def compute() -> PublicResponse:
        f = departement_response(session, code, now)
        return PublicResponse(
            f.total,
            f.answered,
            f.median_hours if f.answered >= PUBLIC_MINIMUM else None,
            f.decided,
            f.acceptance_rate if f.decided >= PUBLIC_MINIMUM else None,
        )

    return cached(session, now.date(), ("response", code), compute)


@dataclass(frozen=True)
class OutcomeRow:
    offer_kind: str
    months: int
    answers: int
    shares: dict[str, float] | None  # outcome → share; None below PUBLIC_MINIMUM answers


def public_outcomes(session: Session, code: str) -> tuple[OutcomeRow, ...]:
    counts = queries.outcome_counts(session, code)
    groups: dict[tuple[str, int], dict[str, int]] = {}
    for (kind, months, outcome), n in counts.items():
        groups.setdefault((kind, months), {})[outcome] = n
    rows = []
    for (kind, months), by_outcome in sorted(groups.items()):
        total = sum(by_outcome.values())
        shares = {o: n / total for o, n in by_outcome.items()} if total >= PUBLIC_MINIMUM else None
        rows.append(OutcomeRow(kind, months, total, shares))
    return tuple(rows)


def needs(session: Session, code: str, today: date) -> tuple[queries.NeedRow, ...]:
    return queries.unmet_needs(session, code, since_month(today, NEEDS_MONTHS))


@dataclass(frozen=True)
class AvipGap:
    """A département with no AVIP offer, and whom to contact there."""

    departement: object
    coordinators: list


def avip_gap(session: Session, departement_code: str, today: date) -> AvipGap | None:
    """None when the département has an AVIP offer (one indexed query on the search path)."""
    if queries.has_avip_offer(session, departement_code, today):
        return None
    return AvipGap(get_departement(departement_code), coordinators_of(session, departement_code))


def record_search(session_factory, need: SearchNeed | None, today: date) -> None:
    """Count a search in its own short transaction, after the response has left (best effort:
    a counter lost to a locked database is logged, never shown to the person)."""
    if need is None:
        return
    session = session_factory()
    try:
        record(session, need, today)
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        log.warning("unmet-need counter not recorded", exc_info=True)
    finally:
        session.close()
