"""Per-segment column arrays of the search index (numpy), built once per immutable segment.

A Whoosh segment never changes once written (only its deletion set grows), so everything a
search needs of its documents is read out once into flat arrays: offer ids, coordinates and
grid cells, kinds, flags, dates, ages, hour masks, last update, field lengths, and the postings
of the text fields (doc numbers and weights, term by term). Searches then filter, measure and
sort with vectorized numpy operations instead of one Python call per document.

The arrays of a segment are written once, in one file beside the segment in its generation
folder (``MAIN_<segment id>.cols``: Whoosh's own clean-up deletes it with its segment), and
memory-mapped: the worker processes of a server share its pages. The file is written when the
segment is committed (:func:`write_missing`); a reader finding none builds the arrays itself
and writes the file atomically (a temporary name, then ``os.replace``).
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.columns import NumericColumn

#: Bump when the arrays or the file layout change: files of another version are rebuilt.
FORMAT_VERSION = 2
SUFFIX = ".cols"
_MAGIC = b"PCOLS\x00\x00\x01"
_ALIGN = 64

#: The numeric columns compared with a criterion (ages, validity and AVIP dates).
NUMBERS = ("age_min", "age_max", "valid_until", "avip_from", "avip_until")
HOUR_FIELDS = tuple(f"h{day}" for day in range(7))


class TermPostings:
    """The postings of one text field in one segment: for each term (sorted as Whoosh sorts
    them, by UTF-8 bytes), its doc numbers (ascending) and weights."""

    def __init__(self, blob, bounds, starts, docs, weights) -> None:
        self._blob = blob  # the terms' UTF-8 bytes, end to end
        self._bounds = bounds  # term i is blob[bounds[i]:bounds[i + 1]]
        self._starts = starts  # its postings are docs[starts[i]:starts[i + 1]]
        self.docs = docs
        self.weights = weights
        self._count = len(bounds) - 1
        self._found: dict[str, int] = {}

    def _term(self, i: int) -> bytes:
        return self._blob[self._bounds[i] : self._bounds[i + 1]].tobytes()

    def find(self, term: str) -> int:
        """The rank of ``term`` among this field's terms, or -1."""
        found = self._found.get(term)
        if found is not None:
            return found
        key = term.encode("utf-8")
        lo, hi = 0, self._count
        while lo < hi:
            mid = (lo + hi) // 2
            if self._term(mid) < key:
                lo = mid + 1
            else:
                hi = mid
        rank = lo if lo < self._count and self._term(lo) == key else -1
        if len(self._found) < 4096:
            self._found[term] = rank
        return rank

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(doc numbers, weights) of ``term``: empty arrays when the segment lacks it."""
        rank = self.find(term)
        if rank < 0:
            return self.docs[:0], self.weights[:0]
        start, end = int(self._starts[rank]), int(self._starts[rank + 1])
        return self.docs[start:end], self.weights[start:end]


class SegmentColumns:
    """The arrays of one segment (length: its document count, deleted ones included)."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict, holder=None) -> None:
        self._holder = holder  # the memory map the arrays view, kept alive with them
        self.size = int(meta["size"])
        self.segment_id: str = meta["segment"]
        #: Offer ids; -1 for a document that is not an offer (the index state document).
        self.ids = arrays["ids"]
        self.lat = arrays["lat"]  # 1e-5 degrees, as indexed
        self.lon = arrays["lon"]
        self.kind = arrays["kind"]  # index into kind_names, -1: none
        self.kind_names: list[str] = meta["kinds"]
        self.departement = arrays["departement"]
        self.departement_names: list[str] = meta["departements"]
        self.flags = arrays["flags"]  # bits of SEARCH_FLAGS
        self.numbers = {name: arrays[name] for name in NUMBERS}
        self.hours = arrays["hours"]  # (7, size): the coverage mask of each weekday
        self.updated = arrays["updated"]
        self.lengths = {name: arrays[f"len_{name}"] for name in meta["text_fields"]}
        self.text = {
            name: TermPostings(
                arrays[f"terms_{name}"],
                arrays[f"bounds_{name}"],
                arrays[f"starts_{name}"],
                arrays[f"docs_{name}"],
                arrays[f"weights_{name}"],
            )
            for name in meta["text_fields"]
        }
        self._live: tuple[int, np.ndarray] | None = None
        self._lock = threading.Lock()

    def live(self, segment) -> np.ndarray:
        """Documents that are offers and not deleted in ``segment`` (this segment as a given
        commit sees it: its deletion set only grows, so its size identifies it)."""
        deleted = segment.deleted_count()
        cached = self._live
        if cached is not None and cached[0] == deleted:
            return cached[1]
        mask = self.ids >= 0
        if deleted:
            mask[np.fromiter(segment.deleted_docs(), dtype=np.int64, count=deleted)] = False
        with self._lock:
            self._live = (deleted, mask)
        return mask

    def code(self, names: list[str], value: str) -> int:
        try:
            return names.index(value)
        except ValueError:
            return -2  # matches no document (-1 is "none")


