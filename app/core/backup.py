"""Backup and restore of the embedded SQLite database, through SQLite's online backup API: a
consistent copy taken while the service runs (writers wait a moment, readers don't), checked
before it replaces anything. PostgreSQL is backed up with ``pg_dump`` (see the README).

A restore never runs under a live service: every process of the app (server worker or ``flask``
command) holds a shared lock on ``<database>.lock`` while it lives (:class:`DatabaseLock`,
``flock``: released by the system even on ``kill -9``); the restore takes it exclusively,
without waiting, and refuses while any other process holds it."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

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


RESTORE_NOT_SQLITE = (
    "Cette commande restaure une base SQLite. Pour PostgreSQL : pg_restore (voir le README)."
)
IN_USE = (
    "La base {path} est utilisée par un autre processus de Passerelle (le service en marche, "
    "ou une commande flask en cours) : une restauration maintenant l’endommagerait. Arrêtez "
    "d’abord le service (par exemple « systemctl stop passerelle », ou Ctrl+C sur "
    "« python3 -m app ») et attendez la fin des commandes en cours, puis relancez la "
    "restauration."
)


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


class DatabaseLock:
    """The lock file next to a SQLite database: shared by every process using it, exclusive
    during a restore. ``flock`` locks belong to one open file, so two apps of one process
    exclude each other like two processes do."""

    def __init__(self, database: Path):
        self.database = database
        self.path = lock_path(database)
        self.fd: int | None = None

    def _open(self) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)

    def hold_shared(self) -> None:
        """Held while the process lives (waits while a restore runs)."""
        if self.fd is None:
            self.fd = self._open()
            fcntl.flock(self.fd, fcntl.LOCK_SH)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the file releases its lock
            self.fd = None

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """This process alone on the database (its own shared lock is given up meanwhile);
        :class:`BackupError` at once when another process holds it."""
        held = self.fd is not None
        self.release()
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if held:
                self.hold_shared()
            raise BackupError(IN_USE.format(path=self.database)) from None
        try:
            yield
        finally:
            os.close(fd)
            if held:
                self.hold_shared()


def init_app(app: Flask) -> None:
    """Hold the database's shared lock for as long as this app lives (SQLite files only)."""
    database = sqlite_path(app.config["DATABASE_URL"])
    if database is None:
        return
    lock = DatabaseLock(database)
    lock.hold_shared()
    app.extensions["database_lock"] = lock
    weakref.finalize(app, lock.release)


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
        raise BackupError(RESTORE_NOT_SQLITE)
    if not backup.exists():
        raise BackupError(f"La sauvegarde {backup} n’existe pas.")
    report = check_copy(backup)
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(backup, target)
    return report
