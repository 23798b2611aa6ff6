"""Reference search engines for the benchmarks, built from the app's own documents.

The benchmarks compare ``app.search.query.find_offers`` with engines a team could pick instead,
answering the same :class:`~app.search.query.OfferCriteria` with the same rules:

- **SQLite**: an R*Tree on the points (place + radius: the R*Tree's bounding box, then the
  haversine distance in SQL), FTS5 with bm25 on the analysed text, plain SQL for the filters;
- **PostgreSQL** (when reachable): a GIN index on a ``tsvector`` of the analysed text (no
  dictionary: the lexemes are the app's terms), a GiST index on the points (``earthdistance``'s
  ``ll_to_earth`` when the extension is available, else a ``point`` with a box query), then
  the haversine distance in SQL; plain SQL (B-tree indexes) for the filters.

Each reference returns what ``find_offers`` returns, the total and one page in the app's order,
computed by the engine (count and top N, not every hit fetched into Python). Distances near the
radius or near a tie are checked again with the app's own ``haversine_km`` so that the hits and
the distance order can be compared exactly.

Same documents, same words: the offers are read from the database as the index reads them
(published offers, ``app.search.documents.offer_document`` for the text when it exists), and the
text is stored as the app's analysed terms (``app.search.analysis.analyze``: French folding,
stop words, stemming), so that a word matches in the reference exactly where it matches in the
index. Both references store these terms with a tokenizer that keeps them whole (FTS5
``unicode61`` without diacritic removal, ``_`` kept; PostgreSQL ``array_to_tsvector``, no
parsing). The one documented difference is the relevance score: bm25 (FTS5, title weighted 3 as
in the index) and ``ts_rank`` (PostgreSQL, title weight A) do not order ties or close scores
like Whoosh's BM25F, so for relevance-ordered searches only the hits are compared, not the order.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from app.directory import hours
from app.geo.distance import EARTH_RADIUS_KM, bounding_box, haversine_km

#: Distances within this many km of the radius (or of each other) are recomputed in Python.
EPS_KM = 1e-6
#: How much wider than the app's box the reference's box is: the reference finds the circle's
#: hits even if the app's box were too tight.
BOX_MARGIN = 1.001
SORT_DISTANCE, SORT_RELEVANCE, SORT_UPDATED = "distance", "pertinence", "mise_a_jour"
NO_END = 99991231


# -- documents ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class RefDoc:
    """One offer as both references store it."""

    id: int
    title: str  # the analysed terms, space-separated
    body: str
    kind: str
    avip: bool
    places: bool
    handicap: bool
    departement: str
    lat: float  # rounded to 1e-5 degree, as the index stores it
    lon: float
    age_min: int | None
    age_max: int | None
    valid_until: int
    avip_from: int
    avip_until: int
    updated: int
    masks: tuple[int, ...]  # 7 half-hour coverage masks, Monday first


def date_number(value: date | None, default: int = NO_END) -> int:
    return default if value is None else value.year * 10000 + value.month * 100 + value.day


def micro_round(degrees: float) -> float:
    """Coordinates as the index keeps them (integers of 1e-5 degree)."""
    return round(degrees * 100_000) / 100_000


def _app_document(offer) -> dict:
    """The index's document of ``offer`` (its text fields and hour masks), when the engine
    has the builder; {} otherwise."""
    try:
        from app.search.documents import offer_document
    except ImportError:  # pragma: no cover - another engine layout
        return {}
    return offer_document(offer)


def _text_fields(offer, doc: dict) -> tuple[str, str]:
    """(title, body) as the index gets them."""
    if "title" in doc and "body" in doc:
        return doc["title"] or "", doc["body"] or ""
    if "text" in doc:  # pragma: no cover - one combined field
        return "", doc["text"] or ""
    return offer.title, offer.description  # pragma: no cover


def _masks(offer, doc: dict) -> tuple[int, ...]:
    if all(f"h{day}" in doc for day in range(7)):
        return tuple(int(doc[f"h{day}"]) for day in range(7))
    from app.directory.rules import offer_slots  # pragma: no cover

    return tuple(hours.coverage_masks(offer_slots(offer)))  # pragma: no cover


_TERMS_OF_TOKEN: dict[str, tuple[str, ...]] = {}


def terms(text: str) -> str:
    """The app's analysed terms of ``text``, space-separated. The app's analysis works token by
    token (tokenizer, then filters on each token), so each distinct token is analysed once
    (:func:`analyze` builds a new analyzer per call: its stemming cache would not help)."""
    from app.search import analysis

    pattern = getattr(analysis, "TOKEN_PATTERN", None)
    if pattern is None:  # pragma: no cover - another analysis
        return " ".join(analysis.analyze(text))
    out: list[str] = []
    for match in _compiled(pattern).finditer(text):
        token = match.group()
        found = _TERMS_OF_TOKEN.get(token)
        if found is None:
            found = _TERMS_OF_TOKEN[token] = tuple(analysis.analyze(token))
        out.extend(found)
    return " ".join(out)


@functools.lru_cache(maxsize=4)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.UNICODE)


def published_ids(session) -> list[int]:
    from sqlalchemy import select

    from app.directory.models import Offer, OfferStatus

    return list(
        session.execute(
            select(Offer.id).where(Offer.status == OfferStatus.PUBLISHED).order_by(Offer.id)
        ).scalars()
    )


def reference_documents(session, ids: list[int] | None = None, batch: int = 500):
    """The published offers (all, or those of ``ids``), as the index sees them."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from app.directory.models import Offer, OfferStatus, Training
    from app.directory.reach import public_point

    if ids is None:
        ids = published_ids(session)
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        query = (
            select(Offer)
            .options(
                selectinload(Offer.slots),
                selectinload(Offer.structure),
                selectinload(Offer.training).selectinload(Training.sessions),
            )
            .where(Offer.id.in_(chunk), Offer.status == OfferStatus.PUBLISHED)
            .order_by(Offer.id)
        )
        for offer in session.execute(query).scalars():
            doc = _app_document(offer)
            title, body = _text_fields(offer, doc)
            yield RefDoc(
                id=offer.id,
                title=terms(title),
                body=terms(body),
                kind=offer.kind.value,
                avip=bool(offer.avip),
                places=bool(offer.free_places),
                handicap=bool(offer.disability_access),
                departement=offer.departement_code or "",
                # The point the index holds (a private person's is coarse: app.directory.reach).
                lat=micro_round(public_point(offer)[0]),
                lon=micro_round(public_point(offer)[1]),
                age_min=offer.age_min_months,
                age_max=offer.age_max_months,
                valid_until=date_number(offer.valid_until),
                avip_from=date_number(offer.avip_since, default=0) if offer.avip else NO_END,
                avip_until=date_number(offer.avip_review_on) if offer.avip else 0,
                updated=int(offer.updated_at.timestamp()) if offer.updated_at else 0,
                masks=_masks(offer, doc),
            )
        session.expunge_all()


