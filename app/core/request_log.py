"""One structured log line per request, as JSON on stderr: method, route rule, status and
duration. Never the path as typed, the query string, the body, an address or a token: the route
rule (``/offre/<int:offer_id>``, ``/mot-de-passe/<token>``) names the page without its values."""

from __future__ import annotations

import json
import logging
import sys
import time
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


def request_fields(status: int, duration_ms: float) -> dict:
    rule = request.url_rule
    return {
        "event": "request",
        "method": request.method,
        "route": rule.rule if rule is not None else "(aucune)",
        "endpoint": request.endpoint or "",
        "status": status,
        "duration_ms": round(duration_ms, 1),
        "htmx": is_htmx(),
    }


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
        return response
