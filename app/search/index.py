"""The Whoosh index on disk: creation, rebuild, catch-up from the change log, searchers.

This module (with the rest of ``app.search``) is the only code that touches ``search_index/``.
The database is the source of truth: the index holds one document per published offer, plus a
state document recording the last change-log id applied, committed atomically with the documents.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import threading
import time
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload
from whoosh import index as whoosh_index
from whoosh.codec import whoosh3
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.searching import Searcher
from whoosh.writing import CLEAR

from app.directory.models import Offer, Training
from app.search.changes import SearchChange
from app.search.documents import (
    SCHEMA_VERSION,
    STATE_DOC_ID,
    build_schema,
    is_indexable,
    offer_document,
)

log = logging.getLogger(__name__)

#: A change-log id seen missing (a transaction not yet committed, or rolled back) is looked
#: for again during this many seconds before being given up as a rollback.
GAP_TTL_SECONDS = 600
BATCH = 500


def _cached_reader(self, fieldname, column):
    """Whoosh's ``W3PerDocReader._cached_reader`` without its cache miss on fields that have no
    length column: the original stats the file system again at every call, which is once per
    posting of every unscored field when a segment is written (more than half of the build time
    at national scale). A segment's columns never change once written, so "no column" is cached
    like a reader."""
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
        return reader


whoosh3.W3PerDocReader._cached_reader = _cached_reader


@dataclass
class IndexState:
    last_change: int = 0
    gaps: dict[int, float] = field(default_factory=dict)  # change id -> first seen missing
    schema_version: int = SCHEMA_VERSION

    def to_json(self) -> str:
        return json.dumps(
            {"last_change": self.last_change, "gaps": self.gaps, "schema": self.schema_version}
        )

    @classmethod
    def from_json(cls, text: str | None) -> IndexState:
        if not text:
            return cls()
        data = json.loads(text)
        gaps = {int(k): v for k, v in data.get("gaps", {}).items()}
        return cls(data["last_change"], gaps, data.get("schema", 0))


def offers_with_relations(session: Session, ids: Iterable[int] | None = None):
    query = select(Offer).options(
        selectinload(Offer.slots),
        selectinload(Offer.structure),
        selectinload(Offer.training).selectinload(Training.sessions),
    )
    if ids is not None:
        query = query.where(Offer.id.in_(list(ids)))
    return query.order_by(Offer.id)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _SearcherHolder:
    """Closes its searcher once: explicitly, or when its thread's locals are released."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._closed = False

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            with contextlib.suppress(Exception):
                self.searcher.close()

    def __del__(self) -> None:
        self.close()