# -- criteria → text query ---------------------------------------------------------------------
def text_clauses(text: str) -> list[list[list[str]]]:
    """The words of a search as the app reads them: every clause must match; a clause is a list
    of alternatives, each a list of terms that must all match (title or body). A hyphenated word
    matches its parts or its merged form (« micro-crèche »: micro AND crèche, or microcrèche)."""
    from app.search.analysis import analyze

    clauses: list[list[list[str]]] = []
    for raw in text.split():
        raw = raw.strip('.,;:!?«»"()[]')
        if not raw:
            continue
        found = analyze(raw)
        if not found:
            continue  # a stop word
        if "-" in raw and len(found) > 1:
            clauses.append([found[:-1], [found[-1]]])
        else:
            clauses.extend([[t]] for t in found)
    return clauses


def fts5_query(clauses: list[list[list[str]]]) -> str:
    def alternative(group: list[str]) -> str:
        return "(" + " AND ".join(f'"{t}"' for t in group) + ")"

    return " AND ".join("(" + " OR ".join(alternative(a) for a in c) + ")" for c in clauses)


def tsquery(clauses: list[list[list[str]]]) -> str:
    def alternative(group: list[str]) -> str:
        return "(" + " & ".join("'" + t.replace("'", "''") + "'" for t in group) + ")"

    return " & ".join("(" + " | ".join(alternative(a) for a in c) + ")" for c in clauses)


