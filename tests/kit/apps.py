"""Applications a test makes besides the ``app`` fixture: settings like that app's (same
database, index and outbox) with some changes, and closing one: its mail sender drained first (a
thread still sending would hand its connection back to a pool already disposed, which
PostgreSQL's driver reports as a connection left open), then its search index, its database
engine and its database lock."""

from __future__ import annotations

from flask import Flask

from app.config import Settings


def settings_like(app, **changes) -> Settings:
    return Settings(
        DATABASE_URL=app.config["DATABASE_URL"],
        SEARCH_INDEX_DIR=app.config["SEARCH_INDEX_DIR"],
        MAIL_OUTBOX=app.config["MAIL_OUTBOX"],
        **changes,
    )


def close_app(app: Flask) -> None:
    sender = app.extensions.get("mail_sender")
    if sender is not None:
        sender.join()
    app.extensions["search_index"].close()
    app.extensions["db_engine"].dispose()
    lock = app.extensions.get("database_lock")
    if lock is not None:  # SQLite: the file lock every app holds
        lock.release()