# -- building ------------------------------------------------------------------------------


def _raw_column(reader, fieldname: str, column: NumericColumn, size: int) -> np.ndarray:
    """A fixed-size numeric column of a segment in one read (Whoosh reads it value by value)."""
    perdoc = reader._perdoc
    default = column._default
    typecode = column._typecode
    if not perdoc.has_column(fieldname):
        return np.full(size, default, dtype=np.dtype(typecode))
    col = perdoc.column_reader(fieldname, column)
    count = min(col._count, size)
    data = col._dbfile.get(col._basepos, count * col._fixedlen) if count else b""
    values = np.frombuffer(data, dtype=np.dtype(">" + typecode)).astype(np.dtype(typecode))
    if count < size:
        values = np.concatenate([values, np.full(size - count, default, dtype=values.dtype)])
    return values


def _postings(reader, fieldname: str, term: bytes, fmt) -> tuple[np.ndarray, np.ndarray]:
    """(doc numbers, weights as Whoosh's matcher gives them) of one term, deleted documents
    included. Whole blocks at a time when the postings are in blocks."""
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    if (fieldname, term) not in reader._terms:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    matcher = reader._terms.matcher(fieldname, term, fmt)
    if type(matcher) is W3LeafMatcher:
        while True:
            matcher._read_data()
            block_ids, block_weights = matcher._data[0], matcher._data[1]
            count = matcher._blocklength
            ids.append(np.cumsum(np.asarray(block_ids, dtype=np.int64)))
            if block_weights is None:
                weights.append(np.ones(count))
            elif isinstance(block_weights, float):  # Whoosh widens it from a float32 array
                weights.append(np.full(count, float(np.float32(block_weights))))
            else:
                weights.append(np.asarray(block_weights, dtype=np.float64))
            if matcher._lastblock:
                break
            matcher._goto(matcher._nextoffset)
    else:  # postings inlined in the term dictionary
        found, weighed = [], []
        while matcher.is_active():
            found.append(matcher.id())
            weighed.append(matcher.weight())
            matcher.next()
        ids.append(np.asarray(found, dtype=np.int64))
        weights.append(np.asarray(weighed, dtype=np.float64))
    return np.concatenate(ids), np.concatenate(weights)


def _compact_weights(weights: np.ndarray) -> np.ndarray:
    """The smallest dtype holding every weight exactly (they are mostly small integers)."""
    if not len(weights):
        return weights.astype(np.uint8)
    if weights.min() >= 0 and weights.max() <= 255 and np.array_equal(weights, np.rint(weights)):
        return weights.astype(np.uint8)
    as32 = weights.astype(np.float32)
    return as32 if np.array_equal(as32.astype(np.float64), weights) else weights