# -- results ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class RefHits:
    total: int
    ids: list[int]
    distances: list[float | None]


def effective_sort(c) -> str:
    """The order the app gives these criteria (its rule: ``OfferCriteria.effective_sort``)."""
    return c.effective_sort


def _filters(c, today: int | None) -> list[tuple[str, list]]:
    """Plain SQL for the structured filters, as (condition, parameters) on the table ``d``."""
    where: list[tuple[str, list]] = []
    if c.kinds:
        where.append((f"d.kind IN ({', '.join(['%s'] * len(c.kinds))})", list(c.kinds)))
    if c.avip:
        where.append(("d.avip", []))
        if today is not None:
            where.append(("d.avip_from <= %s AND d.avip_until >= %s", [today, today]))
    if c.free_places:
        where.append(("d.places", []))
    if c.disability:
        where.append(("d.handicap", []))
    if c.child_age_months is not None:
        age = c.child_age_months
        where.append(("d.age_min <= %s AND d.age_max >= %s", [age, age + 1]))
    if c.departement:
        where.append(("d.departement = %s", [c.departement]))
    if today is not None:
        where.append(("d.valid_until >= %s", [today]))
    if c.days and c.start is not None and c.end is not None:
        for day, mask in enumerate(hours.needed_masks(c.days, c.start, c.end)):
            if mask:
                where.append((f"(d.h{day} & %s) = %s", [mask, mask]))
    return where


def haversine_sql(lat_col: str, lon_col: str, lat: float, lon: float, dialect: str) -> str:
    """The app's haversine formula in SQL (constants inlined: they are floats of this search)."""
    phi1 = math.radians(lat)
    lo, hi = ("max", "min") if dialect == "sqlite" else ("greatest", "least")
    a = (
        f"power(sin((radians({lat_col}) - ({phi1!r})) / 2), 2) + "
        f"({math.cos(phi1)!r}) * cos(radians({lat_col})) * "
        f"power(sin(radians({lon_col} - ({lon!r})) / 2), 2)"
    )
    return f"(2 * {EARTH_RADIUS_KM!r} * asin(sqrt({hi}(1.0, {lo}(0.0, {a})))))"


def reference_box(c) -> tuple[float, float, float, float]:
    """The app's box, widened (see :data:`BOX_MARGIN`)."""
    return bounding_box(c.latitude, c.longitude, c.radius_km * BOX_MARGIN + 1e-3)


def _finish(rows: list[tuple], c, offset: int, limit: int) -> RefHits:
    """Rows are (kind, id, lat, lon, dist, score, updated): kind 0 is the count (in id), 1 the
    page candidates in the engine's order, 2 the hits near the radius. Distances near the radius
    or near each other are recomputed with the app's haversine."""
    total = 0
    page: dict[int, tuple] = {}
    boundary: dict[int, tuple] = {}
    for row in rows:
        if row[0] == 0:
            total = int(row[1])
        elif row[0] == 1:
            page[row[1]] = row
        else:
            boundary[row[1]] = row
    has_point = c.latitude is not None and c.longitude is not None

    def exact(row) -> float:
        return haversine_km(c.latitude, c.longitude, row[2], row[3])

    dropped = set()
    if has_point and c.radius_km:
        for i, row in boundary.items():
            if exact(row) > c.radius_km:
                dropped.add(i)
        total -= len(dropped)
    rows_kept = [r for i, r in page.items() if i not in dropped]
    dist = {r[1]: (exact(r) if has_point else None) for r in rows_kept}
    order = effective_sort(c)
    if order == SORT_DISTANCE:
        rows_kept.sort(key=lambda r: (dist[r[1]], r[1]))
    elif order == SORT_UPDATED:
        rows_kept.sort(key=lambda r: (-r[6], r[1]))
    else:  # relevance: the engine's own score, then the app's tie-breaks
        rows_kept.sort(key=lambda r: (-r[5], dist[r[1]] or 0.0, r[1]))
    chosen = rows_kept[offset : offset + limit]
    return RefHits(total, [r[1] for r in chosen], [dist[r[1]] for r in chosen])


