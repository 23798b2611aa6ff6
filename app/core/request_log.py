"""One structured log line per request, as JSON on stderr: method, route rule, status and
duration. Never the path as typed, the query string, the body, an address or a token: the route
rule (``/offre/<int:offer_id>``, ``/mot-de-passe/<token>``) names the page without its values.

An unexpected error (a 500) adds ONE line too (:func:`log_unexpected`): the request's id (also
in its request line, in the ``X-Request-Id`` response header and on the error page, so a person
can quote it), the route rule and the names of the query's fields (not their values), the
exception's type and its traceback as one string, frames and types only, never the messages."""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
import traceback
from datetime import UTC, datetime

from flask import Flask, g, request

from app.core.rendering import is_htmx

logger = logging.getLogger("passerelle.requests")


class JsonLineFormatter(logging.Formatter):
    """``{"time": …, "level": …, <the record's fields>}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            **getattr(record, "fields", {"message": record.getMessage()}),
        }
        return json.dumps(line, ensure_ascii=False)


class StderrHandler(logging.Handler):
    """Writes to the current ``sys.stderr`` (not the one at start-up, which a test runner or a
    daemoniser may have replaced)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:
            self.handleError(record)


#: A request id a proxy may pass on (``X-Request-Id``), kept only when it looks like one.
_GIVEN_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_ENVIRON_KEY = "passerelle.request_id"


def request_id() -> str:
    """This request's id: the proxy's ``X-Request-Id`` when well-formed, else a random one."""
    # On the request's environ, not g: a test (or a command) holding an app context shares g.
    environ = request.environ
    if _ENVIRON_KEY not in environ:
        given = request.headers.get("X-Request-Id", "")
        environ[_ENVIRON_KEY] = given if _GIVEN_ID.fullmatch(given) else secrets.token_hex(8)
    return environ[_ENVIRON_KEY]


def _route() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "(aucune)"


def request_fields(status: int, duration_ms: float) -> dict:
    return {
        "event": "request",
        "request_id": request_id(),
        "method": request.method,
        "route": _route(),
        "endpoint": request.endpoint or "",
        "status": status,
        "duration_ms": round(duration_ms, 1),
        "htmx": is_htmx(),
    }


def log_unexpected(error: BaseException) -> None:
    """One JSON line for an unhandled exception (the caller answers with the 500 page)."""
    kind = type(error)
    logger.error(
        "unexpected error",
        extra={
            "fields": {
                "event": "unexpected_error",
                "request_id": request_id(),
                "method": request.method,
                "route": _route(),
                "endpoint": request.endpoint or "",
                # The names a query string held, never their values (a place, a name, a word).
                "query_fields": sorted(set(request.args.keys())),
                "exception": f"{kind.__module__}.{kind.__qualname__}",
                "traceback": traceback_without_messages(error),
            }
        },
    )


def traceback_without_messages(error: BaseException) -> str:
    """The frames and exception types of a traceback (and of its causes), never the messages:
    a database error quotes the row it refused (PostgreSQL: « Key (email)=(…) already exists »),
    other errors the value they choked on, and logs must hold no personal data."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_list(traceback.extract_tb(current.__traceback__)))
        kind = type(current)
        parts.append(
            f"Traceback (most recent call last):\n{frames}{kind.__module__}.{kind.__qualname__} "
            "(message not logged)"
        )
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return "\n\nwhich happened while handling, or because of:\n".join(reversed(parts))


def init_app(app: Flask) -> None:
    logger.setLevel(logging.INFO)
    logger.propagate = False  # one line, even when the root logger is configured too
    if app.config.get("REQUEST_LOG") and not any(
        isinstance(h, StderrHandler) for h in logger.handlers
    ):
        handler = StderrHandler()
        handler.setFormatter(JsonLineFormatter())
        logger.addHandler(handler)

    @app.before_request
    def _start_clock():
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.pop("request_started", None)
        duration = (time.perf_counter() - started) * 1000 if started is not None else 0.0
        logger.info("request", extra={"fields": request_fields(response.status_code, duration)})
        response.headers["X-Request-Id"] = request_id()
        return response
