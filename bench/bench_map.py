"""The results map's data (``/recherche/carte.json``) and the map page (``/recherche?vue=carte``)
on the database and index made by ``bench_national.py``: Paris 3 km and a few other cities.

Usage: python bench/bench_map.py --folder DIR [--rounds 5]

DIR holds ``national.db`` and ``index/`` (the index is rebuilt there if it is of another
schema version: copy a read-only folder first). For each request: the number of points, the
response size (raw and gzipped), the first time in this process (cold: column files mapped, the
caches empty), the median when computed again (the map caches emptied before each round) and
the median when cached (the same request asked again, the index unchanged). Figures only.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's app/

QUERIES = {
    "json Paris 3 km": "/recherche/carte.json?lieu=Paris&rayon=3",
    "json Lyon 5 km": "/recherche/carte.json?lieu=Lyon&rayon=5",
    "json Marseille 10 km": "/recherche/carte.json?lieu=Marseille&rayon=10",
    "json Toulouse 10 km": "/recherche/carte.json?lieu=Toulouse&rayon=10",
    "json Toulon 10 km": "/recherche/carte.json?lieu=Toulon&rayon=10",
    "json Paris 3 km AVIP": "/recherche/carte.json?lieu=Paris&rayon=3&avip=1",
    "json Paris 10 km": "/recherche/carte.json?lieu=Paris&rayon=10",
    "page Paris 3 km": "/recherche?lieu=Paris&rayon=3&vue=carte",
    "page Toulon 10 km": "/recherche?lieu=Toulon&rayon=10&vue=carte",
}


def timed(client, path: str):
    start = time.perf_counter()
    response = client.get(path)
    return (time.perf_counter() - start) * 1000, response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folder = Path(args.folder)
    from app import create_app
    from app.config import Settings
    from app.search import query, services

    url = f"sqlite:///{folder / 'national.db'}"
    app = create_app(
        Settings(DATABASE_URL=url, SEARCH_INDEX_DIR=str(folder / "index"), ENV="bench")
    )
    client = app.test_client()
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores")
    for label, path in QUERIES.items():
        first, response = timed(client, path)
        computed = []
        for _ in range(args.rounds):
            services.MAP_CACHE.clear()
            query.RESULT_WINDOWS.clear()
            computed.append(timed(client, path)[0])
        cached = [timed(client, path)[0] for _ in range(args.rounds)]
        body = response.get_data()
        points = len(response.get_json()["points"]) if response.is_json else body.count(b"map-")
        print(
            f"{label:22} {response.status_code}  points/marks {points:6}  "
            f"{len(body) / 1024:7.1f} KB ({len(gzip.compress(body)) / 1024:5.1f} KB gz)  "
            f"first {first:6.0f} ms  computed {statistics.median(computed):6.0f} ms  "
            f"cached {statistics.median(cached):6.0f} ms"
        )


if __name__ == "__main__":
    main()
