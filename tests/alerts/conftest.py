"""Helpers of the alerts' tests: the daily command, the change log made old enough to read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from app.db import utcnow
from app.search.changes import SearchChange


def settle(session) -> None:
    """Date the change log back past the alerts' settling delay (rules.SETTLE)."""
    session.execute(update(SearchChange).values(created_at=utcnow() - timedelta(hours=1)))
    session.commit()


@pytest.fixture
def daily(app, session):
    """``flask alerts daily`` as cron runs it; returns its output."""

    def run() -> str:
        settle(session)
        result = app.test_cli_runner().invoke(args=["alerts", "daily"])
        if result.exception:
            raise result.exception
        assert result.exit_code == 0, result.output
        session.expire_all()
        return result.output

    return run
