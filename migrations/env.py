"""Alembic environment: the URL comes from the app settings (DATABASE_URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import event
from sqlalchemy.engine import Engine

import app.accounts.models
import app.alerts.models
import app.core.outgoing
import app.directory.models
import app.experiments.models
import app.jobs.models
import app.moderation.models
import app.referrals.models
import app.search.changes
import app.territories.models
import app.widget.models  # noqa: F401
from app.config import Settings
from app.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    return config.attributes.get("database_url") or Settings.from_env().DATABASE_URL


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _sqlite_for_migrations(engine: Engine) -> None:
    """Migrations on SQLite: every step in one transaction, DDL included, and foreign keys off.

    Python's sqlite3 opens a transaction only before an INSERT/UPDATE/DELETE, so a migration
    failing half-way would leave its tables created (SQLAlchemy's recipe: let SQLite run in
    autocommit and emit BEGIN ourselves). SQLite changes a column by copying its table and
    dropping the old one, which foreign keys forbid while rows point at it: they are off for
    the migration's connection (a pragma ignored inside a transaction, hence at connect) and
    checked before the commit."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):  # pragma: no cover - trivial
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")

    @event.listens_for(engine, "begin")
    def _begin(connection):  # pragma: no cover - trivial
        connection.exec_driver_sql("BEGIN")


def run_migrations_online() -> None:
    engine = make_engine(database_url())
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        _sqlite_for_migrations(engine)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left rows without their parent: {broken[:5]}")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
