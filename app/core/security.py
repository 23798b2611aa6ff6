"""CSRF protection and security headers on every response."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, g, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()


def content_security_policy(frame_ancestors: str = "'none'", image_hosts: str = "") -> str:
    """Our CSP; only the partner widget (app.widget) passes other ``frame-ancestors``;
    ``image_hosts`` (the map tiles' origin, when MAP_TILES_URL is set) may serve images."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data:{' ' + image_hosts if image_hosts else ''}",
            "connect-src 'self'",
            "font-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "object-src 'none'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()


def tiles_origin(url: str) -> str:
    """« https://tile.example.org » from a tile URL template; empty when none or not https."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname:
        return ""
    return f"https://{parts.netloc}"


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        # Behind a TLS-terminating proxy: trust its X-Forwarded-Proto (request.is_secure, HSTS),
        # -For (the client's IP for rate limits) and -Host. Never without PROXY_COUNT, or any
        # client could claim HTTPS or another IP.

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

    @app.before_request
    def _per_request_identity():
        # Flask reuses an already pushed app context (a CLI command, a test holding one), and
        # with it ``g``: never let a logged-in user or a CSRF token leak from one request to the
        # next.
        for key in ("_login_user", "csrf_token"):
            g.pop(key, None)

    tiles = tiles_origin(app.config.get("MAP_TILES_URL") or "")
    policy = content_security_policy(image_hosts=tiles) if tiles else CONTENT_SECURITY_POLICY

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:
            headers.setdefault("X-Frame-Options", "DENY")  # the widget sets its own ancestors
        headers.setdefault(
            "Permissions-Policy", "geolocation=(self), camera=(), microphone=(), payment=()"
        )
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        # A page made for a logged-in person may show personal data (referrals, accounts,
        # lists): no copy in the browser's or a proxy's cache, unless the view said it is
        # public (the API's data). Such a page has loaded the user (``g._login_user``); reading
        # it here loads nothing for the others.
        if getattr(g.get("_login_user"), "is_authenticated", False):
            headers.setdefault("Cache-Control", "no-store")
        return response
