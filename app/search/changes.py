"""The search change log: every write that changes what search shows records, in the same
transaction, which offers must be re-indexed. The index catches up from this log, so a crash
between the commit and the index update loses nothing, and several servers each keeping their
own index directory can all catch up.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, event, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db import Base, utcnow
from app.directory.models import Closure, Offer, OpeningSlot, Structure, Training, TrainingSession


class SearchChange(Base):
    __tablename__ = "search_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    offer_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


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
