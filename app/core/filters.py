"""French formatting for templates: numbers, money, dates, distances; and French typography
of every HTML response (:func:`app.core.french.typeset_html` on its text, after rendering), so
no template, message or typed value has to remember it.

The formatting itself lives in Flask-free modules (app.core.french, app.geo.distance);
this module only registers it with Jinja and Flask."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, Response

from app.core.french import format_date, format_euros, format_number, typeset_html, typography
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


def typeset_response(response: Response) -> Response:
    """French spacing in the text of an HTML page or fragment (never JSON, files, streams)."""
    if (
        response.mimetype == "text/html"
        and not response.direct_passthrough
        and not response.is_streamed
    ):
        html = response.get_data(as_text=True)
        typeset = typeset_html(html)
        if typeset != html:
            response.set_data(typeset)
    return response


def init_app(app: Flask) -> None:
    app.after_request(typeset_response)
    app.jinja_env.filters.update(
        number=format_number,
        euros=format_euros,
        date_fr=format_date_fr,
        km=format_km,
        de=elide_de,
        typo=typography,
    )
