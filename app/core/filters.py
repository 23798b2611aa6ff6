"""French formatting for templates: numbers, money, dates, distances.

The formatting itself lives in Flask-free modules (app.core.french, app.geo.distance);
this module only registers it with Jinja."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from app.core.french import format_date, format_euros, format_number, typography
from app.geo.distance import format_km


def format_date_fr(value: date | datetime | None) -> str:
    """« 1er mai 2024 », « 21 novembre 2026 » (no-break space between day and month)."""
    if value is None:
        return ""
    return typography(format_date(value.date() if isinstance(value, datetime) else value))


VOWELS = frozenset("AEIOUYÂÀÉÈÊËÎÏÔÖÛÜŒaeiouyâàéèêëîïôöûüœ")


def elide_de(name: str) -> str:
    """« de Toulon », « d’Avion », « d’Évry-Courcouronnes » (elision before a vowel)."""
    return f"d’{name}" if name[:1] in VOWELS else f"de {name}"


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        number=format_number,
        euros=format_euros,
        date_fr=format_date_fr,
        km=format_km,
        de=elide_de,
        typo=typography,
    )
