"""National scale: index build and server-side search latency at N offers, against a reference.

Usage: python bench/bench_national.py [--offers 300000] [--folder DIR] [--reuse] [--rounds 20]
                                      [--procs 2]
Builds a SQLite database of N demo offers with France's real proportions of kinds (or reuses
the one in --folder with --reuse), then prints:
- demo data load time, index build time (and docs/s) and size;
- p50/p95/p99 of a fixed mix of searches through app.search.query.find_offers (server side:
  criteria -> index -> ids, no HTML), of place autocomplete and of the estimator;
- the same searches on a REFERENCE built in the same run over the same offers: SQLite FTS5 on
  title/description/commune for text, a plain bounding-box SQL query (index on latitude,
  longitude) for place + radius, plain SQL for the other filters; and the ratios
  Whoosh / reference, so that figures taken on a noisy machine stay comparable;
- the time from a saved edit (ORM change + commit + index sync) to the offer being found.
Figures only, no asserts.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from datetime import date
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's app/

from bench_search import percentile

TODAY = date.today()
WEEKDAYS = (0, 1, 2, 3, 4)


def city(name: str):
    from app.geo import all_communes

    return max(
        (c for c in all_communes() if c.name == name and c.kind == "commune"),
        key=lambda c: c.population,
    )


def search_mix():
    """(label, criteria, reference SQL or None, its parameters, reference post-filter radius)."""
    from app.geo.distance import bounding_box
    from app.search.query import OfferCriteria

    def around(name, radius, **extra):
        c = city(name)
        return OfferCriteria(
            latitude=c.latitude, longitude=c.longitude, radius_km=radius, today=TODAY, **extra
        )

    def bbox_sql(criteria, kinds=()):
        min_lat, max_lat, min_lon, max_lon = bounding_box(
            criteria.latitude, criteria.longitude, criteria.radius_km
        )
        sql = (
            "SELECT id, latitude, longitude FROM offers WHERE status = 'published' "
            "AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?"
        )
        params = [min_lat, max_lat, min_lon, max_lon]
        if kinds:
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            params += list(kinds)
        return sql, params

    fts = (
        "SELECT o.id FROM offers_fts f JOIN offers o ON o.id = f.rowid "
        "WHERE offers_fts MATCH ? AND o.status = 'published' ORDER BY rank"
    )
    mix = []
    c = around("Strasbourg", 20, kinds=("micro_creche", "mam"))
    mix.append(
        ("place + radius + kinds (Strasbourg 20 km)", c, *bbox_sql(c, ("micro_creche", "mam")), c)
    )
    c = around("Toulon", 10)
    mix.append(("place + radius (Toulon 10 km)", c, *bbox_sql(c), c))
    c = around("Toulon", 10, days=WEEKDAYS, start=clock(5, 30), end=clock(19))
    mix.append(("place + hours needed (Toulon 10 km)*", c, *bbox_sql(c), c))
    c = around("Lyon", 30, days=(0, 1), start=clock(22), end=clock(5))
    mix.append(("night hours (Lyon 30 km)*", c, *bbox_sql(c), c))
    c = around("Paris", 3)
    mix.append(("place + radius (Paris 3 km)", c, *bbox_sql(c), c))
    mix.append(
        (
            "text only, national: micro-crèche",
            OfferCriteria(text="micro-crèche", today=TODAY),
            fts,
            ['"micro" "creche"'],
            None,
        )
    )
    mix.append(
        (
            "text only, national: horaires élargis",
            OfferCriteria(text="horaires élargis", today=TODAY),
            fts,
            ["horaires elargis"],
            None,
        )
    )
    mix.append(
        (
            "text only, national: assistante maternelle",
            OfferCriteria(text="assistante maternelle", today=TODAY),
            fts,
            ["assistante maternelle"],
            None,
        )
    )
    mix.append(
        (
            "AVIP only, département 13",
            OfferCriteria(avip=True, departement="13", today=TODAY),
            "SELECT id FROM offers WHERE status = 'published' AND avip = 1 "
            "AND departement_code = ? ORDER BY updated_at DESC",
            ["13"],
            None,
        )
    )
    return mix


def timed(fn, rounds: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def reference_run(db: sqlite3.Connection, sql: str, params, radius_criteria):
    from app.geo.distance import haversine_km

    rows = db.execute(sql, params).fetchall()
    if radius_criteria is None:
        return len(rows)
    c = radius_criteria
    near = sorted(
        (haversine_km(c.latitude, c.longitude, lat, lon), i)
        for i, lat, lon in rows
        if haversine_km(c.latitude, c.longitude, lat, lon) <= c.radius_km
    )
    return len(near)


def build_reference(path: Path) -> tuple[sqlite3.Connection, float]:
    db = sqlite3.connect(path)
    started = time.perf_counter()
    db.executescript("""
        DROP TABLE IF EXISTS offers_fts;
        CREATE VIRTUAL TABLE offers_fts USING fts5(
            title, description, commune_name, content='offers', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2');
        INSERT INTO offers_fts(rowid, title, description, commune_name)
            SELECT id, title, description, commune_name FROM offers;
        CREATE INDEX IF NOT EXISTS bench_offers_lat_lon ON offers(latitude, longitude);
    """)
    db.commit()
    return db, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=300_000)
    parser.add_argument(
        "--folder", help="where the database and index live (default: a temp folder)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the database and index in --folder"
    )
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--mmap", action="store_true", help="map the index in memory (SEARCH_INDEX_MMAP)"
    )
    parser.add_argument("--procs", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()

    from sqlalchemy import func, select

    from app import create_app, migrate
    from app.cli import load_demo
    from app.config import Settings
    from app.db import get_session
    from app.directory.models import Offer, OfferStatus
    from app.search import get_index
    from app.search.query import OfferCriteria, find_offers

    folder = Path(args.folder or tempfile.mkdtemp(prefix="passerelle-national-"))
    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "national.db"
    url = f"sqlite:///{db_path}"
    reuse = args.reuse and db_path.exists()
    if not reuse and db_path.exists():
        sys.exit(f"{db_path} exists: pass --reuse, or another --folder")
    migrate.upgrade(url)
    app = create_app(
        Settings(
            DATABASE_URL=url,
            SEARCH_INDEX_DIR=str(folder / "index"),
            ENV="bench",
            SEARCH_INDEX_MMAP=args.mmap,
        )
    )
    print(f"folder: {folder}  (load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores)")
    with app.app_context():
        session = get_session()
        if not reuse:
            started = time.perf_counter()
            load_demo(args.offers, seed=2022, mix="national")
            print(f"demo data: {args.offers} offers in {time.perf_counter() - started:.1f} s")
        total = session.scalar(select(func.count(Offer.id)))
        index = get_index()
        if not (reuse and index.exists() and index.is_healthy()):
            started, cpu = time.perf_counter(), time.process_time()
            count = index.rebuild(session, procs=args.procs)
            built = time.perf_counter() - started
            print(
                f"index build: {count} documents of {total} offers in {built:.1f} s "
                f"({count / built:.0f} docs/s, procs={args.procs}, "
                f"{time.process_time() - cpu:.1f} s CPU in the main process)"
            )
        size = sum(p.stat().st_size for p in (folder / "index").rglob("*") if p.is_file()) / 1e6
        print(f"index size: {size:.0f} MB; database {db_path.stat().st_size / 1e6:.0f} MB")

        ref, ref_built = build_reference(db_path)
        print(f"reference (FTS5 + bounding-box index) built in {ref_built:.1f} s")

        from app.search.query import RESULT_WINDOWS

        def cold(criteria):
            RESULT_WINDOWS.clear()  # every round computes the search, as the first asker does
            return find_offers(index, criteria)

        print(
            f"\n{'query (' + str(args.rounds) + ' rounds)':46} {'hits':>7} {'p50':>7} {'p95':>7} "
            f"{'p99':>7} {'warm p95':>8} {'ref hits':>8} {'ref p50':>7} {'ref p95':>7} "
            f"{'ratio p50':>9}"
        )
        for label, criteria, sql, params, radius in search_mix():
            hits = cold(criteria).total
            ours = timed(lambda criteria=criteria: cold(criteria), args.rounds)
            warm = timed(
                lambda criteria=criteria: find_offers(index, criteria, offset=20), args.rounds
            )  # page 2, same search
            ref_hits = reference_run(ref, sql, params, radius)
            theirs = timed(
                lambda sql=sql, params=params, radius=radius: reference_run(
                    ref, sql, params, radius
                ),
                args.rounds,
            )
            print(
                f"{label:46} {hits:7d} {percentile(ours, 0.5):7.1f} {percentile(ours, 0.95):7.1f} "
                f"{percentile(ours, 0.99):7.1f} {percentile(warm, 0.95):8.2f} {ref_hits:8d} "
                f"{percentile(theirs, 0.5):7.1f} {percentile(theirs, 0.95):7.1f} "
                f"{percentile(ours, 0.5) / max(percentile(theirs, 0.5), 1e-3):8.1f}x"
            )
        print(
            "p50/p95/p99: every round computes the search (result windows emptied); warm p95: the "
            "next page of the same search, from this process's result window"
        )
        print("* the reference does not filter hours (bounding box only): more hits")
        from bench_places import build_queries

        from app.geo import lookup_places

        queries = build_queries(2026)
        for q in queries:
            lookup_places(q)
        places = []
        for q in queries:
            t0 = time.perf_counter()
            lookup_places(q)
            places.append((time.perf_counter() - t0) * 1000)
        print(
            f"{'place autocomplete (' + str(len(queries)) + ' queries)':46} {'':7} "
            f"{percentile(places, 0.5):7.2f} {percentile(places, 0.95):7.2f} "
            f"{percentile(places, 0.99):7.2f}"
        )

        from bench_estimator import cases

        from app.estimator import estimate

        mix = [inputs for _, inputs in cases()]
        est = []
        for _ in range(args.rounds * 25):
            for inputs in mix:
                t0 = time.perf_counter()
                estimate(inputs)
                est.append((time.perf_counter() - t0) * 1000)
        print(
            f"{'estimator estimate() (' + str(len(est)) + ' calls)':46} {'':7} "
            f"{percentile(est, 0.5):7.2f} {percentile(est, 0.95):7.2f} {percentile(est, 0.99):7.2f}"
        )

        # A saved edit: ORM change + commit (logs the change) + sync, then found by search.
        delays = []
        for n in range(5):
            word = f"zorglub{n}x{int(time.time())}"
            offer = session.scalar(
                select(Offer)
                .where(Offer.status == OfferStatus.PUBLISHED, Offer.valid_until.is_(None))
                .order_by(Offer.id)
                .offset(n * total // 7)
                .limit(1)
            )
            t0 = time.perf_counter()
            offer.description = f"{offer.description} {word}"
            session.commit()
            index.sync(session, wait=30)
            found = find_offers(index, OfferCriteria(text=word, today=TODAY)).hits
            delays.append((time.perf_counter() - t0) * 1000)
            if not (found and found[0].offer_id == offer.id):
                print(f"edit {n}: NOT found by search")
        print(f"saved edit -> found by search: {', '.join(f'{d:.0f}' for d in delays)} ms")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
