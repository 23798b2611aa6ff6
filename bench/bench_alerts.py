"""Benchmark of the alerts' daily matching (issue 22).

    python bench/bench_alerts.py [--source /work/se300k/national.db] [--alerts 10000]
                                 [--changes 3000] [--seed 2026]

Copies the benchmark database (read-only source) to a temporary folder, brings it to the
current schema, saves ``--alerts`` confirmed searches around the communes of the offers
(radius, kinds, age, hours and AVIP drawn as people set them), records the offers' state (the
first daily run), then makes a day of changes: ``--changes`` published offers without places
announce some, through the ORM (so the change log is written as in production). Then times
the daily run's steps — reading the change log and matching the changed offers against the
saved searches (numpy), and the digests — and prints the figures with the peak memory.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, update

from app import create_app, migrate
from app.alerts import rules, services
from app.alerts.matching import alert_criteria
from app.alerts.models import AlertMatch, SavedSearch
from app.config import Settings
from app.core.mail import mail_context
from app.db import get_session, utcnow
from app.directory.criteria import KINDS, LIMITS, SearchCriteria
from app.directory.models import Offer, OfferStatus
from app.geo import get_commune
from app.geo.timezones import today_in_france
from app.search.changes import SearchChange
from app.search.documents import offer_document
from app.search.index import offers_with_relations


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy (the source may be open elsewhere): SQLite's backup, read-only."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def random_criteria(rng: random.Random) -> SearchCriteria:
    kinds: tuple[str, ...] = ()
    if rng.random() < 0.4:
        kinds = tuple(rng.sample(KINDS[:-1], rng.randint(1, 3)))
    days: tuple[int, ...] = ()
    start = end = None
    if rng.random() < 0.3:
        days = tuple(sorted(rng.sample(range(5), rng.randint(1, 5))))
        start, end = clock(rng.choice((7, 8, 9)), 0), clock(rng.choice((16, 17, 18)), 30)
    return SearchCriteria(
        radius_km=rng.choice(LIMITS.radius_choices),
        kinds=kinds,
        avip=rng.random() < 0.1,
        child_age_months=rng.choice((None, None, 0, 12, 24, 36)),
        days=days,
        start=start,
        end=end,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="/work/se300k/national.db")
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="cProfile the matching")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="bench-alerts-"))
    db = folder / "alerts.db"
    started = time.perf_counter()
    copy_database(Path(args.source), db)
    url = f"sqlite:///{db}"
    migrate.upgrade(url)
    print(f"database copied and upgraded in {time.perf_counter() - started:.1f} s ({db})")
    app = create_app(
        Settings(
            DATABASE_URL=url,
            SEARCH_INDEX_DIR=str(folder / "index"),
            SECRET_KEY="bench",
            MAIL_OUTBOX=str(folder / "mail"),
        )
    )
    with app.app_context():
        session = get_session()
        offers = session.scalar(select(func.count()).select_from(Offer)) or 0
        codes = session.scalars(
            select(Offer.code_insee).where(Offer.status == OfferStatus.PUBLISHED).limit(50_000)
        ).all()
        now = utcnow()
        rows = []
        for i in range(args.alerts):
            commune = get_commune(rng.choice(codes))
            if commune is None:
                continue
            criteria = random_criteria(rng)
            columns = alert_criteria(criteria, (commune.latitude, commune.longitude))
            rows.append(
                {
                    "email": f"parent{i % (args.alerts // 3 or 1)}@exemple.fr",
                    "link_key": f"{i:032d}",
                    "label": rules.label(criteria, commune.name),
                    "query": rules.page_query(criteria, commune.code_insee, commune.name),
                    "place_label": commune.name,
                    "latitude": columns.latitude,
                    "longitude": columns.longitude,
                    "radius_km": columns.radius_km,
                    "kinds_mask": columns.kinds_mask,
                    "flag_bits": columns.flag_bits,
                    "avip": columns.avip,
                    "age_months": columns.age_months,
                    **{f"h{d}": m for d, m in enumerate(columns.hour_masks)},
                    "created_at": now,
                    "confirmed_at": now,
                    "expires_at": rules.expires(now),
                }
            )
        session.execute(insert(SavedSearch), rows)
        session.commit()
        recipients = len({r["email"] for r in rows})
        print(f"{offers} offers, {len(rows)} saved searches for {recipients} recipients")

        report = services.DailyReport()
        t = time.perf_counter()
        services.match_changes(session, now, today_in_france(), report)
        session.commit()
        print(f"first run (state of every offer recorded): {time.perf_counter() - t:.2f} s")

        # A day of changes: offers without places announce some, through the ORM.
        candidates = session.scalars(
            select(Offer.id)
            .where(
                Offer.status == OfferStatus.PUBLISHED,
                func.coalesce(Offer.free_places, 0) == 0,
            )
            .order_by(Offer.id)
        ).all()
        chosen = rng.sample(list(candidates), min(args.changes, len(candidates)))
        t = time.perf_counter()
        for start in range(0, len(chosen), 500):
            for offer in session.scalars(
                select(Offer).where(Offer.id.in_(chosen[start : start + 500]))
            ):
                offer.free_places = rng.randint(1, 3)
            session.commit()
        session.execute(update(SearchChange).values(created_at=now - timedelta(hours=1)))
        session.commit()
        print(f"{len(chosen)} offers given free places in {time.perf_counter() - t:.1f} s")

        before = rss_mb()
        report = services.DailyReport()
        t = time.perf_counter()
        columns = services.active_columns(session, now)
        load = time.perf_counter() - t
        profiler = cProfile.Profile() if args.profile else None
        t, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        services.match_changes(session, now, today_in_france(), report)
        session.commit()
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        matching, matching_cpu = time.perf_counter() - t, time.process_time() - cpu
        pending = session.scalar(select(func.count()).select_from(AlertMatch)) or 0
        t, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler = cProfile.Profile()
            profiler.enable()
        with mail_context():
            services.send_digests(session, now, report)
        session.commit()
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        digests, digests_cpu = time.perf_counter() - t, time.process_time() - cpu
        size = sum(a.nbytes for a in vars(columns).values() if hasattr(a, "nbytes"))
        print(
            f"saved searches as columns: {len(columns)} in {load * 1000:.0f} ms "
            f"({size / 1e6:.1f} MB)"
        )
        print(
            f"matching: {report.changes} changes, {report.offers} offers, {pending} matches "
            f"in {matching:.2f} s wall, {matching_cpu:.2f} s CPU "
            f"({matching_cpu / max(report.offers, 1) * 1000:.2f} ms CPU per offer; reading the "
            "log, loading the offers and the columns included)"
        )
        print(
            f"digests: {report.digests} emails rendered and queued in {digests:.2f} s wall, "
            f"{digests_cpu:.2f} s CPU"
        )
        # The vectorized test alone, on the same offers' documents (already built).
        documents = [
            offer_document(o)
            for o in session.scalars(offers_with_relations(session, sorted(chosen)))
        ]
        today = today_in_france()
        t = time.process_time()
        hits = sum(len(columns.matching(d, today)) for d in documents)
        alone = time.process_time() - t
        print(
            f"the numpy test alone: {len(documents)} offers × {len(columns)} saved searches, "
            f"{hits} matches, {alone * 1000:.0f} ms CPU ({alone / len(documents) * 1e6:.0f} µs "
            "per offer)"
        )
        print(f"peak RSS: {rss_mb():.0f} MB (before matching {before:.0f} MB)")
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
