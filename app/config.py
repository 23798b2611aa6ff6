"""Settings read from environment variables, with safe defaults for the embedded mode.

Embedded default: SQLite in ``instance/passerelle.db`` and the Whoosh index in ``search_index/``,
so one command runs everything with no server to install.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "passerelle-embedded-dev-key-not-for-production"
MIN_SECRET_KEY_LENGTH = 32


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


@dataclass
class Settings:
    DATABASE_URL: str = ""
    SEARCH_INDEX_DIR: str = ""
    SECRET_KEY: str = DEV_SECRET_KEY
    ENV: str = "embedded"
    REDIS_URL: str = ""
    PAGE_SIZE: int = 20
    TESTING: bool = False
    WTF_CSRF_ENABLED: bool = True
    # Email: SMTP when MAIL_SERVER is set; otherwise .eml files in MAIL_OUTBOX (embedded default).
    MAIL_SERVER: str = ""
    MAIL_PORT: int = 25
    MAIL_USERNAME: str = ""
    MAIL_PASSWORD: str = ""
    MAIL_STARTTLS: bool = False
    MAIL_SSL: bool = False
    MAIL_FROM: str = "Passerelle <ne-pas-repondre@passerelle.localhost>"
    MAIL_OUTBOX: str = ""
    # The address of the site in emailed links (e.g. https://passerelle.example.fr).
    PUBLIC_URL: str = ""
    # Days after a referral closes before its personal data is blanked (about 6 months).
    REFERRAL_RETENTION_DAYS: int = 183
    # Operations and hardening (README « Exploitation » and « Sécurité »).
    #: Rebuild a missing or damaged search index in a thread and serve meanwhile. Off in a bare
    #: ``Settings()`` (tests: deterministic), on from the environment.
    SEARCH_REBUILD_IN_BACKGROUND: bool = False
    #: Map the search index into memory: faster searches, much more memory per worker.
    SEARCH_INDEX_MMAP: bool = False
    #: Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are
    #: trusted (werkzeug's ProxyFix). 0: none trusted, the headers are ignored.
    PROXY_COUNT: int = 0
    #: One JSON line per request on stderr (method, route, status, duration). Off in a bare
    #: ``Settings()`` (tests read the logger itself), on from the environment.
    REQUEST_LOG: bool = False
    #: The address given on the « Déclaration d’accessibilité » page.
    ACCESSIBILITY_CONTACT: str = "accessibilite@passerelle.localhost"
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict | None = None) -> Settings:
        env = os.environ if environ is None else environ
        instance = PROJECT_ROOT / "instance"
        return cls(
            DATABASE_URL=env.get("DATABASE_URL") or f"sqlite:///{instance / 'passerelle.db'}",
            SEARCH_INDEX_DIR=env.get("SEARCH_INDEX_DIR") or str(PROJECT_ROOT / "search_index"),
            SECRET_KEY=env.get("SECRET_KEY") or DEV_SECRET_KEY,
            ENV=env.get("PASSERELLE_ENV", "embedded"),
            REDIS_URL=env.get("REDIS_URL", ""),
            PAGE_SIZE=int(env.get("PAGE_SIZE", "20")),
            MAIL_SERVER=env.get("MAIL_SERVER", ""),
            MAIL_PORT=int(env.get("MAIL_PORT", "25")),
            MAIL_USERNAME=env.get("MAIL_USERNAME", ""),
            MAIL_PASSWORD=env.get("MAIL_PASSWORD", ""),
            MAIL_STARTTLS=_bool(env.get("MAIL_STARTTLS")),
            MAIL_SSL=_bool(env.get("MAIL_SSL")),
            MAIL_FROM=env.get("MAIL_FROM") or cls.MAIL_FROM,
            MAIL_OUTBOX=env.get("MAIL_OUTBOX") or str(instance / "mail"),
            PUBLIC_URL=env.get("PUBLIC_URL", "").rstrip("/"),
            REFERRAL_RETENTION_DAYS=int(env.get("REFERRAL_RETENTION_DAYS", "183")),
            SEARCH_REBUILD_IN_BACKGROUND=_bool(env.get("SEARCH_REBUILD_IN_BACKGROUND"), True),
            SEARCH_INDEX_MMAP=_bool(env.get("SEARCH_INDEX_MMAP")),
            PROXY_COUNT=int(env.get("PROXY_COUNT", "0")),
            REQUEST_LOG=_bool(env.get("REQUEST_LOG"), True),
            ACCESSIBILITY_CONTACT=env.get("ACCESSIBILITY_CONTACT") or cls.ACCESSIBILITY_CONTACT,
        )

    def as_flask_config(self) -> dict:
        config = {
            "DATABASE_URL": self.DATABASE_URL,
            "SEARCH_INDEX_DIR": self.SEARCH_INDEX_DIR,
            "SECRET_KEY": self.SECRET_KEY,
            "PASSERELLE_ENV": self.ENV,
            "REDIS_URL": self.REDIS_URL,
            "PAGE_SIZE": self.PAGE_SIZE,
            "TESTING": self.TESTING,
            "WTF_CSRF_ENABLED": self.WTF_CSRF_ENABLED,
            "MAX_CONTENT_LENGTH": 1024 * 1024,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.ENV == "production",
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "REMEMBER_COOKIE_SECURE": self.ENV == "production",
            "MAIL_SERVER": self.MAIL_SERVER,
            "MAIL_PORT": self.MAIL_PORT,
            "MAIL_USERNAME": self.MAIL_USERNAME,
            "MAIL_PASSWORD": self.MAIL_PASSWORD,
            "MAIL_STARTTLS": self.MAIL_STARTTLS,
            "MAIL_SSL": self.MAIL_SSL,
            "MAIL_FROM": self.MAIL_FROM,
            "MAIL_OUTBOX": self.MAIL_OUTBOX or str(PROJECT_ROOT / "instance" / "mail"),
            "PUBLIC_URL": self.PUBLIC_URL,
            "REFERRAL_RETENTION_DAYS": self.REFERRAL_RETENTION_DAYS,
            "RATELIMIT_STORAGE_URI": self.REDIS_URL or "memory://",
            "RATELIMIT_HEADERS_ENABLED": True,
            "SEARCH_REBUILD_IN_BACKGROUND": self.SEARCH_REBUILD_IN_BACKGROUND,
            "SEARCH_INDEX_MMAP": self.SEARCH_INDEX_MMAP,
            "PROXY_COUNT": self.PROXY_COUNT,
            "REQUEST_LOG": self.REQUEST_LOG,
            "ACCESSIBILITY_CONTACT": self.ACCESSIBILITY_CONTACT,
        }
        config.update(self.extra)
        return config

    def check(self) -> None:
        """Refuse to run in production with the embedded development key or a short one."""
        if self.ENV != "production":
            return
        if not self.SECRET_KEY or self.SECRET_KEY == DEV_SECRET_KEY:
            raise RuntimeError("SECRET_KEY must be set when PASSERELLE_ENV=production")
        if len(self.SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
            raise RuntimeError(
                f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters in production "
                "(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