class SearchIndex:
    def __init__(
        self, path: str | Path, rebuild_in_background: bool = False, use_mmap: bool = False
    ):
        self.path = Path(path)
        #: Map the index files into memory: searches about 1.5 to 2 times faster, but Whoosh
        #: copies the postings and term index of each compound segment into private memory
        #: (about 600 MB per worker at 300,000 offers, against 60 MB without).
        #: README « Performance ».
        self.use_mmap = use_mmap
        #: When the index is found missing or damaged on first use: rebuild it in a thread and
        #: serve meanwhile from an empty index (see :attr:`rebuilding`), instead of making the
        #: first request wait for the whole rebuild.
        self.rebuild_in_background = rebuild_in_background
        self._local = threading.local()
        self._known_state: IndexState | None = None
        self._lock = threading.Lock()
        self._checked = False
        self._rebuilder: threading.Thread | None = None

    # -- opening -------------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.is_dir() and any(self.path.glob("*.toc"))

    def _open(self):
        # Without mmap (the default), Whoosh reads the files: the OS cache holds them once for
        # all the workers. With it, Whoosh copies every mapped part of a compound segment into
        # a BytesIO when it opens a reader.
        for attempt in range(5):
            try:
                return FileStorage(str(self.path), supports_mmap=self.use_mmap).open_index()
            except FileNotFoundError:
                # A writer committed between reading the folder and opening its newest table of
                # contents (the old one is deleted): read the folder again.
                if attempt == 4:
                    raise
                time.sleep(0.02 * (attempt + 1))
        raise AssertionError("unreachable")

    def _create(self):
        self.path.mkdir(parents=True, exist_ok=True)
        return whoosh_index.create_in(str(self.path), build_schema())

    def is_healthy(self) -> bool:
        """Readable, and built with this code's schema version."""
        # Whoosh leaves a file open when it fails to read a damaged index: collect it here
        # rather than let a ResourceWarning surface later.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                with self._open().searcher() as searcher:
                    return self._read_state(searcher).schema_version == SCHEMA_VERSION
            except Exception:
                return False
            finally:
                gc.collect()

    # -- state -----------------------------------------------------------------------------
    @staticmethod
    def _read_state(searcher: Searcher) -> IndexState:
        stored = searcher.document(id=STATE_DOC_ID)
        return IndexState.from_json(stored["meta"] if stored else None)

    def state(self) -> IndexState:
        with self._open().searcher() as searcher:
            return self._read_state(searcher)

    # -- writing ---------------------------------------------------------------------------
    def rebuild(self, session: Session, procs: int = 1) -> int:
        """Re-create the whole index from the database; returns the number of offers indexed.

        Reads through a private session, so the caller's objects stay as they are. With
        ``procs`` > 1 (command line only: it forks), documents are analysed and written by that
        many processes, each making its own segment (not merged: searches read them all).
        """
        with Session(bind=session.get_bind()) as private:
            return self._rebuild(private, procs)

    def _rebuild(self, session: Session, procs: int = 1) -> int:
        last = session.scalar(select(func.max(SearchChange.id))) or 0
        # Reuse a sound index under its write lock; start afresh (new schema) otherwise.
        ix = self._open() if self.exists() and self.is_healthy() else self._create()
        if procs > 1:
            writer = ix.writer(
                timeout=120, delay=0.1, limitmb=128, procs=procs, multisegment=True, batchsize=500
            )
        else:
            writer = ix.writer(timeout=120, delay=0.1, limitmb=128)
        count = 0
        try:
            ids = list(session.execute(select(Offer.id).order_by(Offer.id)).scalars())
            for chunk in _chunks(ids, BATCH):
                for offer in session.execute(offers_with_relations(session, chunk)).scalars():
                    if is_indexable(offer):
                        writer.add_document(**offer_document(offer))
                        count += 1
                session.expunge_all()
            writer.add_document(id=STATE_DOC_ID, doctype="state", meta=IndexState(last).to_json())
            writer.commit(mergetype=CLEAR)
        except BaseException:
            writer.cancel()
            raise
        self._known_state = None
        return count

    def ensure(self, session: Session, background: bool = False) -> bool:
        """Make sure an index exists and is readable; rebuild it otherwise. True if rebuilt
        (or, with ``background``, if a rebuild was started: an empty index serves meanwhile)."""
        if self.exists() and self.is_healthy():
            self._checked = True
            return False
        log.warning("search index missing, unreadable or outdated in %s: rebuilding", self.path)
        self.close()
        if self.path.exists():
            for child in self.path.iterdir():
                if child.is_file() and child.name != "README.md":
                    child.unlink()
        if background:
            # Empty but readable (with a state document: Whoosh's reader of an index without
            # any segment cannot read columns), so searches answer, incomplete, meanwhile. Should
            # this process die, the state's change 0 makes the next sync replay the whole log.
            writer = self._create().writer()
            writer.add_document(id=STATE_DOC_ID, doctype="state", meta=IndexState(0).to_json())
            writer.commit()
            self._rebuilder = threading.Thread(
                target=self._rebuild_in_background,
                args=(session.get_bind(),),
                name="search-index-rebuild",
                daemon=True,
            )
            self._rebuilder.start()
        else:
            self.rebuild(session)
        self._checked = True
        return True

    def _rebuild_in_background(self, bind) -> None:
        started = time.perf_counter()
        try:
            with Session(bind=bind) as private:
                count = self._rebuild(private)
        except Exception:
            log.exception("background rebuild of the search index failed")
            return
        log.warning(
            "search index rebuilt in the background: %d offers in %.1f s",
            count,
            time.perf_counter() - started,
        )

    @property
    def rebuilding(self) -> bool:
        """True while this process rebuilds the index in the background: results may be
        incomplete."""
        return self._rebuilder is not None and self._rebuilder.is_alive()

    def wait_for_rebuild(self, timeout: float | None = None) -> bool:
        """Wait for a background rebuild to end; True if none is running any more."""
        if self._rebuilder is not None:
            self._rebuilder.join(timeout)
        return not self.rebuilding

    def readable(self) -> bool:
        """Can this process search the index right now (cheap: the per-thread searcher)?"""
        try:
            self.searcher().doc_count()
        except Exception:
            return False
        return True

    def catch_up(self, session: Session) -> None:
        """Before serving: check the index once per process, then apply any new changes."""
        if not self._checked:
            with self._lock:
                if not self._checked:
                    self.ensure(session, background=self.rebuild_in_background)
        if self.rebuilding:
            return  # the rebuild takes the change log up to its start; sync after it
        if self.pending(session):
            self.sync(session)

    def pending(self, session: Session) -> bool:
        """Cheap check: has the change log moved since this process last caught up?"""
        state = self._known_state
        if state is None:
            return True
        newest = session.scalar(select(func.max(SearchChange.id))) or 0
        return newest > state.last_change or bool(state.gaps)

    def sync(self, session: Session, wait: float = 0.0) -> int:
        """Apply the change log to the index. Returns the number of offers re-indexed.

        With ``wait=0`` a busy write lock (another process or thread is syncing) is not an
        error: that other writer is doing the same work, so we return at once.
        """
        if not self.exists():
            return self.rebuild(session)
        with Session(bind=session.get_bind()) as private:
            return self._sync(private, wait)

    def _sync(self, session: Session, wait: float) -> int:
        ix = self._open()
        try:
            writer = ix.writer(timeout=wait, delay=0.05) if wait else ix.writer()
        except LockError:
            return 0
        try:
            reader = writer.reader()  # a new reader of the committed segments: ours to close
            try:
                stored = (
                    next(
                        (
                            reader.stored_fields(n)
                            for n in reader.postings("id", STATE_DOC_ID).all_ids()
                        ),
                        None,
                    )
                    if reader.doc_count()
                    else None
                )
            finally:
                reader.close()
            state = IndexState.from_json(stored["meta"] if stored else None)
            changes = session.execute(
                select(SearchChange.id, SearchChange.offer_id)
                .where(
                    or_(SearchChange.id > state.last_change, SearchChange.id.in_(list(state.gaps)))
                )
                .order_by(SearchChange.id)
            ).all()
            if not changes and not state.gaps:
                writer.cancel()
                self._known_state = state
                return 0
            new_state = self._advance(state, [c.id for c in changes])
            offer_ids = sorted({c.offer_id for c in changes})
            for chunk in _chunks(offer_ids, BATCH):
                found = {
                    o.id: o
                    for o in session.execute(offers_with_relations(session, chunk)).scalars()
                }
                for offer_id in chunk:
                    offer = found.get(offer_id)
                    if is_indexable(offer):
                        writer.update_document(**offer_document(offer))
                    else:
                        writer.delete_by_term("id", str(offer_id))
            writer.update_document(id=STATE_DOC_ID, doctype="state", meta=new_state.to_json())
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        self._known_state = new_state
        return len(offer_ids)

    @staticmethod
    def _advance(state: IndexState, seen: list[int]) -> IndexState:
        now = time.time()
        gaps = {g: t for g, t in state.gaps.items() if g not in seen and now - t < GAP_TTL_SECONDS}
        last = state.last_change
        for change_id in sorted(i for i in seen if i > state.last_change):
            for missing in range(last + 1, change_id):
                gaps.setdefault(missing, now)
            last = change_id
        return IndexState(last, gaps)

    # -- reading ---------------------------------------------------------------------------
    def searcher(self) -> Searcher:
        """A per-thread searcher, refreshed when the index has a newer generation. It is
        closed with its files when its thread ends (a server may start a thread per request)."""
        holder = getattr(self._local, "holder", None)
        if holder is None:
            holder = _SearcherHolder(self._open().searcher())
        elif not holder.searcher.up_to_date():
            # Not searcher.refresh(): it reuses segment readers by segment id and so keeps
            # seeing documents deleted since. Open afresh; the old one closes with its files.
            holder.close()
            holder = _SearcherHolder(self._open().searcher())
        self._local.holder = holder
        return holder.searcher

    def fingerprint(self, searcher: Searcher) -> tuple:
        """What a search result depends on in this index: its folder, generation and segments
        (a rebuilt index starts its generations again, with new segment ids)."""
        reader = searcher.reader()
        readers = getattr(reader, "readers", None) or [reader]
        segments = tuple(r._segment.segment_id() for r in readers if hasattr(r, "_segment"))
        return str(self.path), reader.generation(), segments

    def close(self) -> None:
        holder = getattr(self._local, "holder", None)
        if holder is not None:
            holder.close()
            self._local.holder = None
