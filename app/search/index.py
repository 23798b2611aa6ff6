"""The Whoosh index on disk: creation, rebuild, catch-up from the change log, searchers.

This module (with the rest of ``app.search``) is the only code that touches ``search_index/``.
The database is the source of truth: the index holds one document per published offer, plus a
state document recording the last change-log id applied, committed atomically with the documents.

Layout of the index folder (``SEARCH_INDEX_DIR``, one per server, shared by its processes)::

    CURRENT                  the name of the generation in service (replaced atomically)
    gen-20261204T213500-…/   a complete Whoosh index: the one CURRENT names is in service
    rebuild.lock             held (flock) by the one process building a new generation

A rebuild writes a new generation beside the one in service, from the database alone, and
names it in ``CURRENT`` only once it is complete: a process killed mid-build leaves the previous
generation in service (or none, and the next process rebuilds from the database), never a
partial index taken for a whole one. The new generation records the last change-log id that
existed when the build started, so that changes made during the build are applied after it.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import json
import logging
import os
import re
import secrets
import shutil
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
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.index import LockError
from whoosh.searching import Searcher

from app.directory.models import Offer, Training
from app.search import columns
from app.search.changes import SearchChange
from app.search.documents import (
    INDEXED_STATUS,
    SCHEMA_VERSION,
    STATE_DOC_ID,
    build_schema,
    is_indexable,
    offer_document,
    searchable_offer_count,
)

log = logging.getLogger(__name__)

#: A change-log id seen missing (a transaction not yet committed, or rolled back) is looked
#: for again during this many seconds before being given up as a rollback.
GAP_TTL_SECONDS = 600
BATCH = 500

#: In the index folder: the file naming the generation in service, the generations' prefix,
#: and the lock of the one process building a new generation.
POINTER = "CURRENT"
GENERATION_PREFIX = "gen-"
_GENERATION_NAME = re.compile(r"gen-\d{8}T\d{6}-[0-9a-f]{8}")
BUILD_LOCK = "rebuild.lock"
#: Whoosh's name for an index in its folder (its files, its write lock).
INDEX_NAME = "MAIN"
#: The files of an index written straight into the folder by versions before generations.
_LEGACY_PREFIXES = (f"{INDEX_NAME}_", f"_{INDEX_NAME}_")
#: How long putting a generation in service waits for a sync committing to the one it retires.
RETIRE_WAIT_SECONDS = 60
#: After a failed background rebuild, the start-up check runs again after this many seconds.
RETRY_SECONDS = 30


class _Lengths:
    """A segment's field-length column read in one go (one byte per document)."""

    def __init__(self, reader) -> None:
        self._bytes = reader._dbfile.get(reader._basepos, reader._count) if reader._count else b""

    def __getitem__(self, docnum: int) -> int:
        return self._bytes[docnum] if docnum < len(self._bytes) else 0


def _cached_reader(self, fieldname, column):
    """Whoosh's ``W3PerDocReader._cached_reader`` without its cache miss on fields that have no
    length column: the original stats the file system again at every call, which is once per
    posting of every unscored field when a segment is written (more than half of the build time
    at national scale). A segment's columns never change once written, so "no column" is cached
    like a reader. A length column is read whole: writing a segment asks for the length of a
    document once per posting, which was a seek and a read each."""
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        if reader is not None and column is whoosh3.LENGTHS_COLUMN:
            reader = _Lengths(reader)
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


def _write_columns(ix, folder: Path) -> None:
    """Write the column arrays of the segments just committed, beside them: a search then maps
    them instead of reading them out of the segment."""
    with ix.reader() as reader:
        columns.write_missing(folder, columns.segment_readers(reader))


class _SearcherHolder:
    """Closes its searcher once: explicitly, or when its thread's locals are released."""

    def __init__(self, searcher: Searcher, generation: str | None) -> None:
        self.searcher = searcher
        self.generation = generation  # None: the empty in-memory placeholder
        self._closed = False

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            with contextlib.suppress(Exception):
                self.searcher.close()

    def __del__(self) -> None:
        self.close()


class IndexUnavailable(Exception):
    """No sound generation of the index is in service: none yet, unreadable or outdated."""


