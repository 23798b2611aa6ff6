"""The search change log is pruned by the daily job (issue 24, finding 11): a row goes only once
the index in service has applied it AND it is older than KEEP_CHANGES (7 days: another server's
index stopped meanwhile still catches up); a change not yet applied stays, however old."""

from __future__ import annotations

from datetime import timedelta

from kit.factories import make_offer
from sqlalchemy import select, update

from app.db import utcnow
from app.search import prune_changes
from app.search.changes import KEEP_CHANGES, ChangeCursor, SearchChange


def _ids(session) -> list[int]:
    return session.scalars(select(SearchChange.id).order_by(SearchChange.id)).all()


def _date_back(session, ids, age: timedelta) -> None:
    session.execute(
        update(SearchChange).where(SearchChange.id.in_(ids)).values(created_at=utcnow() - age)
    )
    session.commit()


def test_only_applied_changes_older_than_the_safety_age_are_pruned(app, session, index):
    old_applied = make_offer(session, title="Crèche des Pins")
    recent_applied = make_offer(session, title="Crèche des Oliviers")
    index.sync(session)
    applied = _ids(session)
    assert index.state().last_change == applied[-1]
    not_applied = make_offer(session, title="Crèche des Mimosas")  # logged, not yet in the index
    waiting = [i for i in _ids(session) if i not in applied]
    old = [
        c
        for c, o in session.execute(select(SearchChange.id, SearchChange.offer_id)).all()
        if o == old_applied.id
    ]
    _date_back(session, old + waiting, KEEP_CHANGES + timedelta(hours=1))

    assert prune_changes(session, utcnow()) == len(old)
    session.commit()
    left = _ids(session)
    assert not set(old) & set(left)
    assert set(applied) - set(old) <= set(left)  # applied but recent: kept
    assert set(waiting) <= set(left)  # old but not applied: kept

    index.sync(session)  # the index still catches up from what is left
    searcher = index.searcher()
    for offer in (old_applied, recent_applied, not_applied):
        assert searcher.document(id=str(offer.id)) is not None, offer.title


def test_the_daily_job_prunes_and_says_so(app, session, index):
    make_offer(session)
    index.sync(session)
    _date_back(session, _ids(session), KEEP_CHANGES * 2)
    output = app.test_cli_runner().invoke(args=["referrals", "daily"]).output
    assert "Journal des modifications de la recherche : 1 ligne appliquée(s) supprimée(s)." in (
        output
    )
    assert _ids(session) == []


def test_without_a_readable_index_nothing_is_pruned(app, session):
    make_offer(session)
    session.commit()
    (change,) = _ids(session)
    _date_back(session, [change], KEEP_CHANGES * 2)
    assert prune_changes(session, utcnow()) is None
    assert _ids(session) == [change]


def test_a_change_the_alerts_have_not_read_is_kept(app, session, index):
    """Another reader of the log (the alerts, ``search_change_cursors``) keeps its changes:
    pruning never goes past the lowest cursor, then goes on once it has moved."""
    make_offer(session, title="Crèche des Pins")
    read = _ids(session)
    session.add(ChangeCursor(name="alerts", last_change=read[-1]))
    session.commit()
    make_offer(session, title="Crèche des Oliviers")
    index.sync(session)
    unread = [i for i in _ids(session) if i not in read]
    _date_back(session, _ids(session), KEEP_CHANGES + timedelta(hours=1))

    assert prune_changes(session, utcnow()) == len(read)
    session.commit()
    assert _ids(session) == unread
    session.get(ChangeCursor, "alerts").last_change = unread[-1]
    session.commit()
    assert prune_changes(session, utcnow()) == len(unread)
