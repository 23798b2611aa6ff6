"""Backup and restore of the SQLite database with SQLite's online backup API: a copy taken while
the app runs, checked, then restored into a new app where the data (and its search) is back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from kit.apps import close_app
from kit.factories import make_offer

from app import create_app, migrate
from app.config import Settings
from app.core.backup import BackupError, backup_sqlite, check_copy


def sqlite_app(tmp_path: Path, name: str):
    url = f"sqlite:///{tmp_path / name / 'passerelle.db'}"
    (tmp_path / name).mkdir()
    migrate.upgrade(url)
    return create_app(
        Settings(
            DATABASE_URL=url,
            SEARCH_INDEX_DIR=str(tmp_path / name / "index"),
            SECRET_KEY="test-secret",
            ENV="test",
            TESTING=True,
            MAIL_OUTBOX=str(tmp_path / name / "mail"),
        )
    )


@pytest.fixture
def two_apps(tmp_path):
    """Their own SQLite files, whatever TEST_DATABASE_URL says (the command is for SQLite)."""
    apps = [sqlite_app(tmp_path, "source"), sqlite_app(tmp_path, "neuve")]
    yield apps
    for each in apps:
        close_app(each)


def test_backup_then_restore_into_a_new_app_brings_the_data_back(two_apps, tmp_path):
    source, fresh = two_apps
    with source.app_context():
        from app.db import get_session

        session = get_session()
        make_offer(session, title="Crèche Les Cerfs-Volants")
        # An open connection holding a session is no obstacle: the copy is taken online.
        result = source.test_cli_runner().invoke(
            args=["backup", str(tmp_path / "copies" / "passerelle.sqlite")]
        )
        assert result.exit_code == 0, result.output
        assert "Sauvegarde vérifiée" in result.output and "1 offres" in result.output
        make_offer(session, title="Écrite après la sauvegarde")

    backup = tmp_path / "copies" / "passerelle.sqlite"
    assert check_copy(backup).offers == 1
    assert not list(backup.parent.glob("*.partiel"))

    refused = fresh.test_cli_runner().invoke(args=["restore", str(backup)], input="n\n")
    assert refused.exit_code != 0
    result = fresh.test_cli_runner().invoke(args=["restore", str(backup), "--oui"])
    assert result.exit_code == 0, result.output
    assert (
        "Base restaurée" in result.output
        and "Index de recherche reconstruit : 1 offres" in result.output
    )

    page = fresh.test_client().get("/recherche?lieu=Toulon").get_data(as_text=True)
    assert "Crèche Les Cerfs-Volants" in page
    assert "Écrite après la sauvegarde" not in page


def test_a_damaged_file_is_never_restored(two_apps, tmp_path):
    _source, fresh = two_apps
    damaged = tmp_path / "abimee.sqlite"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    result = fresh.test_cli_runner().invoke(args=["restore", str(damaged), "--oui"])
    assert result.exit_code != 0
    assert "n’est pas une base Passerelle lisible" in result.output

    other = tmp_path / "autre.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(BackupError, match="n’est pas une base Passerelle lisible"):
        check_copy(other)


def test_postgresql_is_pointed_to_pg_dump(tmp_path):
    with pytest.raises(BackupError, match="pg_dump --format=custom"):
        backup_sqlite("postgresql+psycopg://postgres@127.0.0.1/passerelle", tmp_path / "x.sqlite")


def test_the_backup_cannot_overwrite_the_database(two_apps):
    source, _fresh = two_apps
    url = source.config["DATABASE_URL"]
    with pytest.raises(BackupError, match="un autre fichier"):
        backup_sqlite(url, Path(url.removeprefix("sqlite:///")))


def _offer_titles(url: str) -> list[str]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        return sorted(row[0] for row in db.execute("SELECT title FROM offers"))


def test_restore_is_refused_while_the_service_holds_the_database(two_apps, tmp_path):
    """Restoring under a live service corrupted it (issue 24, finding 7): every app process holds
    the database's shared lock, and restore refuses while another one does."""
    source, _fresh = two_apps
    with source.app_context():
        from app.db import get_session

        make_offer(get_session(), title="Crèche Les Cerfs-Volants")
    backup = tmp_path / "copie.sqlite"
    assert source.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0
    with source.app_context():
        make_offer(get_session(), title="Écrite après la sauvegarde")

    url = source.config["DATABASE_URL"]
    # The operator's command: another process (here another app) on the same database.
    operator = create_app(
        Settings(DATABASE_URL=url, SEARCH_INDEX_DIR=str(tmp_path / "op-index"), ENV="test")
    )
    try:
        refused = operator.test_cli_runner().invoke(args=["restore", str(backup), "--oui"])
        assert refused.exit_code != 0
        assert "est utilisée par un autre processus de Passerelle" in refused.output
        assert "Arrêtez d’abord le service" in refused.output
        assert _offer_titles(url) == ["Crèche Les Cerfs-Volants", "Écrite après la sauvegarde"]

        # The service stops: its lock goes with it.
        source.extensions["database_lock"].release()
        source.extensions["db_engine"].dispose()
        done = operator.test_cli_runner().invoke(args=["restore", str(backup), "--oui"])
        assert done.exit_code == 0, done.output
        assert "Base restaurée" in done.output
        assert _offer_titles(url) == ["Crèche Les Cerfs-Volants"]
    finally:
        operator.extensions["search_index"].close()
        operator.extensions["db_engine"].dispose()
        operator.extensions["database_lock"].release()


SERVICE = """
import sys, time
from app import create_app
from app.config import Settings
app = create_app(Settings(DATABASE_URL=sys.argv[1], SEARCH_INDEX_DIR=sys.argv[2], ENV="test"))
print("pret", flush=True)
time.sleep(60)
"""


def test_a_killed_service_no_longer_blocks_the_restore(two_apps, tmp_path):
    """A real process holds the lock; kill -9 releases it (the system closes its files)."""
    import subprocess
    import sys

    _source, fresh = two_apps
    url = fresh.config["DATABASE_URL"]
    backup = tmp_path / "copie.sqlite"
    assert fresh.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0
    service = subprocess.Popen(
        [sys.executable, "-c", SERVICE, url, str(tmp_path / "svc-index")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert service.stdout is not None and service.stdout.readline().strip() == "pret"
        refused = fresh.test_cli_runner().invoke(args=["restore", str(backup), "--oui"])
        assert refused.exit_code != 0
        assert "est utilisée par un autre processus de Passerelle" in refused.output
    finally:
        service.kill()
        service.wait()
        if service.stdout is not None:
            service.stdout.close()
    done = fresh.test_cli_runner().invoke(args=["restore", str(backup), "--oui"])
    assert done.exit_code == 0, done.output
