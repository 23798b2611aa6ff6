"""Rate limits (Flask-Limiter), shared between workers through Redis when ``REDIS_URL`` is set
(``RATELIMIT_STORAGE_URI``), in memory otherwise. A refusal is the French 429 page (or JSON under
``/api/``) with ``Retry-After``."""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)

LOGIN = "10 per minute; 50 per hour"
SENSITIVE = "5 per minute; 30 per hour"  # sign-up, password reset, error reports


def email_key() -> str:
    """Limit per address typed (lowercased) as well as per IP: slows down guessing one account
    from many addresses."""
    return "email:" + (request.form.get("email", "") or "").strip().lower()[:254]


def init_app(app: Flask) -> None:
    limiter.init_app(app)
