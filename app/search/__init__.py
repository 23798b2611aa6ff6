"""Full-text and geographic search of offers (Whoosh). The only code touching search_index/."""

from __future__ import annotations

from flask import Flask, current_app

from app.search.index import SearchIndex


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
