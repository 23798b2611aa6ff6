"""The results map's data (``/recherche/carte.json``) and the map page (``/recherche?vue=carte``)
for Paris 3 km, on the database and index made by ``bench_national.py``.

Usage: python bench/bench_map.py --folder DIR [--rounds 5]

DIR holds ``national.db`` and ``index/``. Prints the number of points, the response size
(raw and gzipped) and the time of each request (the first one cold, then warm). Figures only.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's app/

QUERIES = {
    "json Paris 3 km": "/recherche/carte.json?lieu=Paris&rayon=3",
    "page Paris 3 km": "/recherche?lieu=Paris&rayon=3&vue=carte",
    "json Toulon 10 km": "/recherche/carte.json?lieu=Toulon&rayon=10",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folder = Path(args.folder)
    from app import create_app
    from app.config import Settings

    url = f"sqlite:///{folder / 'national.db'}"
    app = create_app(
        Settings(DATABASE_URL=url, SEARCH_INDEX_DIR=str(folder / "index"), ENV="bench")
    )
    client = app.test_client()
    for label, path in QUERIES.items():
        times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        body = response.get_data()
        points = len(response.get_json()["points"]) if response.is_json else body.count(b"map-")
        print(
            f"{label:20} status {response.status_code}  points/marks {points:6}  "
            f"{len(body) / 1024:8.1f} KB ({len(gzip.compress(body)) / 1024:6.1f} KB gzipped)  "
            f"first {times[0]:7.0f} ms  then median {statistics.median(times[1:] or times):7.0f} ms"
        )


if __name__ == "__main__":
    main()