def _text_arrays(reader, fieldname: str, arrays: dict) -> None:
    fmt = reader.schema[fieldname].format
    terms, docs, weights = [], [], []
    for term in reader.lexicon(fieldname):
        found, weighed = _postings(reader, fieldname, term, fmt)
        terms.append(term)
        docs.append(found)
        weights.append(weighed)
    lengths = np.fromiter((len(t) for t in terms), dtype=np.int64, count=len(terms))
    counts = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
    arrays[f"terms_{fieldname}"] = np.frombuffer(b"".join(terms), dtype=np.uint8)
    arrays[f"bounds_{fieldname}"] = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    arrays[f"starts_{fieldname}"] = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    arrays[f"docs_{fieldname}"] = (
        np.concatenate(docs).astype(np.int32) if docs else np.zeros(0, np.int32)
    )
    arrays[f"weights_{fieldname}"] = _compact_weights(
        np.concatenate(weights) if weights else np.zeros(0)
    )


def _string_codes(reader, fieldname: str) -> tuple[np.ndarray, list[str]]:
    """A column of short strings (kinds, départements) as indexes into their distinct values."""
    names: dict[bytes, int] = {}
    codes = np.fromiter(
        (
            names.setdefault(value, len(names)) if value else -1
            for value in reader.column_reader(fieldname, translate=False)
        ),
        dtype=np.int16,
        count=reader.doc_count_all(),
    )
    return codes, [name.decode("utf-8") for name in names]


def build_arrays(reader) -> tuple[dict[str, np.ndarray], dict]:
    """Read every array of one segment out of its Whoosh reader (a ``SegmentReader``)."""
    schema = reader.schema
    size = reader.doc_count_all()
    arrays: dict[str, np.ndarray] = {}

    ids = np.full(size, -1, dtype=np.int64)
    for docnum, value in enumerate(reader.column_reader("id", translate=False)):
        if value.isdigit():
            ids[docnum] = int(value)
    arrays["ids"] = ids

    def column(name: str) -> np.ndarray:
        return _raw_column(reader, name, schema[name].column_type, size)

    arrays["lat"] = column("lat").astype(np.int32)
    arrays["lon"] = column("lon").astype(np.int32)
    arrays["kind"], kinds = _string_codes(reader, "kind")
    arrays["departement"], departements = _string_codes(reader, "departement")
    arrays["flags"] = column("flags").astype(np.uint8)
    for name in NUMBERS:
        arrays[name] = column(name).astype(np.int32)
    arrays["hours"] = np.stack([column(name) for name in HOUR_FIELDS]).astype(np.uint64)
    arrays["updated"] = column("updated").astype(np.int64)

    text_fields = [name for name, field in schema.items() if field.scorable]
    for name in text_fields:
        lengths = _raw_column(reader, _lenfield(name), LENGTHS_COLUMN, size)
        arrays[f"len_{name}"] = lengths.astype(np.uint8)
        _text_arrays(reader, name, arrays)

    meta = {
        "version": FORMAT_VERSION,
        "segment": reader.segment().segment_id(),
        "size": size,
        "kinds": kinds,
        "departements": departements,
        "text_fields": text_fields,
    }
    return arrays, meta


# -- files ---------------------------------------------------------------------------------


def file_name(segment_id: str) -> str:
    return f"{segment_id}{SUFFIX}"


