"""Shared fixtures: a migrated database per test (SQLite by default, PostgreSQL when
TEST_DATABASE_URL is set), the app with its own index folder, clients and factories."""

from __future__ import annotations

import os
import shutil
from datetime import date

import pytest
from factories import make_offer
from sqlalchemy import create_engine, text

from app import create_app, migrate
from app.config import Settings
from app.db import get_session

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory):
    """Migrate once; each test then starts from a copy (SQLite) or truncated tables (PostgreSQL)."""
    if PG_URL:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        migrate.upgrade(PG_URL)
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return str(path)


def _fresh_database(template: str, tmp_path) -> str:
    if PG_URL:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            tables = (
                conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'"
                    )
                )
                .scalars()
                .all()
            )
            if tables:
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return PG_URL
    path = tmp_path / "test.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(_template_db, tmp_path):
    settings = Settings(
        DATABASE_URL=_fresh_database(_template_db, tmp_path),
        SEARCH_INDEX_DIR=str(tmp_path / "index"),
        SECRET_KEY="test-secret",
        ENV="test",
        PAGE_SIZE=5,
        TESTING=True,
        MAIL_OUTBOX=str(tmp_path / "mail"),
    )
    application = create_app(settings)
    yield application
    application.extensions["search_index"].close()
    application.extensions["db_engine"].dispose()


@pytest.fixture
def session(app):
    with app.app_context():
        yield get_session()


@pytest.fixture
def client(app):
    return app.test_client()


class HtmxClient:
    def __init__(self, client):
        self.client = client

    def get(self, *args, **kwargs):
        headers = {"HX-Request": "true", **kwargs.pop("headers", {})}
        return self.client.get(*args, headers=headers, **kwargs)


@pytest.fixture
def htmx_client(client):
    return HtmxClient(client)


@pytest.fixture
def offer_factory(session):
    def factory(**kwargs) -> Offer:
        return make_offer(session, **kwargs)

    return factory


@pytest.fixture
def index(app, session):
    """The app's search index (tests call ``index.sync(session)`` after writing)."""
    from app.search import get_index

    return get_index()


@pytest.fixture
def today() -> date:
    return date.today()


@pytest.fixture
def login(client):
    """Log ``user`` in through the real login form (CSRF token included)."""
    from factories import PASSWORD
    from html_helpers import post_form

    def do_login(user, password=PASSWORD):
        response = post_form(client, "/connexion", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do_login


@pytest.fixture
def user_factory(session):
    from factories import make_user

    def factory(*args, **kwargs):
        return make_user(session, *args, **kwargs)

    return factory


class SmtpSink:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) keeping the messages it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def last_to(self, address):
        found = [m for m in self.messages if address in m["To"]]
        assert found, f"no email to {address}: {[m['To'] for m in self.messages]}"
        return found[-1]

    @staticmethod
    def text(message):
        return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def smtp(app):
    """Route the app's email through a real local SMTP server for this test."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield sink
    controller.stop()
