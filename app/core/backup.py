"""Backup and restore of the embedded SQLite database, through SQLite's online backup API: a
consistent copy taken while the service runs (writers wait a moment, readers don't), checked
before it replaces anything. PostgreSQL is backed up with ``pg_dump`` (see the README)."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

PG_DUMP_HINT = (
    "Pour PostgreSQL, utilisez pg_dump : "
    'pg_dump --format=custom --no-owner --file=passerelle.dump "$DATABASE_URL_LIBPQ" '
    "(voir le README, section « Sauvegarde et restauration »)."
)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for the operator, in French."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size_bytes: int
    revision: str
    offers: int


def sqlite_path(database_url: str) -> Path | None:
    """The file of a ``sqlite:///…`` URL, None for any other database."""
    if database_url.startswith("sqlite:///") and database_url != "sqlite:///:memory:":
        return Path(database_url.removeprefix("sqlite:///"))
    return None


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(str(path), timeout=30)


def check_copy(path: Path) -> BackupReport:
    """Open a copy and prove it is a sound Passerelle database."""
    try:
        with closing(_connect(path)) as db:
            (integrity,) = db.execute("PRAGMA integrity_check").fetchone()
            if integrity != "ok":
                raise BackupError(f"La copie {path} est endommagée : {integrity}.")
            revision = db.execute("SELECT version_num FROM alembic_version").fetchone()
            offers = db.execute("SELECT count(*) FROM offers").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} n’est pas une base Passerelle lisible ({error}).") from error
    if revision is None:
        raise BackupError(
            f"{path} n’a pas de version de schéma : ce n’est pas une base Passerelle."
        )
    return BackupReport(path, path.stat().st_size, revision[0], offers)


def _copy(source: Path, destination: Path) -> None:
    with closing(_connect(source)) as src, closing(_connect(destination)) as dst:
        # One step: the copy is a snapshot of one moment, whatever writes come meanwhile.
        src.backup(dst)


def backup_sqlite(database_url: str, destination: Path) -> BackupReport:
    """Copy the live database to ``destination`` (written aside, checked, then renamed)."""
    source = sqlite_path(database_url)
    if source is None:
        raise BackupError("Cette commande sauvegarde une base SQLite. " + PG_DUMP_HINT)
    if not source.exists():
        raise BackupError(f"La base {source} n’existe pas.")
    destination = destination.resolve()
    if destination == source.resolve():
        raise BackupError("La copie doit être un autre fichier que la base elle-même.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partiel")
    partial.unlink(missing_ok=True)
    try:
        _copy(source, partial)
        with closing(_connect(partial)) as db:
            db.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        check_copy(partial)
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return check_copy(destination)


def restore_sqlite(backup: Path, database_url: str) -> BackupReport:
    """Replace the content of the database with a backup (checked first), through the same
    backup API, so connections still open see the restored content."""
    target = sqlite_path(database_url)
    if target is None:
        raise BackupError(
            "Cette commande restaure une base SQLite. Pour PostgreSQL : pg_restore (voir le "
            "README)."
        )
    if not backup.exists():
        raise BackupError(f"La sauvegarde {backup} n’existe pas.")
    report = check_copy(backup)
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(backup, target)
    return report
