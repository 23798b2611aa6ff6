"""Opening hours are local: « ouvert maintenant » uses the place's own clock."""

from datetime import UTC, datetime

from app.geo.timezones import local_now, today_in_france

UTC_NOON_SUMMER = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
UTC_NOON_WINTER = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def test_metropolitan_france_follows_paris_summer_and_winter_time():
    assert local_now("83", UTC_NOON_SUMMER) == datetime(2026, 7, 1, 14, 0)
    assert local_now("2A", UTC_NOON_WINTER) == datetime(2026, 1, 15, 13, 0)


def test_overseas_departements_have_their_own_clock():
    assert local_now("974", UTC_NOON_WINTER) == datetime(2026, 1, 15, 16, 0)  # La Réunion
    assert local_now("976", UTC_NOON_WINTER) == datetime(2026, 1, 15, 15, 0)  # Mayotte
    assert local_now("971", UTC_NOON_WINTER) == datetime(2026, 1, 15, 8, 0)  # Guadeloupe
    assert local_now("973", UTC_NOON_WINTER) == datetime(2026, 1, 15, 9, 0)  # Guyane


def test_the_french_date_changes_at_paris_midnight():
    assert str(today_in_france(datetime(2026, 7, 1, 22, 30, tzinfo=UTC))) == "2026-07-02"
