"""What the course filters add to a search (issue 19): the index gives the matching courses, then
their rows are loaded and filtered (funding, VAE, open without a diploma, next session) in
Python — this script times that second part on a national database, read-only.

Usage: python bench/bench_course_filters.py --db /work/se300k/national.db [--runs 30]

Two cases: every course of France (a search with a course filter and no place: the worst case)
and the courses within 30 km of the first course's point (a usual search). Figures only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's app/

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.directory.models import Offer, OfferKind
from app.directory.queries import load_trainings
from app.directory.training import TrainingFilters, training_matches
from app.geo.distance import haversine_km

FILTERS = TrainingFilters(funding=("cpf", "opco"), without_diploma=True, session_months=6)


def timed(session: Session, ids: list[int], runs: int, today: date) -> tuple[list[float], int]:
    times, kept = [], 0
    for _ in range(runs):
        session.expunge_all()
        start = time.perf_counter()
        trainings = load_trainings(session, ids)
        kept = sum(1 for t in trainings.values() if training_matches(t, FILTERS, today))
        times.append((time.perf_counter() - start) * 1000)
    return times, kept


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    engine = create_engine(f"sqlite:///file:{args.db}?mode=ro&uri=true")
    today = date.today()
    with Session(engine) as session:
        rows = session.execute(
            select(Offer.id, Offer.latitude, Offer.longitude).where(
                Offer.kind == OfferKind.FORMATION
            )
        ).all()
        everywhere = [r.id for r in rows]
        lat, lon = rows[0].latitude, rows[0].longitude
        near = [r.id for r in rows if haversine_km(lat, lon, r.latitude, r.longitude) <= 30]
        for name, ids in (("France entière", everywhere), ("30 km", near)):
            times, kept = timed(session, ids, args.runs, today)
            times.sort()
            p95 = times[int(0.95 * (len(times) - 1))]
            print(
                f"{name}: {len(ids)} formations lues, {kept} gardées ; "
                f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms ({args.runs} mesures)"
            )
    with open("/proc/loadavg") as f:
        print("load average:", f.read().split()[0])


if __name__ == "__main__":
    main()
