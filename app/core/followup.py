"""The follow-up machinery shared by every « request and answer » of the house: referrals and
parents' requests (:mod:`app.referrals`), job-exchange proposals and stale job needs
(:mod:`app.jobs`). Plain functions over dates, no database and no domain: each domain keeps its
own statuses and thresholds (dated parameters) and asks these functions when a reminder, an
expiry or a purge is due, and for its response-time figures.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta


def reminder_number(
    sent_at: datetime, reminders_sent: int, now: datetime, days: Sequence[int]
) -> int | None:
    """The number of the reminder to send now (1 after ``days[0]`` days, 2 after ``days[1]``…)
    or None. A reminder missed because the daily command did not run is not sent late if the
    next one is due."""
    due = [n for n, d in enumerate(days, start=1) if now >= sent_at + timedelta(days=d)]
    if not due or due[-1] <= reminders_sent:
        return None
    return due[-1]


def inactive_for(last_activity_at: datetime, now: datetime, days: int) -> bool:
    """True once ``days`` days went by without activity (expiry, closing of a stale item)."""
    return now >= last_activity_at + timedelta(days=days)


def purge_due(
    closed_at: datetime | None, anonymised_at: datetime | None, now: datetime, retention_days: int
) -> bool:
    return (
        closed_at is not None
        and anonymised_at is None
        and now >= closed_at + timedelta(days=retention_days)
    )


def hours_between(start: datetime, end: datetime | None) -> float | None:
    if end is None:
        return None
    return max(0.0, (end - start).total_seconds() / 3600)


def median_hours(values: Iterable[float | None]) -> float | None:
    """The median time to a first answer, a never-answered item counting as infinitely slow
    (so a party that answers half its requests has no « usual » time). None when there is no
    value or the median is « never »."""
    ordered = sorted(math.inf if v is None else v for v in values)
    if not ordered:
        return None
    middle = statistics.median_low(ordered)
    return None if math.isinf(middle) else middle
