"""Search latency on the demo data: p50/p95/p99 over a fixed mix of queries.

Usage: python bench/bench_search.py [--offers 3000] [--rounds 5]
Builds a fresh database and index in a temporary folder (deterministic demo data), then times
each query of the mix through the same code path as GET /recherche (form → place → index →
rows loaded from the database → page rendered), server side.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(
    0, str(Path(__file__).resolve().parent.parent)
)  # this checkout's app/, not an installed one

WEEK = "&".join(f"jours={d}" for d in ("lu", "ma", "me", "je", "ve"))
MIX = [
    ("place + radius", "/recherche?lieu=Toulon&rayon=10"),
    ("place + radius + kinds", "/recherche?lieu=Strasbourg&rayon=20&type=micro_creche&places=1"),
    ("place + hours needed", f"/recherche?lieu=Toulon&rayon=10&{WEEK}&de=5:30&a=19:00"),
    ("night hours", "/recherche?lieu=Lyon&rayon=30&jours=lu&jours=ma&de=22:00&a=5:00"),
    ("AVIP in a département", "/recherche?lieu=Marseille&rayon=30&avip=1"),
    ("text only, national", "/recherche?q=micro-crèche"),
    ("text + place", "/recherche?lieu=Lille&q=assistante+maternelle"),
    ("postcode", "/recherche?lieu=75015&rayon=2"),
    ("training", "/recherche?type=formation&q=educateur"),
    ("everything, page 3", "/recherche?page=3"),
    ("htmx fragment", "/recherche?lieu=Nantes&rayon=10&type=mam"),
]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from app import create_app, migrate
    from app.config import Settings
    from app.db import get_session
    from app.directory.demo import generate_demo
    from app.search import get_index

    folder = Path(tempfile.mkdtemp(prefix="passerelle-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    migrate.upgrade(url)
    app = create_app(
        Settings(DATABASE_URL=url, SEARCH_INDEX_DIR=str(folder / "index"), ENV="bench")
    )
    with app.app_context():
        started = time.perf_counter()
        generate_demo(get_session(), offers=args.offers, seed=2022)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        count = get_index().rebuild(get_session())
        built = time.perf_counter() - started
    size = sum(p.stat().st_size for p in (folder / "index").rglob("*") if p.is_file()) / 1e6
    print(
        f"offers: {args.offers} (+63 real courses); demo load {loaded:.1f} s; "
        f"index build {built:.1f} s for {count} documents, {size:.1f} MB"
    )

    client = app.test_client()
    for _, path in MIX:  # warm-up
        assert client.get(path).status_code == 200
    timings: dict[str, list[float]] = {name: [] for name, _ in MIX}
    for _ in range(args.rounds):
        for name, path in MIX:
            headers = {"HX-Request": "true"} if name == "htmx fragment" else {}
            t0 = time.perf_counter()
            response = client.get(path, headers=headers)
            timings[name].append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (path, response.status_code)
    everything = [t for ts in timings.values() for t in ts]
    print(f"{'query':28} {'p50 ms':>8} {'p95 ms':>8}")
    for name, values in timings.items():
        print(f"{name:28} {percentile(values, 0.5):8.1f} {percentile(values, 0.95):8.1f}")
    print(
        f"{'ALL (' + str(len(everything)) + ' requests)':28} {percentile(everything, 0.5):8.1f} "
        f"{percentile(everything, 0.95):8.1f}  p99 {percentile(everything, 0.99):.1f}  "
        f"mean {statistics.mean(everything):.1f}"
    )


if __name__ == "__main__":
    main()