def write_file(path: Path, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write the arrays atomically: a temporary file (ignored by Whoosh's clean-up: its name
    starts with a dot), flushed to disk, then renamed over ``path``."""
    layout: dict[str, tuple[str, list[int], int]] = {}
    offset = 0
    for name, array in arrays.items():
        array = np.ascontiguousarray(array)
        arrays[name] = array
        layout[name] = (array.dtype.str, list(array.shape), offset)
        offset += -(-array.nbytes // _ALIGN) * _ALIGN
    header = json.dumps({"meta": meta, "arrays": layout}).encode("utf-8")
    start = -(-(len(_MAGIC) + 8 + len(header)) // _ALIGN) * _ALIGN
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "wb") as out:
            out.write(_MAGIC + len(header).to_bytes(8, "little") + header)
            out.write(b"\0" * (start - out.tell()))
            for name, array in arrays.items():
                out.seek(start + layout[name][2])
                out.write(array.tobytes())
            out.truncate(start + offset)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def read_file(path: Path) -> SegmentColumns | None:
    """The arrays of a column file, memory-mapped; None if it is missing, of another format
    version or damaged."""
    try:
        with open(path, "rb") as source:
            mapped = mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        if mapped[: len(_MAGIC)] != _MAGIC:
            raise ValueError("not a column file")
        size = int.from_bytes(mapped[len(_MAGIC) : len(_MAGIC) + 8], "little")
        head = json.loads(mapped[len(_MAGIC) + 8 : len(_MAGIC) + 8 + size])
        if head["meta"].get("version") != FORMAT_VERSION:
            raise ValueError("another version")
        start = -(-(len(_MAGIC) + 8 + size) // _ALIGN) * _ALIGN
        arrays = {}
        for name, (dtype, shape, offset) in head["arrays"].items():
            count = int(np.prod(shape)) if shape else 1
            arrays[name] = np.frombuffer(
                mapped, dtype=np.dtype(dtype), count=count, offset=start + offset
            ).reshape(shape)
        return SegmentColumns(arrays, head["meta"], holder=mapped)
    except (ValueError, KeyError, TypeError):
        return None


def write_missing(folder: Path, readers: Iterable) -> int:
    """Write the column file of every segment of ``folder`` that has none (after a commit);
    returns how many were written."""
    written = 0
    for reader in readers:
        path = folder / file_name(reader.segment().segment_id())
        if path.exists() or not reader.doc_count_all():
            continue
        arrays, meta = build_arrays(reader)
        write_file(path, arrays, meta)
        written += 1
    return written


def segment_readers(reader) -> list:
    """The segment readers of a Whoosh reader (a ``MultiReader`` or one segment's)."""
    readers = getattr(reader, "readers", None)
    return list(readers) if readers is not None else [reader]


# -- the process-wide cache -------------------------------------------------------------------


class ColumnCache:
    """The arrays of recently used segments, shared by the threads of a process: mapped from
    their file (written on the spot when missing), or built in memory for an index without a
    folder. Keyed by folder and segment id: a segment id is unique within its index folder."""

    SIZE = 64

    def __init__(self) -> None:
        self._items: OrderedDict[tuple, SegmentColumns] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple, threading.Lock] = {}

    def get(self, folder: Path | None, reader) -> SegmentColumns:
        segment_id = reader.segment().segment_id()
        key = (str(folder) if folder is not None else id(reader.storage()), segment_id)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
            building = self._building.setdefault(key, threading.Lock())
        with building:  # one thread builds a segment's arrays; the others wait for them
            with self._lock:
                found = self._items.get(key)
            if found is None:
                found = self._load(folder, reader, segment_id)
                with self._lock:
                    self._forget_deleted()
                    self._items[key] = found
                    while len(self._items) > self.SIZE:
                        self._items.popitem(last=False)
            with self._lock:
                self._building.pop(key, None)
        return found

    def _forget_deleted(self) -> None:
        """Unmap the arrays of segments whose file is gone (merged away, or their generation
        retired): their pages would stay in this process's memory until evicted."""
        for key in [k for k in self._items if isinstance(k[0], str)]:
            if not os.path.exists(os.path.join(key[0], file_name(key[1]))):
                del self._items[key]

    @staticmethod
    def _load(folder: Path | None, reader, segment_id: str) -> SegmentColumns:
        if folder is not None:
            path = folder / file_name(segment_id)
            mapped = read_file(path)
            if mapped is not None:
                return mapped
        arrays, meta = build_arrays(reader)
        if folder is not None:
            with contextlib.suppress(OSError):  # a read-only or retired folder: keep in memory
                write_file(path, arrays, meta)
                mapped = read_file(path)
                if mapped is not None:
                    return mapped
        return SegmentColumns(arrays, meta)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


COLUMNS = ColumnCache()
