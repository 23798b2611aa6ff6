"""The figures, computed once per version of the data and kept in the process.

The version is read in one small query: today's date (figures are dated), the last row of the
search change log (every write that changes an offer adds one in its own transaction,
:mod:`app.search.changes`), the last activity of any referral, the last coverage import and the
last outcome answered. Any such write changes the version; the next page computes afresh.
Unmet-need counters change with every search: they are read uncached (one indexed query).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.referrals.models import Referral
from app.search.changes import SearchChange
from app.territories.models import CoverageRate, OutcomeAsk

T = TypeVar("T")

_LOCK = threading.Lock()
_STORE: dict[tuple, tuple[tuple, Any]] = {}
#: Entries kept at most (France, 101 départements and their downloads fit well within).
MAX_ENTRIES = 512


def data_version(session: Session, today: date) -> tuple:
    row = session.execute(
        select(
            select(func.max(SearchChange.id)).scalar_subquery(),
            select(func.max(Referral.last_activity_at)).scalar_subquery(),
            select(func.max(CoverageRate.imported_at)).scalar_subquery(),
            select(func.max(OutcomeAsk.answered_at)).scalar_subquery(),
        )
    ).one()
    return (today.isoformat(), *(str(v) for v in row))


def cached(session: Session, today: date, key: tuple, compute: Callable[[], T]) -> T:
    """``compute()``'s value for ``key``, computed again when the data's version changed."""
    version = data_version(session, today)
    key = (str(session.get_bind().engine.url), *key)  # one store per database
    with _LOCK:
        hit = _STORE.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = compute()
    with _LOCK:
        if len(_STORE) >= MAX_ENTRIES:
            _STORE.clear()
        _STORE[key] = (version, value)
    return value


def clear() -> None:
    with _LOCK:
        _STORE.clear()
