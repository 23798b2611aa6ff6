"""Calendar helpers."""

from __future__ import annotations

import calendar
from datetime import date

__all__ = ["add_months"]


def add_months(d: date, months: int) -> date:
    """``d`` plus ``months`` calendar months, clamped to the end of the month.

    >>> add_months(date(2024, 6, 10), 3)
    datetime.date(2024, 9, 10)
    >>> add_months(date(2024, 11, 30), 3)
    datetime.date(2025, 2, 28)
    """
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))
