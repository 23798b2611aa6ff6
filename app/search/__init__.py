"""Full-text and geographic search of offers (Whoosh). The only code touching search_index/."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app
from sqlalchemy.orm import Session

from app.search.changes import prune_applied
from app.search.index import INCOMPLETE as INDEX_INCOMPLETE
from app.search.index import OK as INDEX_OK
from app.search.index import REBUILDING as INDEX_REBUILDING
from app.search.index import UNREADABLE as INDEX_UNREADABLE
from app.search.index import IndexHealth, SearchIndex

__all__ = [
    "INDEX_INCOMPLETE",
    "INDEX_OK",
    "INDEX_REBUILDING",
    "INDEX_UNREADABLE",
    "IndexHealth",
    "catch_up",
    "get_index",
    "init_app",
    "prune_changes",
    "results_incomplete",
]


def init_app(app: Flask) -> None:
    app.extensions["search_index"] = SearchIndex(
        app.config["SEARCH_INDEX_DIR"],
        rebuild_in_background=app.config.get("SEARCH_REBUILD_IN_BACKGROUND", False),
        use_mmap=app.config.get("SEARCH_INDEX_MMAP", False),
    )


def get_index() -> SearchIndex:
    return current_app.extensions["search_index"]


def catch_up(session) -> None:
    """Bring this process's index up to date with the change log (cheap when nothing moved)."""
    get_index().catch_up(session)


def results_incomplete() -> bool:
    """May the search this thread just made have missed offers (the index is being rebuilt,
    or none can be read)? The pages and the API say so."""
    return get_index().incomplete


def prune_changes(session: Session, now: datetime) -> int | None:
    """Delete the change-log rows this server's index in service has applied, once older than
    :data:`app.search.changes.KEEP_CHANGES`; None (nothing deleted) when no index can be read,
    as nothing then says what was applied. Never past a gap (a change not yet seen committed)."""
    try:
        state = get_index().state()
    except Exception:
        return None
    applied = min([state.last_change, *(gap - 1 for gap in state.gaps)])
    return prune_applied(session, applied, now)
