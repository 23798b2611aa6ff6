"""Settings read from environment variables, with safe defaults for the embedded mode.

Embedded default: SQLite in ``instance/passerelle.db`` and the Whoosh index in ``search_index/``,
so one command runs everything with no server to install.

Each setting is declared once, as a field of :class:`Settings` made by :func:`setting`: its
default (for a bare ``Settings()``, as the tests build), the environment variable it is read
from, how the variable's text is read, and the value when the variable is unset. The
environment is read once, by :meth:`Settings.from_env`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE = PROJECT_ROOT / "instance"
DEV_SECRET_KEY = "passerelle-embedded-dev-key-not-for-production"
MIN_SECRET_KEY_LENGTH = 32
#: Emailed links' base outside production when PUBLIC_URL is unset (``python3 -m app`` sets its
#: own address): never the request's host.
FALLBACK_PUBLIC_URL = "http://127.0.0.1:5000"
LOOPBACK_HOSTS = ["localhost", "127.0.0.1"]
REMEMBER_DAYS = 30

_UNSET: Any = object()


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def setting(
    default: Any,
    *,
    env: str | None = None,
    parse: Callable[[str], Any] = str,
    unset: Any = _UNSET,
    blank_is_unset: bool = False,
    flask: str | None = None,
) -> Any:
    """One setting: ``default`` in a bare ``Settings()``; read from the variable ``env``
    (none: never from the environment) with ``parse``; ``unset`` when the variable is missing
    (or empty, with ``blank_is_unset``), ``default`` unless given; ``flask``: its key in the
    Flask config when it is not the field's name."""
    return field(
        default=default,
        metadata={
            "env": env,
            "parse": parse,
            "unset": default if unset is _UNSET else unset,
            "blank_is_unset": blank_is_unset,
            "flask": flask,
        },
    )


def _flag(default: bool, env: str, unset: bool | None = None) -> Any:
    """A yes/no setting: 1, true, yes, on or oui; an empty variable counts as unset."""
    return setting(
        default,
        env=env,
        parse=_bool,
        unset=default if unset is None else unset,
        blank_is_unset=True,
    )