def compile_search(
    c,
    offset: int,
    limit: int,
    dialect: str,
    earth: bool = False,
    schema: str = "",
    per_candidate: bool = False,
) -> tuple:
    """(SQL, parameters) answering ``c`` on a reference: the count of hits, the first
    ``offset + limit`` (and a margin) in the app's order, and the hits near the radius (for the
    exact recheck). Rows: (kind, id, lat, lon, distance, score, updated); see :func:`_finish`."""
    sqlite = dialect == "sqlite"
    null = "NULL" if sqlite else "NULL::float8"
    today = date_number(c.today) if c.today is not None else None
    has_point = c.latitude is not None and c.longitude is not None
    place = has_point and bool(c.radius_km)
    order = effective_sort(c)
    clauses = text_clauses(c.text)
    sources = ["docs d"] if sqlite else [f"{schema}.docs d"]
    conds: list[tuple[str, list]] = []
    score_sql, score_params = ("0.0" if sqlite else "0.0::float8"), []
    if place:
        min_lat, max_lat, min_lon, max_lon = reference_box(c)
        if sqlite:  # the R*Tree's box first: the cheap superset of the circle
            sources = ["docs_points p", "docs d"]
            conds.append(
                (
                    "p.max_lat >= %s AND p.min_lat <= %s AND p.max_lon >= %s AND p.min_lon <= %s",
                    [min_lat, max_lat, min_lon, max_lon],
                )
            )
            conds.append(("d.id = p.id", []))
        elif earth:
            metres = c.radius_km * BOX_MARGIN * PG_EARTH_M / EARTH_RADIUS_KM + 1.0
            conds.append(
                (
                    "earth_box(ll_to_earth(%s, %s), %s) @> ll_to_earth(d.lat, d.lon)",
                    [c.latitude, c.longitude, metres],
                )
            )
        else:
            conds.append(
                ("d.pt <@ box(point(%s, %s), point(%s, %s))", [min_lon, min_lat, max_lon, max_lat])
            )
    if clauses:
        if sqlite:
            query = fts5_query(clauses)
            if order == SORT_RELEVANCE:  # FTS5 drives, bm25 scores (title weighted as in the app)
                sources.insert(0, "docs_text")
                conds.insert(0, ("docs_text MATCH %s", [query]))
                conds.append(("d.id = docs_text.rowid", []))
                score_sql = "-bm25(docs_text, 3.0, 1.0)"
            elif per_candidate:  # few candidates, frequent words: each candidate tested
                conds.append(
                    (
                        "EXISTS (SELECT 1 FROM docs_text WHERE docs_text MATCH %s "
                        "AND docs_text.rowid = d.id)",
                        [query],
                    )
                )
            else:  # no scoring when the order is by distance: the matches, then the place
                conds.append(
                    ("d.id IN (SELECT rowid FROM docs_text WHERE docs_text MATCH %s)", [query])
                )
        else:
            query = tsquery(clauses)
            conds.insert(0, ("d.tsv @@ %s::tsquery", [query]))
            if order == SORT_RELEVANCE:
                score_sql, score_params = "ts_rank(d.tsv, %s::tsquery)::float8", [query]
    conds += _filters(c, today)
    dialect_name = "sqlite" if sqlite else "postgres"
    dist = (
        haversine_sql("d.lat", "d.lon", c.latitude, c.longitude, dialect_name)
        if has_point
        else null
    )
    if place:
        conds.append((f"{dist} <= %s", [c.radius_km + EPS_KM]))
    hits = (
        f"SELECT d.id AS id, d.lat AS lat, d.lon AS lon, {dist} AS dist, {score_sql} AS score, "
        f"d.updated AS updated FROM {', '.join(sources)}"
    )
    if conds:
        hits += " WHERE " + " AND ".join(f"({sql})" for sql, _ in conds)
    params = score_params + [p for _, values in conds for p in values]
    if order == SORT_DISTANCE:
        order_by = "dist, id"
    elif order == SORT_UPDATED:
        order_by = "updated DESC, id"
    else:
        order_by = "score DESC, " + ("dist, " if has_point else "") + "id"
    keep = offset + limit + 10  # a margin for distances tied within EPS_KM
    if sqlite:
        count = "SELECT 0, count(*), NULL, NULL, NULL, NULL, NULL FROM hits"
    else:
        count = f"SELECT 0, count(*)::integer, {', '.join([null] * 4)}, NULL::bigint FROM hits"
    page = (
        f"SELECT 1, id, lat, lon, dist, score, updated FROM hits ORDER BY {order_by} LIMIT {keep}"
    )
    parts = [count, f"SELECT * FROM ({page})" if sqlite else f"({page})"]
    if place:
        parts.append(
            "SELECT 2, id, lat, lon, dist, score, updated FROM hits "
            f"WHERE dist > {c.radius_km - EPS_KM!r}"
        )
    sql = f"WITH hits AS MATERIALIZED ({hits}) " + " UNION ALL ".join(parts)
    return (sql.replace("%s", "?") if sqlite else sql), params