#: What ``/sante/pret`` reports of the index (its values are shown as they are, in French).
OK = "ok"
REBUILDING = "reconstruction en cours"
UNREADABLE = "illisible"
INCOMPLETE = "incomplet"


@dataclass(frozen=True)
class IndexHealth:
    """This process's index as the readiness check sees it."""

    status: str
    indexed: int | None = None  # offers in the index
    searchable: int | None = None  # searchable offers in the database

    @property
    def ready(self) -> bool:
        return self.status == OK


@contextlib.contextmanager
def _quietly() -> Iterator[None]:
    """Whoosh leaves a file open when it fails to read a damaged index: collect it here rather
    than let a ResourceWarning surface later, in some other code."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            yield
        finally:
            gc.collect()


def _generation_name() -> str:
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    return f"{GENERATION_PREFIX}{stamp}-{secrets.token_hex(4)}"


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class SearchIndex:
    def __init__(
        self, path: str | Path, rebuild_in_background: bool = False, use_mmap: bool = False
    ):
        #: The index folder (``SEARCH_INDEX_DIR``): the generations, their pointer, the lock.
        self.root = Path(path)
        #: Map the index files into memory: searches about 1.5 to 2 times faster, but Whoosh
        #: copies the postings and term index of each compound segment into private memory
        #: (about 600 MB per worker at 300,000 offers, against 60 MB without).
        #: README « Performance ».
        self.use_mmap = use_mmap
        #: When the index is found missing, damaged or incomplete on first use: rebuild it in
        #: a thread, serving meanwhile what can be served (see :attr:`incomplete`), instead of
        #: making the first request wait for the whole rebuild.
        self.rebuild_in_background = rebuild_in_background
        self._local = threading.local()
        self._known_state: IndexState | None = None
        self._lock = threading.Lock()
        self._checked = False
        self._retry_at = 0.0  # after a failed background rebuild, the next try waits
        self._rebuilder: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._build_mutex = threading.RLock()
        self._build_depth = 0
        self._build_fd: int | None = None
        self._placeholder: whoosh_index.Index | None = None
        self._placeholder_lock = threading.Lock()

    # -- generations -----------------------------------------------------------------------
    def generation(self) -> str | None:
        """The name of the generation in service, as ``CURRENT`` says (None: none yet)."""
        try:
            name = (self.root / POINTER).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return name if _GENERATION_NAME.fullmatch(name) else None

    @property
    def path(self) -> Path:
        """The folder of the generation in service (the index folder itself while none is)."""
        name = self.generation()
        return self.root / name if name else self.root

    def exists(self) -> bool:
        name = self.generation()
        return name is not None and any((self.root / name).glob("*.toc"))

    def _open(self, folder: Path | None = None):
        # Without mmap (the default), Whoosh reads the files: the OS cache holds them once for
        # all the workers. With it, Whoosh copies every mapped part of a compound segment into
        # a BytesIO when it opens a reader.
        for attempt in range(5):
            target = folder
            if target is None:
                name = self.generation()
                if name is None:
                    raise IndexUnavailable(f"no search index in service in {self.root}")
                target = self.root / name
            try:
                return FileStorage(str(target), supports_mmap=self.use_mmap).open_index()
            except FileNotFoundError:
                # A writer committed between reading the folder and opening its newest table of
                # contents (the old one is deleted), or a new generation was put in service:
                # read the pointer and the folder again.
                if attempt == 4:
                    raise
                time.sleep(0.02 * (attempt + 1))
        raise AssertionError("unreachable")

    def is_healthy(self) -> bool:
        """The generation in service is readable and built with this code's schema version."""
        with _quietly():
            try:
                with self._open().searcher() as searcher:
                    return self._read_state(searcher).schema_version == SCHEMA_VERSION
            except Exception:
                return False

    # -- state -----------------------------------------------------------------------------
    @staticmethod
    def _read_state(searcher: Searcher) -> IndexState:
        stored = searcher.document(id=STATE_DOC_ID)
        return IndexState.from_json(stored["meta"] if stored else None)

    def state(self) -> IndexState:
        with self._open().searcher() as searcher:
            return self._read_state(searcher)

    # -- building a generation ---------------------------------------------------------------
    @contextlib.contextmanager
    def _build_lock(self, blocking: bool = True) -> Iterator[bool]:
        """One build at a time in this index folder, across threads and processes. The lock is
        an ``flock``: the system releases it when its process dies, even by kill -9. Reentrant
        within a thread; yields False when ``blocking`` is off and another build holds it."""
        if not self._build_mutex.acquire(blocking=blocking):
            yield False
            return
        try:
            if self._build_depth == 0:
                self.root.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.root / BUILD_LOCK, os.O_CREAT | os.O_RDWR, 0o644)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(fd)
                    yield False
                    return
                self._build_fd = fd
            self._build_depth += 1
            try:
                yield True
            finally:
                self._build_depth -= 1
                if self._build_depth == 0 and self._build_fd is not None:
                    fcntl.flock(self._build_fd, fcntl.LOCK_UN)
                    os.close(self._build_fd)
                    self._build_fd = None
        finally:
            self._build_mutex.release()

    def rebuild(self, session: Session, procs: int = 1) -> int:
        """Build a new generation of the index from the database and put it in service once
        complete; returns the number of offers indexed.

        Reads through a private session, so the caller's objects stay as they are. The new
        generation is one segment, its column arrays written beside it before it is put in
        service. With ``procs`` > 1 (command line only: it forks), documents are analysed by
        that many processes, and their postings merged into the one segment by this one.
        """
        with Session(bind=session.get_bind()) as private:
            return self._rebuild(private, procs)

    def _rebuild(self, session: Session, procs: int = 1) -> int:
        with self._build_lock():
            self._remove_leftovers()
            # The last change that exists now: the documents are read after it, and the changes
            # made during the build (later ids) are applied after the swap.
            last = session.scalar(select(func.max(SearchChange.id))) or 0
            name = _generation_name()
            folder = self.root / name
            try:
                count = self._write_generation(session, folder, last, procs)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            self._put_in_service(name)
        return count

    def _write_generation(self, session: Session, folder: Path, last: int, procs: int) -> int:
        folder.mkdir(parents=True)
        ix = whoosh_index.create_in(str(folder), build_schema())
        if procs > 1:
            writer = ix.writer(limitmb=128, procs=procs, multisegment=False, batchsize=500)
        else:
            writer = ix.writer(limitmb=128)
        count = 0
        try:
            ids = list(
                session.execute(
                    select(Offer.id).where(Offer.status == INDEXED_STATUS).order_by(Offer.id)
                ).scalars()
            )
            for chunk in _chunks(ids, BATCH):
                for offer in session.execute(offers_with_relations(session, chunk)).scalars():
                    if is_indexable(offer):
                        writer.add_document(**offer_document(offer))
                        count += 1
                session.expunge_all()
            writer.add_document(id=STATE_DOC_ID, doctype="state", meta=IndexState(last).to_json())
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        _write_columns(ix, folder)
        return count

    def _put_in_service(self, name: str) -> None:
        """Point ``CURRENT`` at the complete generation ``name`` (an atomic rename), then delete
        the one it replaces, once no writer of this server is committing to it."""
        old = self.generation()
        retired = self.root / old if old and old != name else None
        hold = self._hold_writes(retired) if retired is not None else None
        try:
            temporary = self.root / f"{POINTER}.{secrets.token_hex(4)}.tmp"
            with open(temporary, "w", encoding="utf-8") as pointer:
                pointer.write(name + "\n")
                pointer.flush()
                os.fsync(pointer.fileno())
            os.replace(temporary, self.root / POINTER)
            _fsync_folder(self.root)
            if retired is not None:
                # Readers still open on it keep their files (POSIX); writers find it gone and
                # follow CURRENT (see _sync).
                shutil.rmtree(retired, ignore_errors=True)
        finally:
            if hold is not None:
                with contextlib.suppress(Exception):
                    hold.release()
        self._remove_legacy_files()
        self._known_state = None

    @staticmethod
    def _hold_writes(folder: Path):
        """Whoosh's write lock of ``folder``, so that no sync commits to a generation being
        retired (waits for one that is); None if it cannot be had."""
        lock = FileStorage(str(folder)).lock(f"{INDEX_NAME}_WRITELOCK")
        deadline = time.monotonic() + RETIRE_WAIT_SECONDS
        while True:
            try:
                if lock.acquire(blocking=False):
                    return lock
            except OSError:
                return None  # the folder is gone or unwritable: nothing to wait for
            if time.monotonic() > deadline:
                log.warning("a writer of %s held its lock too long: retiring it anyway", folder)
                return None
            time.sleep(0.05)

    def _remove_leftovers(self) -> None:
        """Under the build lock: the generations not in service (a build killed midway, a
        generation retired by a process killed before deleting it) and stray pointer files."""
        if not self.root.is_dir():
            return
        current = self.generation()
        for child in self.root.iterdir():
            if child.is_dir() and child.name.startswith(GENERATION_PREFIX):
                if child.name != current:
                    shutil.rmtree(child, ignore_errors=True)
            elif child.name.startswith(f"{POINTER}.") and child.name.endswith(".tmp"):
                child.unlink(missing_ok=True)

    def _remove_legacy_files(self) -> None:
        """The index written straight into the folder by versions before generations."""
        for child in self.root.iterdir():
            if child.is_file() and child.name.startswith(_LEGACY_PREFIXES):
                child.unlink(missing_ok=True)

    def _tidy(self) -> None:
        with self._build_lock(blocking=False) as held:
            if held:
                self._remove_leftovers()

    # -- start-up check and background rebuild -------------------------------------------------
    def ensure(self, session: Session, background: bool = False) -> bool:
        """Make sure a complete index is in service: readable, of this schema, holding every
        searchable offer of the database (after catching up). Rebuild it from the database
        otherwise. True if rebuilt (or, with ``background``, if a rebuild was started: what can
        be served is served meanwhile, see :attr:`incomplete`)."""
        seen = self.generation()
        if self.exists() and self.is_healthy():
            self._tidy()
            if self._holds_every_offer(session):
                self._checked = True
                return False
            log.warning("search index in %s does not match the database: rebuilding", self.root)
        else:
            log.warning("search index missing, unreadable or outdated in %s: rebuilding", self.root)
        self.close()
        self._checked = True
        if background:
            self._start_rebuild(session.get_bind(), seen)
        else:
            with self._build_lock():
                if not self._replaced_since(seen):
                    self.rebuild(session)
        return True

    def _holds_every_offer(self, session: Session) -> bool:
        """After catching up: False only when the index and the database, both settled on
        the same last change, disagree on the number of searchable offers."""
        self.sync(session)
        indexed, searchable, settled = self._count_check(session)
        return indexed == searchable or not settled

    def _count_check(self, session: Session) -> tuple[int, int, bool]:
        """(offers in the index, searchable offers in the database, settled): settled when no
        change was logged while counting and the index has applied the last one. Counts through
        a private session: the caller's transaction may predate the last catch-up."""
        with Session(bind=session.get_bind()) as private:
            newest = private.scalar(select(func.max(SearchChange.id))) or 0
            searchable = searchable_offer_count(private)
            newest_after = private.scalar(select(func.max(SearchChange.id))) or 0
        searcher = self._generation_searcher()
        state_docs = 1 if searcher.document(id=STATE_DOC_ID) is not None else 0
        indexed = searcher.doc_count() - state_docs
        last = self._read_state(searcher).last_change
        return indexed, searchable, newest == newest_after == last

    def _replaced_since(self, seen: str | None) -> bool:
        """Has another build put a sound generation in service since ``seen`` was?"""
        current = self.generation()
        return current is not None and current != seen and self.is_healthy()

    def _start_rebuild(self, bind, seen: str | None) -> None:
        with self._start_lock:
            if self.rebuilding:
                return
            self._rebuilder = threading.Thread(
                target=self._rebuild_in_background,
                args=(bind, seen),
                name="search-index-rebuild",
                daemon=True,
            )
            self._rebuilder.start()

    def _rebuild_in_background(self, bind, seen: str | None) -> None:
        started = time.perf_counter()
        try:
            # Waits while another process of this server builds; then builds only if that
            # other build did not complete (a process killed mid-build releases the lock).
            with self._build_lock():
                if self._replaced_since(seen):
                    log.warning("search index rebuilt by another process in %s", self.root)
                    return
                with Session(bind=bind) as private:
                    count = self._rebuild(private)
        except Exception:
            log.exception("background rebuild of the search index failed")
            self._retry_at = time.monotonic() + RETRY_SECONDS
            self._checked = False  # the start-up check runs again (after RETRY_SECONDS)
            return
        log.warning(
            "search index rebuilt in the background: %d offers in %.1f s",
            count,
            time.perf_counter() - started,
        )

    @property
    def rebuilding(self) -> bool:
        """True while this process rebuilds the index in the background (or waits for another
        process of this server to finish doing so): results may be incomplete."""
        return self._rebuilder is not None and self._rebuilder.is_alive()

    @property
    def incomplete(self) -> bool:
        """May this thread's last search have missed offers? While a rebuild runs, and while no
        generation can be read (an empty index answers)."""
        if self.rebuilding:
            return True
        holder = getattr(self._local, "holder", None)
        if holder is not None:
            return holder.generation is None
        return not self.exists()

    def wait_for_rebuild(self, timeout: float | None = None) -> bool:
        """Wait for a background rebuild to end; True if none is running any more."""
        if self._rebuilder is not None:
            self._rebuilder.join(timeout)
        return not self.rebuilding

    def readable(self) -> bool:
        """Can this process search the generation in service right now (cheap: the per-thread
        searcher)?"""
        try:
            self._generation_searcher().doc_count()
        except Exception:
            return False
        return True

    def catch_up(self, session: Session) -> None:
        """Before serving: check the index once per process, then apply any new changes."""
        if not self._checked and time.monotonic() >= self._retry_at:
            with self._lock:
                if not self._checked:
                    self.ensure(session, background=self.rebuild_in_background)
        if self.rebuilding or not self._checked:
            return  # the rebuild takes the change log up to its start; sync after it
        if not self.readable():
            self._repair(session)
            return
        if self.pending(session):
            with warnings.catch_warnings():
                # A damaged index: Whoosh leaves a file open, closed when the error's frames go.
                warnings.simplefilter("ignore", ResourceWarning)
                try:
                    self.sync(session)
                    return
                except Exception:
                    if self.is_healthy():
                        raise
            self._repair(session)

    def _repair(self, session: Session) -> None:
        """The generation in service became unreadable while serving: rebuild."""
        with self._lock:
            if not self.rebuilding:
                self.ensure(session, background=self.rebuild_in_background)

    def health(self, session: Session) -> IndexHealth:
        """This process's index for the readiness check: ready only when it is not rebuilding,
        can be read and, caught up, holds as many offers as the database has searchable ones.
        A settled difference starts a rebuild (in the background; at the next search when
        rebuilds are in the foreground: a probe never builds)."""
        try:
            if self.rebuild_in_background:
                self.catch_up(session)  # starts a rebuild if needed, never waits for one
            elif self.readable() and self.pending(session):
                self.sync(session)
        except Exception as error:
            log.warning("readiness: search index catch-up failed (%s)", type(error).__name__)
        if self.rebuilding:
            return IndexHealth(REBUILDING)
        if not self.readable():
            return IndexHealth(UNREADABLE)
        indexed, searchable, settled = self._count_check(session)
        if indexed != searchable:
            # A write may have been committed between the catch-up and the count.
            with contextlib.suppress(Exception):
                self.sync(session)
            indexed, searchable, settled = self._count_check(session)
        if indexed == searchable:
            return IndexHealth(OK, indexed, searchable)
        if settled:
            log.warning(
                "search index in %s holds %d offers for %d searchable: rebuilding",
                self.root,
                indexed,
                searchable,
            )
            if self.rebuild_in_background:
                self._start_rebuild(session.get_bind(), self.generation())
            else:
                self._checked = False  # the next search checks and rebuilds
        return IndexHealth(INCOMPLETE, indexed, searchable)

    # -- applying the change log -----------------------------------------------------------------
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
        error: that other writer is doing the same work, so we return at once. With no index in
        service, builds one from the database (unless this process is already doing so).
        """
        if not self.exists():
            if self.rebuilding:
                return 0  # the rebuild reads the database; the changes after it follow
            return self.rebuild(session)
        with Session(bind=session.get_bind()) as private:
            return self._sync(private, wait)

    def _sync(self, session: Session, wait: float) -> int:
        for _attempt in range(3):
            name = self.generation()
            if name is None:
                return 0
            try:
                ix = self._open(self.root / name)
                writer = ix.writer(timeout=wait, delay=0.05) if wait else ix.writer()
            except LockError:
                if self.generation() != name:
                    continue  # that generation was being retired: sync the new one
                return 0
            except OSError:
                if self.generation() != name:
                    continue  # retired and deleted while we opened it
                raise
            if self.generation() != name:
                writer.cancel()  # retired while we waited for its lock
                continue
            count = self._apply_changes(session, writer)
            try:
                _write_columns(ix, self.root / name)
            except Exception:  # the searchers build what is missing (columns.ColumnCache)
                log.warning("column arrays of %s not written", name, exc_info=True)
            return count
        return 0

    def _apply_changes(self, session: Session, writer) -> int:
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
        """A per-thread searcher of the generation in service, refreshed when it has a newer
        commit or another generation is put in service, and closed with its files when its
        thread ends (a server may start a thread per request). While no generation can be read
        (none yet, damaged, of an older schema), an empty in-memory index answers: the results
        are then incomplete and :attr:`incomplete` says so."""
        try:
            return self._generation_searcher()
        except Exception:
            return self._placeholder_searcher()

    def _generation_searcher(self) -> Searcher:
        name = self.generation()
        holder = getattr(self._local, "holder", None)
        if name is not None and holder is not None and holder.generation == name:
            with contextlib.suppress(Exception):
                if holder.searcher.up_to_date():
                    return holder.searcher
        if name is None:
            raise IndexUnavailable(f"no search index in service in {self.root}")
        # Not searcher.refresh(): it reuses segment readers by segment id and so keeps seeing
        # documents deleted since. Open afresh; the old one closes with its files.
        failure = None
        with warnings.catch_warnings():
            # A damaged index: Whoosh leaves a file open, closed when the error's frames go.
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                fresh = self._open(self.root / name).searcher()
                try:
                    schema_version = self._read_state(fresh).schema_version
                except BaseException:
                    fresh.close()
                    raise
            except Exception as error:
                failure = f"{type(error).__name__}: {error}"
            if failure is not None:
                gc.collect()
        if failure is not None:
            raise IndexUnavailable(f"search index unreadable in {self.root / name} ({failure})")
        if schema_version != SCHEMA_VERSION:
            fresh.close()
            raise IndexUnavailable(f"search index of an older schema in {self.root / name}")
        if holder is not None:
            holder.close()
        self._local.holder = _SearcherHolder(fresh, name)
        return fresh

    def _placeholder_searcher(self) -> Searcher:
        holder = getattr(self._local, "holder", None)
        if holder is not None and holder.generation is None:
            return holder.searcher
        with self._placeholder_lock:
            if self._placeholder is None:
                # Empty but searchable: Whoosh's reader of an index without any segment cannot
                # read columns, hence the state document.
                placeholder = RamStorage().create_index(build_schema())
                writer = placeholder.writer()
                writer.add_document(id=STATE_DOC_ID, doctype="state", meta=IndexState().to_json())
                writer.commit()
                self._placeholder = placeholder
            searcher = self._placeholder.searcher()
        if holder is not None:
            holder.close()
        holder = _SearcherHolder(searcher, None)
        self._local.holder = holder
        return holder.searcher

    def fingerprint(self, searcher: Searcher) -> tuple:
        """What a search result depends on in this index: its generation folder, Whoosh
        generation and segments."""
        holder = getattr(self._local, "holder", None)
        folder = holder.generation if holder is not None and holder.searcher is searcher else None
        reader = searcher.reader()
        readers = getattr(reader, "readers", None) or [reader]
        segments = tuple(r._segment.segment_id() for r in readers if hasattr(r, "_segment"))
        return str(self.root / (folder or "-")), reader.generation(), segments

    def searcher_folder(self, searcher: Searcher) -> Path | None:
        """The generation folder ``searcher`` reads (None: the empty placeholder)."""
        holder = getattr(self._local, "holder", None)
        if holder is not None and holder.searcher is searcher and holder.generation:
            return self.root / holder.generation
        return None

    def close(self) -> None:
        holder = getattr(self._local, "holder", None)
        if holder is not None:
            holder.close()
            self._local.holder = None
