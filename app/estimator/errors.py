"""Input errors, with the field concerned and a French message a parent understands."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.core.french import to_decimal, typography

__all__ = ["DateOutOfRange", "InvalidInput", "parse_date", "parse_decimal"]


class InvalidInput(ValueError):
    """An input value the rules cannot use. ``field`` names it (API field path, e.g.
    ``"activite.duree_jours"``), ``message`` says why in French."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = typography(message)


class DateOutOfRange(InvalidInput):
    """The estimate date is before the first rules we know."""


def parse_date(field: str, raw: Any, *, required: bool = False) -> date | None:
    """A ``date`` (a ``datetime`` is cut to its date); None allowed unless ``required``."""
    if raw is None:
        if required:
            raise InvalidInput(field, "Indiquez une date.")
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    raise InvalidInput(field, "Indiquez une date valide.")


def parse_decimal(field: str, raw: Any, message: str, *, positive: bool = False) -> Decimal:
    """A finite Decimal from a number or text, ≥ 0 (> 0 with ``positive``)."""
    if isinstance(raw, bool):
        raise InvalidInput(field, message)
    try:
        number = to_decimal(raw)
    except (ArithmeticError, ValueError, TypeError):
        raise InvalidInput(field, message) from None
    if not number.is_finite() or number < 0 or (positive and number == 0):
        raise InvalidInput(field, message)
    return number


def parse_monthly_resources(raw: Any) -> Decimal:
    """The household's monthly resources in euros (``ressources_mensuelles``)."""
    return parse_decimal(
        "ressources_mensuelles", raw, "Indiquez vos ressources mensuelles en euros."
    )
