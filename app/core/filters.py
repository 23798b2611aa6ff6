"""French formatting for templates: numbers, money, dates, distances."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from app.geo.distance import format_km

NBSP = "\u00a0"
NNBSP = "\u202f"
MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def format_number(value: float | int, decimals: int = 0) -> str:
    """1234.5 → « 1 234,50 » (narrow no-break space between thousands, decimal comma)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NNBSP).replace(".", ",")


def format_euros(value: float | int) -> str:
    return f"{format_number(value, 2)}{NBSP}€"


def format_date_fr(value: date | datetime | None, with_year: bool = True) -> str:
    if value is None:
        return ""
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day}{NBSP}{MONTHS_FR[value.month - 1]}"
    return f"{text} {value.year}" if with_year else text


VOWELS = frozenset("AEIOUYÂÀÉÈÊËÎÏÔÖÛÜŒaeiouyâàéèêëîïôöûüœ")


def elide_de(name: str) -> str:
    """« de Toulon », « d’Avion », « d’Évry-Courcouronnes » (elision before a vowel)."""
    return f"d’{name}" if name[:1] in VOWELS else f"de {name}"


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        number=format_number, euros=format_euros, date_fr=format_date_fr, km=format_km,
        de=elide_de,
    )
