"""The schema is created by migrations only, and they match the models."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from kit.factories import make_offer, make_referral, make_user
from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app import migrate
from app.db import Base, make_engine
from app.migrate import alembic_config


def test_migrations_create_the_models_schema_and_go_back_down(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], "models changed without a migration"
    assert {"offers", "opening_slots", "search_changes"} <= set(inspect(engine).get_table_names())
    command.downgrade(alembic_config(url), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_migrations_keep_the_rows_of_a_database_in_use(tmp_path):
    """An embedded database with offers and referrals is upgraded in place: SQLite rebuilds a
    table to change a column (0006 makes ``referrals.reason`` nullable), which must not be
    stopped by the rows that point at it, nor lose them."""
    url = f"sqlite:///{tmp_path / 'in-use.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        offer = make_offer(session)
        referral = make_referral(session, offer, make_user(session, role="prescripteur"))
        offer_id, referral_id = offer.id, referral.id
    command.downgrade(alembic_config(url), "0005")
    migrate.upgrade(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT id FROM offers").scalars().all() == [offer_id]
        assert conn.exec_driver_sql("SELECT id FROM referrals").scalars().all() == [referral_id]
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    engine.dispose()


def test_a_migration_that_fails_half_way_leaves_the_database_as_it_was(tmp_path):
    """SQLite runs DDL outside any transaction unless told: a failure in 0006's second table
    must not leave its first table changed."""
    url = f"sqlite:///{tmp_path / 'half.db'}"
    migrate.upgrade(url, "0005")
    engine = create_engine(url)
    with engine.begin() as conn:  # 0006 rebuilds ``referrals`` through this very name
        conn.exec_driver_sql("CREATE TABLE _alembic_tmp_referrals (id INTEGER)")
    tables = set(inspect(engine).get_table_names())
    with pytest.raises(OperationalError):
        migrate.upgrade(url)
    assert set(inspect(create_engine(url)).get_table_names()) == tables  # no half-built copy
    columns = {column["name"] for column in inspect(engine).get_columns("offers")}
    assert "online_requests" not in columns
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0005"
    engine.dispose()
