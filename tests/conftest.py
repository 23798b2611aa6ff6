"""Shared fixtures: a migrated database per test (SQLite by default, PostgreSQL when
TEST_DATABASE_URL is set), the app with its own index folder, clients, factories, a local SMTP
server, and the cast most role-based tests share: a structure of the Var with its offer and its
gestionnaire, the coordinator of the 83 and the one of the 13 (their data: the ``cast`` fixture,
which a folder's conftest may override). The helpers live in ``tests/kit/``."""

from __future__ import annotations

import os
import shutil
import socket
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from kit.apps import close_app, settings_like
from kit.clients import HtmxClient, login_as
from kit.factories import PASSWORD, Cast, make_offer, make_structure, make_user
from kit.mails import SmtpSink
from sqlalchemy import create_engine, text

from app import create_app, migrate
from app.config import Settings
from app.db import get_session
from app.directory.models import Offer
from app.geo.timezones import today_in_france
from app.search import get_index
from app.territories import cache as territory_figures

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
                        "SELECT tablename FROM pg_tables "
                        "WHERE schemaname='public' AND tablename <> 'alembic_version'"
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
        # As python3 -m app: the outbox page, to loopback clients (the test client is one), so
        # the cross-cutting tests visit it; tests/core/test_outbox_page.py checks who may not.
        MAIL_OUTBOX_PAGE=True,
    )
    # The figures are kept per process and per database, by a version made of the data's last
    # ids: PostgreSQL's tables are truncated with their identities between tests, so a version
    # would come back with another test's figures.
    territory_figures.clear()
    application = create_app(settings)
    yield application
    close_app(application)


@pytest.fixture
def make_app(app):
    """Another application on ``app``'s database, index and outbox: ``make_app(SETTINGS)`` or
    ``make_app(**changes)`` to ``app``'s settings; each is closed after the test."""
    made = []

    def make(settings: Settings | None = None, **changes):
        made.append(create_app(settings or settings_like(app, **changes)))
        return made[-1]

    yield make
    for each in made:
        close_app(each)


@pytest.fixture
def session(app):
    with app.app_context():
        yield get_session()


@pytest.fixture
def client(app):
    return app.test_client()


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
    return get_index()


@pytest.fixture
def today() -> date:
    """The app's today: the date in France (from 23:00 or 22:00 UTC it is already tomorrow)."""
    return today_in_france()


@pytest.fixture
def login(client):
    """Log ``user`` in through the real login form (CSRF token included)."""

    def do_login(user, password=PASSWORD):
        return login_as(client, user, password)

    return do_login


@pytest.fixture
def user_factory(session):
    def factory(*args, **kwargs):
        return make_user(session, *args, **kwargs)

    return factory


@pytest.fixture
def smtp(app):
    """Route the app's email through a real local SMTP server for this test."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield sink
    controller.stop()
    # Every email a test received is in French typography (app.core.mail.compose).
    assert sink.typography_faults == []


@pytest.fixture
def cast() -> Cast:
    """The data of ``structure``, ``offer`` and ``manager`` (a folder's conftest may change it)."""
    return Cast()


@pytest.fixture
def structure(session, cast):
    return make_structure(session, **cast.structure)


@pytest.fixture
def offer(session, structure, cast):
    """A crèche in Toulon (open 7:00–19:00 on weekdays unless the cast says otherwise)."""
    return make_offer(
        session, title="Multi-accueil Les Lucioles", structure=structure, **cast.offer
    )


@pytest.fixture
def manager(user_factory, structure, cast):
    return user_factory("gestionnaire", structures=[structure], **cast.manager)


@pytest.fixture
def coordinator(user_factory):
    return user_factory(
        "coordinateur",
        "coord83@caf.fr",
        departement_code="83",
        full_name="Claire Caf",
        organisation="Caf du Var",
    )


@pytest.fixture
def coordinator13(user_factory):
    return user_factory(
        "coordinateur",
        "coord13@caf.fr",
        departement_code="13",
        full_name="Marc Bouches",
        organisation="Caf des Bouches-du-Rhône",
    )
