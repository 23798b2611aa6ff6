"""The rules of alerts (issue 22: « at most daily », « expiry after 6 months unless renewed »,
« when an offer gains free places or appears»), and the change log read only once settled."""

from __future__ import annotations

from datetime import datetime, timedelta

from kit.factories import make_offer

from app.alerts import rules, services
from app.db import utcnow
from app.geo.timezones import today_in_france
from app.search.changes import ChangeCursor

NOW = datetime(2026, 12, 5, 7, 30)


def test_why_a_changed_offer_enters_a_digest():
    assert rules.reason_for(None, None, True, False) == rules.APPEARED  # never seen: new
    assert rules.reason_for(False, False, True, True) == rules.APPEARED  # published
    assert rules.reason_for(True, False, True, True) == rules.PLACES  # gained places
    assert rules.reason_for(True, True, True, True) is None  # still has them
    assert rules.reason_for(True, False, True, False) is None  # another change
    assert rules.reason_for(True, True, False, False) is None  # withdrawn


def test_six_months_then_a_reminder_two_weeks_before():
    assert rules.expires(NOW) - NOW == timedelta(days=183)
    assert not rules.reminder_due(NOW + timedelta(days=15), None, NOW)
    assert rules.reminder_due(NOW + timedelta(days=14), None, NOW)
    assert not rules.reminder_due(NOW + timedelta(days=3), NOW, NOW)  # once
    assert not rules.reminder_due(NOW - timedelta(days=1), None, NOW)  # expired: purged


def test_at_most_one_digest_a_day():
    assert rules.digest_due(None, NOW)
    assert not rules.digest_due(NOW - timedelta(hours=12), NOW)
    # A daily job that starts a few minutes earlier than yesterday still sends.
    assert rules.digest_due(NOW - timedelta(hours=23, minutes=50), NOW)


def test_a_change_just_recorded_waits_for_the_next_run(session):
    report = services.DailyReport()
    services.match_changes(session, utcnow(), today_in_france(), report)  # the first run
    session.commit()
    start = session.get(ChangeCursor, services.CURSOR).last_change
    make_offer(session, title="Crèche toute neuve")
    services.match_changes(session, utcnow(), today_in_france(), report)
    session.commit()
    assert session.get(ChangeCursor, services.CURSOR).last_change == start
    later = utcnow() + rules.SETTLE + timedelta(seconds=1)
    services.match_changes(session, later, today_in_france(), report)
    session.commit()
    assert session.get(ChangeCursor, services.CURSOR).last_change > start
