"""Open data and read API on the demo data: export, import into an empty database, API latency.

Usage: python bench/bench_open_data.py [--offers 3000] [--rounds 5]
Builds a fresh database with the demo data, exports it in the data·inclusion schema (demo
offers included), imports the export into a second empty database, exports again and checks the
round trip, then times GET /api/v1/offres and /communes through the test client.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

MIX = [
    "/api/v1/offres?commune=83137&rayon_km=10",
    "/api/v1/offres?commune=69123&rayon_km=20&types=micro_creche,mam&places_disponibles=true",
    "/api/v1/offres?commune=13055&jours=lu,ma,me,je,ve&heure_debut=07:00&heure_fin=19:00",
    "/api/v1/offres?q=micro-crèche&par_page=100",
    "/api/v1/offres?types=formation",
    "/api/v1/communes?q=saint",
]


def instance(folder: Path, name: str):
    from app import create_app, migrate
    from app.config import Settings

    url = f"sqlite:///{folder / (name + '.db')}"
    migrate.upgrade(url)
    return create_app(
        Settings(
            DATABASE_URL=url,
            SEARCH_INDEX_DIR=str(folder / f"index-{name}"),
            ENV="bench",
            extra={"API_RATE_LIMIT": "100000 per minute"},
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from app.db import get_session
    from app.directory.demo import generate_demo
    from app.search import get_index

    folder = Path(tempfile.mkdtemp(prefix="passerelle-bench-"))
    source, target = instance(folder, "source"), instance(folder, "target")
    with source.app_context():
        generate_demo(get_session(), offers=args.offers, seed=2022)
        get_index().rebuild(get_session())
    runner = source.test_cli_runner()
    started = time.perf_counter()
    result = runner.invoke(
        args=["export", "data-inclusion", str(folder / "first"), "--inclure-demo"]
    )
    print(
        f"export: {time.perf_counter() - started:.2f} s — {result.output.strip().splitlines()[-1]}"
    )
    started = time.perf_counter()
    with target.app_context():
        result = target.test_cli_runner().invoke(
            args=["import", "data-inclusion", str(folder / "first")]
        )
    print(
        f"import into an empty database (with re-indexing): {time.perf_counter() - started:.2f} s"
    )
    print(
        "  "
        + " / ".join(
            line for line in result.output.splitlines() if line.startswith(("Créées", "Rejetées"))
        )
    )
    started = time.perf_counter()
    with target.app_context():
        result = target.test_cli_runner().invoke(
            args=["import", "data-inclusion", str(folder / "first")]
        )
    print(f"same import again (all unchanged): {time.perf_counter() - started:.2f} s")
    with target.app_context():
        target.test_cli_runner().invoke(
            args=["export", "data-inclusion", str(folder / "second"), "--inclure-demo"]
        )
    same = all(
        (folder / "first" / n).read_bytes() == (folder / "second" / n).read_bytes()
        for n in ("services.json", "structures.json", "services.csv", "structures.csv")
    )
    print(f"round trip gives the same files: {same}")

    client = source.test_client()
    for url in MIX:
        client.get(url)  # warm up
    timings = {url: [] for url in MIX}
    for _ in range(args.rounds):
        for url in MIX:
            started = time.perf_counter()
            assert client.get(url).status_code == 200, url
            timings[url].append((time.perf_counter() - started) * 1000)
    every = [t for values in timings.values() for t in values]
    print(f"API, all requests: p50 {statistics.median(every):.1f} ms, max {max(every):.1f} ms")
    for url, values in timings.items():
        print(f"  {statistics.median(values):6.1f} ms  {url}")


if __name__ == "__main__":
    main()
