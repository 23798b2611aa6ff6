"""« Territoires » at national scale: the time of ``/territoires`` cold and warm, of a
département page, of the figure queries, and the cost of one unmet-need counter upsert.

Usage: python bench/bench_territories.py --folder /work/se300k [--work /tmp/territories-bench]
           [--upserts 500]

The source folder is read only: its database is copied once into --work (SQLite backup API)
and migrated there (the territories' tables, migration 0009). « Cold » is the first request of
a fresh process (the figures' cache empty; the OS may still hold the file's pages). Figures
only, no asserts.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's app/


def _copy(source: Path, target: Path) -> None:
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    src.backup(dst)
    dst.close()
    src.close()


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", required=True)
    parser.add_argument("--work", default="/tmp/territories-bench")
    parser.add_argument("--upserts", type=int, default=500)
    args = parser.parse_args()
    work = Path(args.work)
    db = work / "national.db"
    started = time.perf_counter()
    _copy(Path(args.folder) / "national.db", db)
    print(f"database copy: {_ms(started) / 1000:.1f} s ({db.stat().st_size / 1e6:.0f} MB)")

    from app import create_app, migrate
    from app.config import Settings
    from app.db import get_session
    from app.territories import queries
    from app.territories.needs import SearchNeed, record

    url = f"sqlite:///{db}"
    migrate.upgrade(url)
    os.environ.setdefault("MAIL_OUTBOX_ONLY", "1")
    app = create_app(Settings(DATABASE_URL=url, SEARCH_INDEX_DIR=str(work / "index"), ENV="bench"))
    client = app.test_client()
    with app.app_context():
        session = get_session()
        offers = session.execute(sqlite_count("offers")).scalar()
        slots = session.execute(sqlite_count("opening_slots")).scalar()
    print(f"offers: {offers:,}  opening slots: {slots:,}  load average: {os.getloadavg()[0]:.2f}")

    for label, path in (
        ("/territoires", "/territoires"),
        ("/territoires/75", "/territoires/75"),
        ("/territoires/13", "/territoires/13"),
        ("/territoires.csv", "/territoires.csv"),
    ):
        start = time.perf_counter()
        response = client.get(path)
        first = _ms(start)
        warm = []
        for _ in range(5):
            start = time.perf_counter()
            client.get(path)
            warm.append(_ms(start))
        print(
            f"{label:18} status {response.status_code}  {len(response.get_data()) / 1024:7.1f} KB"
            f"  first (cold) {first:7.0f} ms  then median {statistics.median(warm):6.0f} ms"
        )

    with app.app_context():
        session = get_session()
        today = date.today()
        start = time.perf_counter()
        table = queries.departement_table(session, today)
        print(f"departement_table (uncached): {_ms(start):.0f} ms, {len(table.rows)} rows")
        start = time.perf_counter()
        queries.commune_table(session, "75", today)
        print(f"commune_table 75 (uncached): {_ms(start):.0f} ms")
        times = []
        for code in ("75", "13", "2A", "976", "23"):
            start = time.perf_counter()
            queries.has_avip_offer(session, code, today)
            times.append(_ms(start))
        print(f"has_avip_offer (search page notice): median {statistics.median(times):.2f} ms")
        times = []
        for i in range(args.upserts):
            need = SearchNeed(
                "75056",
                "75",
                ("", "tot", "nuit")[i % 3],
                ("", "1-3")[i % 2],
                i % 5 == 0,
                i % 4 == 0,
            )
            start = time.perf_counter()
            record(session, need, today)
            session.commit()
            times.append(_ms(start))
        times.sort()
        print(
            f"unmet-need upsert + commit ({args.upserts}): "
            f"median {statistics.median(times):.2f} ms,"
            f" p95 {times[int(len(times) * 0.95)]:.2f} ms (after the response: call_on_close)"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


def sqlite_count(table: str):
    from sqlalchemy import text

    return text(f"SELECT count(*) FROM {table}")


if __name__ == "__main__":
    main()
