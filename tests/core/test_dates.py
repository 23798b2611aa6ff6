"""Days are counted in France: a moment stored in UTC (naive, as the database keeps it) falls on
the French calendar day, as ``today_in_france`` does, so an offer updated at 0:30 in Paris reads
« mis à jour aujourd’hui » and not « hier »."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.core.dates import as_date
from app.geo.timezones import today_in_france
from app.management.presenters import freshness_text


def test_a_utc_moment_after_23h_in_winter_is_the_next_day_in_france():
    stored = datetime(2026, 12, 4, 23, 30)  # UTC, naive: 0:30 on 5 December in Paris
    assert as_date(stored) == date(2026, 12, 5)
    assert as_date(stored.replace(tzinfo=UTC)) == date(2026, 12, 5)
    assert as_date(date(2026, 12, 4)) == date(2026, 12, 4)


def test_updated_just_now_reads_today_whatever_the_hour():
    now = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    today = today_in_france(now)
    assert freshness_text(now.replace(tzinfo=None), today) == "mis à jour aujourd’hui"
