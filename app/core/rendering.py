"""The one place deciding between a full page and an htmx fragment, and saying so in ``Vary``.

htmx marks its requests with headers (``HX-Request``, ``HX-Boosted``,
``HX-History-Restore-Request``); an address whose answer depends on them sends
``Vary: HX-Request``, so that no cache serves a fragment for a page or the other way round.
"""

from __future__ import annotations

from flask import Response, make_response, redirect, render_template, request

HTMX_VARY = "HX-Request"


def is_htmx() -> bool:
    """Sent by htmx (boosted links and history restores included)."""
    return bool(request.headers.get("HX-Request"))


def wants_fragment() -> bool:
    """An htmx request for a part of the page: not a boosted navigation, and not a history
    restore (htmx then replaces the whole page, so it needs the whole page)."""
    headers = request.headers
    return (
        is_htmx()
        and not headers.get("HX-Boosted")
        and not headers.get("HX-History-Restore-Request")
    )


def vary(response, *headers: str) -> Response:
    """``response`` (anything a view may return) with ``headers`` added to its ``Vary``."""
    response = make_response(response)
    for header in headers:
        response.vary.add(header)
    return response


def render_page_or_fragment(page: str, fragment: str, status: int = 200, **context) -> Response:
    """Render ``fragment`` when :func:`wants_fragment`, ``page`` otherwise.

    The page includes the fragment, so both show the same HTML for the same data.
    """
    chosen = wants_fragment()
    html = render_template(fragment if chosen else page, fragment=chosen, **context)
    return vary((html, status), HTMX_VARY)


def render_fragment(template: str, status: int = 200, **context) -> Response:
    """A fragment that answers only htmx requests at an address that answers others in
    another way (a redirect to the page, or the whole page)."""
    return vary((render_template(template, **context), status), HTMX_VARY)


def redirect_without_htmx(location: str) -> Response:
    """What an htmx-only address answers a request without htmx (no JavaScript): go to the
    page at ``location``."""
    return vary(redirect(location), HTMX_VARY)