# -- SQLite ------------------------------------------------------------------------------------
SQLITE_SCHEMA = """
DROP TABLE IF EXISTS docs;
DROP TABLE IF EXISTS docs_points;
DROP TABLE IF EXISTS docs_text;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
DELETE FROM meta;
CREATE TABLE docs (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, avip INTEGER NOT NULL, places INTEGER NOT NULL,
    handicap INTEGER NOT NULL, departement TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    age_min INTEGER, age_max INTEGER, valid_until INTEGER NOT NULL, avip_from INTEGER NOT NULL,
    avip_until INTEGER NOT NULL, updated INTEGER NOT NULL,
    h0 INTEGER, h1 INTEGER, h2 INTEGER, h3 INTEGER, h4 INTEGER, h5 INTEGER, h6 INTEGER);
CREATE VIRTUAL TABLE docs_points USING rtree(id, min_lat, max_lat, min_lon, max_lon);
CREATE VIRTUAL TABLE docs_text USING fts5(
    title, body, tokenize = "unicode61 remove_diacritics 0 tokenchars '_'");
"""
SQLITE_INDEXES = """
CREATE INDEX docs_departement ON docs(departement, updated);
CREATE INDEX docs_kind ON docs(kind, updated);
CREATE INDEX docs_updated ON docs(updated);
"""
DOC_COLUMNS = (
    "id, kind, avip, places, handicap, departement, lat, lon, age_min, age_max, valid_until, "
    "avip_from, avip_until, updated, h0, h1, h2, h3, h4, h5, h6"
)


def _row(d: RefDoc) -> tuple:
    return (
        d.id,
        d.kind,
        d.avip,
        d.places,
        d.handicap,
        d.departement,
        d.lat,
        d.lon,
        d.age_min,
        d.age_max,
        d.valid_until,
        d.avip_from,
        d.avip_until,
        d.updated,
        *d.masks,
    )