@dataclass
class Settings:
    DATABASE_URL: str = setting(
        "",
        env="DATABASE_URL",
        unset=f"sqlite:///{INSTANCE / 'passerelle.db'}",
        blank_is_unset=True,
    )
    SEARCH_INDEX_DIR: str = setting(
        "", env="SEARCH_INDEX_DIR", unset=str(PROJECT_ROOT / "search_index"), blank_is_unset=True
    )
    SECRET_KEY: str = setting(DEV_SECRET_KEY, env="SECRET_KEY", blank_is_unset=True)
    ENV: str = setting("embedded", env="PASSERELLE_ENV", flask="PASSERELLE_ENV")
    REDIS_URL: str = setting("", env="REDIS_URL")
    PAGE_SIZE: int = setting(20, env="PAGE_SIZE", parse=int)
    TESTING: bool = setting(False)
    WTF_CSRF_ENABLED: bool = setting(True)
    # Email: SMTP when MAIL_SERVER is set; otherwise .eml files in MAIL_OUTBOX (embedded default).
    MAIL_SERVER: str = setting("", env="MAIL_SERVER")
    MAIL_PORT: int = setting(25, env="MAIL_PORT", parse=int)
    MAIL_USERNAME: str = setting("", env="MAIL_USERNAME")
    MAIL_PASSWORD: str = setting("", env="MAIL_PASSWORD")
    MAIL_STARTTLS: bool = _flag(False, "MAIL_STARTTLS")
    MAIL_SSL: bool = _flag(False, "MAIL_SSL")
    MAIL_FROM: str = setting(
        "Passerelle <ne-pas-repondre@passerelle.localhost>", env="MAIL_FROM", blank_is_unset=True
    )
    MAIL_OUTBOX: str = setting(
        "", env="MAIL_OUTBOX", unset=str(INSTANCE / "mail"), blank_is_unset=True
    )
    #: Send queued emails from a thread after the response (README « Exploitation »). Off in a
    #: bare ``Settings()`` (tests: sent before the response leaves), on from the environment.
    MAIL_SEND_IN_BACKGROUND: bool = _flag(False, "MAIL_SEND_IN_BACKGROUND", unset=True)
    #: Outbox-only mode: no mail server, every email written as a ``.eml`` file in MAIL_OUTBOX
    #: and never shown on a page. On in a bare ``Settings()`` (tests), off from the environment:
    #: without MAIL_SERVER the app refuses to start unless this is set, or it runs as the
    #: embedded server of ``python3 -m app``.
    MAIL_OUTBOX_ONLY: bool = _flag(True, "MAIL_OUTBOX_ONLY", unset=False)
    #: The page ``/dev/courriels`` listing the outbox, to loopback clients only. Never from the
    #: environment: set only by ``python3 -m app`` (app/__main__.py), the embedded server.
    MAIL_OUTBOX_PAGE: bool = setting(False)
    #: The address of the site in emailed links (e.g. https://passerelle.example.fr): links
    #: never come from a request's headers. Required in production; ``python3 -m app`` uses
    #: its own address. A bare ``Settings()`` (tests) is on the test client's host.
    PUBLIC_URL: str = setting(
        "http://localhost", env="PUBLIC_URL", parse=lambda value: value.rstrip("/"), unset=""
    )
    #: More host names accepted in the Host header (comma list), besides PUBLIC_URL's host (and,
    #: outside production, localhost and 127.0.0.1); any other host gets a 400.
    TRUSTED_HOSTS: tuple = setting(
        (),
        env="TRUSTED_HOSTS",
        parse=lambda value: tuple(host.strip() for host in value.split(",") if host.strip()),
        flask="EXTRA_TRUSTED_HOSTS",
    )
    # Days after a referral closes before its personal data is blanked (about 6 months).
    REFERRAL_RETENTION_DAYS: int = setting(183, env="REFERRAL_RETENTION_DAYS", parse=int)
    # Operations and hardening (README « Exploitation » and « Sécurité »).
    #: Rebuild a missing or damaged search index in a thread and serve meanwhile. Off in a bare
    #: ``Settings()`` (tests: deterministic), on from the environment.
    SEARCH_REBUILD_IN_BACKGROUND: bool = _flag(False, "SEARCH_REBUILD_IN_BACKGROUND", unset=True)
    #: Map the search index into memory: faster searches, much more memory per worker.
    SEARCH_INDEX_MMAP: bool = _flag(False, "SEARCH_INDEX_MMAP")
    #: Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are
    #: trusted (werkzeug's ProxyFix). 0: none trusted, the headers are ignored.
    PROXY_COUNT: int = setting(0, env="PROXY_COUNT", parse=int)
    #: One JSON line per request on stderr (method, route, status, duration). Off in a bare
    #: ``Settings()`` (tests read the logger itself), on from the environment.
    REQUEST_LOG: bool = _flag(False, "REQUEST_LOG", unset=True)
    #: The address given on the « Déclaration d’accessibilité » page.
    ACCESSIBILITY_CONTACT: str = setting(
        "accessibilite@passerelle.localhost", env="ACCESSIBILITY_CONTACT", blank_is_unset=True
    )
    #: A street-level background for the maps (Leaflet with JavaScript), e.g.
    #: ``https://data.geopf.fr/wmts?…&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}`` or an
    #: OpenStreetMap tile service you may use; empty (the default): outlines only, no request
    #: leaves the site. The CSP then allows this host's images.
    MAP_TILES_URL: str = setting("", env="MAP_TILES_URL")
    #: Its attribution, shown on the map (required by every tile service's licence).
    MAP_TILES_ATTRIBUTION: str = setting("", env="MAP_TILES_ATTRIBUTION")
    #: Any other Flask setting (``create_app({...})``), applied last.
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values = {}
        for each in fields(cls):
            variable = each.metadata.get("env")
            if variable is None:
                continue
            raw = env.get(variable)
            if raw is None or (raw == "" and each.metadata["blank_is_unset"]):
                values[each.name] = each.metadata["unset"]
            else:
                values[each.name] = each.metadata["parse"](raw)
        return cls(**values)

    def as_flask_config(self) -> dict:
        config = {
            each.metadata.get("flask") or each.name: getattr(self, each.name)
            for each in fields(self)
            if each.name != "extra"
        }
        production = self.ENV == "production"
        config.update(
            PUBLIC_URL=self.PUBLIC_URL or FALLBACK_PUBLIC_URL,
            TRUSTED_HOSTS=self.trusted_hosts(),
            MAIL_OUTBOX=self.MAIL_OUTBOX or str(INSTANCE / "mail"),
            MAX_CONTENT_LENGTH=1024 * 1024,
            SESSION_COOKIE_HTTPONLY=True,
            SESSION_COOKIE_SAMESITE="Lax",
            SESSION_COOKIE_SECURE=production,
            REMEMBER_COOKIE_HTTPONLY=True,
            # « Rester connecté·e »: weeks, not Flask-Login's year (personal data behind it).
            REMEMBER_COOKIE_DURATION=timedelta(days=REMEMBER_DAYS),
            REMEMBER_COOKIE_SAMESITE="Lax",
            REMEMBER_COOKIE_SECURE=production,
            RATELIMIT_STORAGE_URI=self.REDIS_URL or "memory://",
            RATELIMIT_HEADERS_ENABLED=True,
        )
        config.update(self.extra)
        return config

    def trusted_hosts(self) -> list[str]:
        """The names accepted in the Host header: PUBLIC_URL's, TRUSTED_HOSTS, and outside
        production the loopback names."""
        hosts = [urlsplit(self.PUBLIC_URL or FALLBACK_PUBLIC_URL).hostname or ""]
        hosts += list(self.TRUSTED_HOSTS)
        if self.ENV != "production":
            hosts += LOOPBACK_HOSTS
        return list(dict.fromkeys(host for host in hosts if host))

    def check(self, command_line: bool = False) -> None:
        """Refuse to run in production with the embedded development key or a short one, or
        without PUBLIC_URL; refuse to serve without a mail server, unless outbox-only or the
        embedded server (``command_line``: a ``flask`` command, which serves nothing)."""
        if self.ENV == "production":
            self._check_production()
        if not (self.MAIL_SERVER or self.MAIL_OUTBOX_ONLY or self.MAIL_OUTBOX_PAGE or command_line):
            raise RuntimeError(
                "MAIL_SERVER must be set (or MAIL_OUTBOX_ONLY=1 to only write emails as .eml "
                "files in MAIL_OUTBOX); the outbox page exists only under python3 -m app"
            )

    def _check_production(self) -> None:
        if not self.SECRET_KEY or self.SECRET_KEY == DEV_SECRET_KEY:
            raise RuntimeError("SECRET_KEY must be set when PASSERELLE_ENV=production")
        if len(self.SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
            raise RuntimeError(
                f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters in production "
                "(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        if not self.PUBLIC_URL:
            raise RuntimeError(
                "PUBLIC_URL must be set when PASSERELLE_ENV=production "
                "(the site's address in emailed links, e.g. https://passerelle.example.fr)"
            )
