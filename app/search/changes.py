"""The search change log: every write that changes what search shows records, in the same
transaction, which offers must be re-indexed. The index catches up from this log, so a crash
between the commit and the index update loses nothing, and several servers each keeping their
own index directory can all catch up.

Rows are pruned by the daily job (:func:`prune_applied`) once the index in service has applied
them and they are older than :data:`KEEP_CHANGES`, so that the log does not grow for ever.

Other readers of the log (the alerts, :mod:`app.alerts`) keep a cursor (:class:`ChangeCursor`,
the last change they consumed): pruning never deletes a change a cursor has not passed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import DateTime, Integer, String, delete, event, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db import Base, utcnow
from app.directory.models import Closure, Offer, OpeningSlot, Structure, Training, TrainingSession

#: Even applied, a change is kept this long: another server's index (its own folder) that was
#: stopped meanwhile catches up from the rows still there when it comes back.
KEEP_CHANGES = timedelta(days=7)


class SearchChange(Base):
    __tablename__ = "search_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    offer_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class ChangeCursor(Base):
    """How far one reader of the change log (other than the index) has consumed it."""

    __tablename__ = "search_change_cursors"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_change: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


def newest_change(session: Session) -> int:
    """The id of the newest change recorded (0: none)."""
    return session.scalar(select(func.max(SearchChange.id))) or 0


def changes_after(session: Session, after: int, settled_before: datetime) -> list[tuple[int, int]]:
    """(change id, offer id) of the changes after ``after`` recorded before ``settled_before``,
    in order. A reader stops there: a change recorded just now may belong to a transaction not
    yet committed, whose id is lower than a committed one (ids are taken at flush)."""
    rows = session.execute(
        select(SearchChange.id, SearchChange.offer_id)
        .where(SearchChange.id > after, SearchChange.created_at < settled_before)
        .order_by(SearchChange.id)
    ).all()
    return [(int(r.id), int(r.offer_id)) for r in rows]


def _offer_ids_touched(session: Session) -> set[int]:
    ids: set[int] = set()
    structures: list[Structure] = []
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Offer):
            ids.add(obj.id)
        elif isinstance(obj, (OpeningSlot, Closure, Training)):
            ids.add(obj.offer_id)
        elif isinstance(obj, TrainingSession):
            ids.add(obj.training_id)
        elif isinstance(obj, Structure) and obj in session.dirty:
            structures.append(obj)
    for structure in structures:
        # The structure's name is part of its offers' indexed text.
        ids.update(
            session.connection()
            .execute(select(Offer.id).where(Offer.structure_id == structure.id))
            .scalars()
        )
    ids.discard(None)
    return ids


@event.listens_for(Session, "after_flush")
def _record_changes(session: Session, _flush_context) -> None:
    ids = _offer_ids_touched(session)
    if ids:
        now = utcnow()
        session.connection().execute(
            insert(SearchChange), [{"offer_id": i, "created_at": now} for i in sorted(ids)]
        )


def prune_applied(session: Session, applied_up_to: int, now: datetime) -> int:
    """Delete the changes the index has applied (ids up to ``applied_up_to``, the last one of
    its state before any gap) that are also older than :data:`KEEP_CHANGES`; returns how many.
    Never the newer ones: an index behind, or a transaction still open, still needs them; nor
    those a reader's :class:`ChangeCursor` has not passed yet."""
    cursors = session.scalar(select(func.min(ChangeCursor.last_change)))
    if cursors is not None:
        applied_up_to = min(applied_up_to, cursors)
    result = session.execute(
        delete(SearchChange).where(
            SearchChange.id <= applied_up_to, SearchChange.created_at < now - KEEP_CHANGES
        )
    )
    return getattr(result, "rowcount", 0) or 0
