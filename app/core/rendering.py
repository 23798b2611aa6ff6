"""The one place deciding between a full page and an htmx fragment."""

from __future__ import annotations

from flask import render_template, request


def render_page_or_fragment(page: str, fragment: str, status: int = 200, **context):
    """Render ``fragment`` for an htmx request (not a boosted navigation), ``page`` otherwise.

    The page includes the fragment, so both show the same HTML for the same data.
    """
    wants_fragment = bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-Boosted"
    )
    html = render_template(fragment if wants_fragment else page, fragment=wants_fragment, **context)
    return html, status, {"Vary": "HX-Request"}