def _batches(docs: Iterable[RefDoc], size: int = 2000) -> Iterator[list[RefDoc]]:
    batch: list[RefDoc] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class SQLiteReference:
    """The SQLite reference, in its own file (kept between runs with ``--reuse``)."""

    name = "SQLite"

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.db = self._connect()
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False)
        db.execute("PRAGMA cache_size = -200000")  # 200 MB: the whole data set stays hot
        # The number of documents of each term, for the plan of text + place searches.
        db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.docs_vocab "
            "USING fts5vocab(main, docs_text, 'row')"
        )
        return db

    def reopen(self) -> None:
        """A fresh connection, as a server would have: after a build, the writing connection
        searches several times slower."""
        self.db.close()
        self.db = self._connect()

    def build(self, docs: Iterable[RefDoc]) -> int:
        self.db.executescript(SQLITE_SCHEMA)
        count = self.insert(docs)
        self.db.executescript(SQLITE_INDEXES)
        self.optimize()
        return count

    def insert(self, docs: Iterable[RefDoc]) -> int:
        db, count = self.db, 0
        for batch in _batches(docs):
            db.executemany(f"INSERT INTO docs VALUES ({', '.join('?' * 21)})", map(_row, batch))
            db.executemany(
                "INSERT INTO docs_points VALUES (?, ?, ?, ?, ?)",
                ((d.id, d.lat, d.lat, d.lon, d.lon) for d in batch),
            )
            db.executemany(
                "INSERT INTO docs_text(rowid, title, body) VALUES (?, ?, ?)",
                ((d.id, d.title, d.body) for d in batch),
            )
            count += len(batch)
        db.commit()
        return count

    def remove(self, ids: Iterable[int]) -> None:
        rows = [(i,) for i in ids]
        for table, column in (("docs", "id"), ("docs_points", "id"), ("docs_text", "rowid")):
            self.db.executemany(f"DELETE FROM {table} WHERE {column} = ?", rows)
        self.db.commit()

    def optimize(self) -> None:
        self.db.execute("INSERT INTO docs_text(docs_text) VALUES ('optimize')")
        self.db.execute("ANALYZE")
        self.db.commit()

    def ids(self) -> set[int]:
        return {i for (i,) in self.db.execute("SELECT id FROM docs")}

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def documents(self) -> Iterator[RefDoc]:
        """The documents back (to build another reference from the same ones)."""
        rows = self.db.execute(
            f"SELECT {', '.join('d.' + c for c in DOC_COLUMNS.split(', '))}, t.title, t.body "
            "FROM docs d JOIN docs_text t ON t.rowid = d.id ORDER BY d.id"
        )
        for r in rows:
            yield RefDoc(
                id=r[0],
                kind=r[1],
                avip=bool(r[2]),
                places=bool(r[3]),
                handicap=bool(r[4]),
                departement=r[5],
                lat=r[6],
                lon=r[7],
                age_min=r[8],
                age_max=r[9],
                valid_until=r[10],
                avip_from=r[11],
                avip_until=r[12],
                updated=r[13],
                masks=tuple(r[14:21]),
                title=r[21],
                body=r[22],
            )

    def stamp(self) -> dict[str, str]:
        try:
            return dict(self.db.execute("SELECT key, value FROM meta"))
        except sqlite3.Error:
            return {}

    def set_stamp(self, stamp: dict[str, str]) -> None:
        self.db.execute("DELETE FROM meta")
        self.db.executemany("INSERT INTO meta VALUES (?, ?)", stamp.items())
        self.db.commit()

    def search(self, c, offset: int = 0, limit: int = 20) -> RefHits:
        sql, params = compile_search(
            c, offset, limit, "sqlite", per_candidate=self._per_candidate(c)
        )
        return _finish(self.db.execute(sql, params).fetchall(), c, offset, limit)

    def _per_candidate(self, c) -> bool:
        """The plan of a text + place search sorted by distance, chosen as a query planner
        would: FTS5's matches then the place (about 2 µs a match) unless the words are frequent
        and the place has fewer than 1/20 as many candidates (testing one costs about 15 to
        40 µs). The candidates are counted only up to that bound."""
        if not (c.radius_km and c.latitude is not None and c.longitude is not None):
            return False
        clauses = text_clauses(c.text)
        if not clauses or effective_sort(c) == SORT_RELEVANCE:
            return False
        matches = min(
            sum(min(self._documents_of(t) for t in alternative) for alternative in clause)
            for clause in clauses
        )
        if matches < 2000:
            return False
        bound = matches // 20
        candidates = self.db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM docs_points WHERE max_lat >= ? AND "
            "min_lat <= ? AND max_lon >= ? AND min_lon <= ? LIMIT ?)",
            [*reference_box(c), bound],
        ).fetchone()[0]
        return candidates < bound

    def _documents_of(self, term: str) -> int:
        row = self.db.execute("SELECT doc FROM docs_vocab WHERE term = ?", [term]).fetchone()
        return row[0] if row else 0

    def close(self) -> None:
        self.db.close()


# -- PostgreSQL ----------------------------------------------------------------------------------
#: The reference lives in its own schema, so that a DATABASE_URL naming the app's database is
#: not disturbed.
PG_SCHEMA = "bench_reference"


def schema_for(folder: Path) -> str:
    """The schema of the reference of the data set in ``folder``: data sets of other sizes keep
    theirs (``bench_reference_`` and a digest of the folder's path)."""
    digest = hashlib.sha1(str(Path(folder).resolve()).encode()).hexdigest()[:10]
    return f"{PG_SCHEMA}_{digest}"


#: earthdistance's Earth radius (metres): a box of r km in the app's metric is a box of
#: r × PG_EARTH_M / EARTH_RADIUS_KM metres in earthdistance's.
PG_EARTH_M = 6378168.0


