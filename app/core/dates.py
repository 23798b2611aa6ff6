"""Calendar arithmetic shared by every domain (no Flask, no domain)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

from app.geo.timezones import PARIS

__all__ = ["add_months", "as_date", "last_day_of_month"]


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (or minus, when negative), clamped to the end of
    a shorter month.

    >>> add_months(date(2024, 6, 10), 3)
    datetime.date(2024, 9, 10)
    >>> add_months(date(2024, 11, 30), 3)
    datetime.date(2025, 2, 28)
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_day_of_month(day: date) -> int:
    """28 to 31: the number of the last day of ``day``'s month."""
    return calendar.monthrange(day.year, day.month)[1]


def as_date(moment: datetime | date) -> date:
    """The calendar day in France of a moment, as ``today_in_france`` counts days: a naive
    datetime is UTC (as the database stores it), an aware one is converted; a date is returned
    as it is. (An update at 0:30 in Paris is « aujourd’hui », not « hier ».)"""
    if not isinstance(moment, datetime):
        return moment
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(PARIS).date()