def pg_url(url: str) -> str:
    """A libpq URL from a SQLAlchemy one (``postgresql+psycopg://`` → ``postgresql://``)."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme.split('+')[0]}{sep}{rest}"


def connect_postgres(url: str):
    """A connection to ``url`` (the database is created when missing); raises
    ``psycopg.OperationalError`` when the server cannot be reached."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    url = pg_url(url)
    try:
        return psycopg.connect(url, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise
        name = conninfo_to_dict(url).get("dbname")
        admin_url = make_conninfo(url, dbname="postgres")
        with psycopg.connect(admin_url, connect_timeout=3, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return psycopg.connect(url, connect_timeout=3, autocommit=True)


class PostgresReference:
    """The PostgreSQL reference, in its own schema of the database named (one per data set:
    see :func:`schema_for`)."""

    name = "PostgreSQL"

    def __init__(self, url: str, schema: str = PG_SCHEMA) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
            raise ValueError(f"not a schema name: {schema!r}")
        self.url = url
        self.schema = schema
        self.db = connect_postgres(url)
        self.earth = self._has_earthdistance()

    def _has_earthdistance(self) -> bool:
        row = self.db.execute(
            "SELECT count(*) FROM pg_extension WHERE extname = 'earthdistance'"
        ).fetchone()
        return bool(row and row[0])

    def build(self, docs: Iterable[RefDoc]) -> int:
        db = self.db
        try:
            db.execute("CREATE EXTENSION IF NOT EXISTS cube")
            db.execute("CREATE EXTENSION IF NOT EXISTS earthdistance")
        except Exception:
            pass  # not installed, or not allowed: a GiST index on a point instead
        self.earth = self._has_earthdistance()
        db.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
        db.execute(f"CREATE SCHEMA {self.schema}")
        db.execute(f"CREATE TABLE {self.schema}.meta (key text PRIMARY KEY, value text NOT NULL)")
        db.execute(
            f"""CREATE TABLE {self.schema}.docs (
            id integer PRIMARY KEY, kind text NOT NULL, avip boolean NOT NULL,
            places boolean NOT NULL, handicap boolean NOT NULL, departement text NOT NULL,
            lat float8 NOT NULL, lon float8 NOT NULL, age_min integer, age_max integer,
            valid_until integer NOT NULL, avip_from integer NOT NULL,
            avip_until integer NOT NULL, updated bigint NOT NULL,
            h0 bigint, h1 bigint, h2 bigint, h3 bigint, h4 bigint, h5 bigint, h6 bigint,
            title text NOT NULL, body text NOT NULL, tsv tsvector, pt point)"""
        )
        count = self.insert(docs, bulk=True)
        db.execute(f"CREATE INDEX ON {self.schema}.docs USING gin (tsv)")
        if self.earth:
            db.execute(f"CREATE INDEX ON {self.schema}.docs USING gist (ll_to_earth(lat, lon))")
        else:
            db.execute(f"CREATE INDEX ON {self.schema}.docs USING gist (pt)")
        db.execute(f"CREATE INDEX ON {self.schema}.docs (departement, updated)")
        db.execute(f"CREATE INDEX ON {self.schema}.docs (kind, updated)")
        db.execute(f"CREATE INDEX ON {self.schema}.docs (updated)")
        self.optimize()
        return count

    def insert(self, docs: Iterable[RefDoc], bulk: bool = False) -> int:
        """COPY the documents, then derive the text vector (the app's terms as lexemes, no
        parsing; the title weighted A) and the point."""
        count = 0
        copy_sql = f"COPY {self.schema}.docs ({DOC_COLUMNS}, title, body) FROM STDIN"
        with self.db.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for d in docs:
                copy.write_row((*_row(d), d.title, d.body))
                count += 1
        self.db.execute(
            f"""UPDATE {self.schema}.docs SET
            tsv = setweight(array_to_tsvector(string_to_array(title, ' ')), 'A')
                  || array_to_tsvector(string_to_array(body, ' ')),
            pt = point(lon, lat)"""
            + ("" if bulk else " WHERE tsv IS NULL")
        )
        return count

    def count(self) -> int:
        return self.db.execute(f"SELECT count(*) FROM {self.schema}.docs").fetchone()[0]

    def remove(self, ids: Iterable[int]) -> None:
        self.db.execute(f"DELETE FROM {self.schema}.docs WHERE id = ANY(%s)", [list(ids)])

    def optimize(self) -> None:
        self.db.execute(f"VACUUM ANALYZE {self.schema}.docs")

    def stamp(self) -> dict[str, str]:
        try:
            return dict(self.db.execute(f"SELECT key, value FROM {self.schema}.meta").fetchall())
        except Exception:
            return {}

    def set_stamp(self, stamp: dict[str, str]) -> None:
        with self.db.transaction():
            self.db.execute(f"DELETE FROM {self.schema}.meta")
            for key, value in stamp.items():
                self.db.execute(f"INSERT INTO {self.schema}.meta VALUES (%s, %s)", (key, value))

    def search(self, c, offset: int = 0, limit: int = 20) -> RefHits:
        sql, params = compile_search(c, offset, limit, "postgres", self.earth, self.schema)
        rows = self.db.execute(sql, params, prepare=False).fetchall()
        return _finish(rows, c, offset, limit)

    def drop(self) -> None:
        self.db.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")

    def close(self) -> None:
        self.db.close()


# -- keeping them up to date ---------------------------------------------------------------------
#: Bump when what the references store changes: a reference of another version is rebuilt.
REFERENCE_VERSION = "1"


def reference_version() -> str:
    """This code's version, with the app's document schema and a sample of its analysis: a
    reference built by other code is rebuilt, not reused."""
    try:
        from app.search.documents import SCHEMA_VERSION as schema
    except ImportError:  # pragma: no cover
        schema = "?"
    sample = terms("Micro-crèches : horaires élargis, l'assistante maternelle d'Évry 2ᵉ")
    return f"{REFERENCE_VERSION}/{schema}/{sample}"


@dataclass
class Refresh:
    """What bringing the references up to date did, for the report."""

    built: bool = False
    changed: int = 0
    seconds: float = 0.0
    documents: int = 0
    notes: list[str] = field(default_factory=list)


def refresh(session, references: list) -> Refresh:
    """Bring the references up to date with the database: built in full when new or made by
    other code, otherwise the offers changed since the last run (``updated_at``), published or
    withdrawn since, documented again. The first reference (SQLite) is built from the database;
    the others from its documents when they are behind it (the same documents in all)."""
    from sqlalchemy import func, select

    from app.directory.models import Offer

    started = time.perf_counter()
    out = Refresh()
    first, others = references[0], references[1:]
    version = reference_version()
    newest = session.scalar(select(func.max(Offer.updated_at)))
    db_ids = set(published_ids(session))
    old = first.stamp()
    if old.get("version") != version or "updated" not in old:
        out.built = True
        out.documents = first.build(reference_documents(session, sorted(db_ids)))
        removed: set[int] | None = None
        fresh: list[RefDoc] = []
    else:
        since = datetime.fromisoformat(old["updated"])
        changed = set(session.execute(select(Offer.id).where(Offer.updated_at >= since)).scalars())
        ref_ids = first.ids()
        removed = (ref_ids - db_ids) | (changed & ref_ids)
        todo = sorted((changed & db_ids) | (db_ids - ref_ids))
        fresh = list(reference_documents(session, todo))
        if removed or fresh:
            first.remove(removed)
            first.insert(fresh)
            first.optimize()
        out.changed = len(removed | set(todo))
        out.documents = len(db_ids)
    stamp = {
        "version": version,
        "updated": newest.isoformat() if newest else "1970-01-01T00:00:00",
        "documents": str(len(db_ids)),
    }
    for other in others:
        theirs = other.stamp()
        if theirs == stamp:
            continue
        if removed is not None and theirs == old:  # one step behind: the same changes
            if removed or fresh:
                other.remove(removed)
                other.insert(fresh)
                other.optimize()
        else:
            other.build(first.documents())
            out.notes.append(f"{other.name} rebuilt from the SQLite reference's documents")
        other.set_stamp(stamp)
    first.set_stamp(stamp)
    if out.built or out.changed:
        first.reopen()
    out.seconds = time.perf_counter() - started
    return out
