"""The search over HTTP under the production WSGI server: gunicorn with N workers (2 by default)
serving the database and index made by ``bench_national.py``, a load generator at a fixed
concurrency, then throughput, latencies, errors, and the memory (RSS) of each worker.

Usage: python bench/bench_http.py --folder DIR [--workers 2] [--concurrency 8] [--seconds 30]

DIR holds ``national.db`` and ``index/`` (``python bench/bench_national.py --folder DIR``).
Every request goes through the whole stack: form, place lookup, index, rows from the database,
rendered HTML. The load generator runs on the same 2-core machine, so it takes CPU from the
workers: the figures are a floor. Figures only, no asserts.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_search import percentile

ROOT = Path(__file__).resolve().parent.parent
WEEK = [("jours", d) for d in ("lu", "ma", "me", "je", "ve")]

#: The mix: (label, path). Place searches dominate, as on the site.
MIX = [
    ("place + radius", "/recherche?" + urlencode({"lieu": "Toulon (83 – Var)", "rayon": 10})),
    (
        "place + radius + kinds",
        "/recherche?"
        + urlencode(
            [
                ("lieu", "Strasbourg (67 – Bas-Rhin)"),
                ("rayon", 20),
                ("type", "creche_collective"),
                ("type", "micro_creche"),
            ]
        ),
    ),
    (
        "place + hours",
        "/recherche?"
        + urlencode(
            [("lieu", "Lyon (69 – Rhône)"), ("rayon", 10), *WEEK, ("de", "6:30"), ("a", "19:30")]
        ),
    ),
    (
        "place + radius, page 2",
        "/recherche?"
        + urlencode({"lieu": "Marseille (13 – Bouches-du-Rhône)", "rayon": 5, "page": 2}),
    ),
    ("AVIP in a département", "/recherche?" + urlencode({"lieu": "Bouches-du-Rhône", "avip": 1})),
    ("text, national", "/recherche?" + urlencode({"q": "micro-crèche"})),
    ("text, national, frequent words", "/recherche?" + urlencode({"q": "assistante maternelle"})),
    ("place autocomplete", "/lieux?" + urlencode({"lieu": "saint-"})),
    ("API search", "/api/v1/offres?" + urlencode({"commune": "83137", "rayon_km": 10})),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(folder: Path, workers: int, port: int, mmap: bool) -> subprocess.Popen:
    env = dict(
        os.environ,
        SEARCH_INDEX_MMAP="1" if mmap else "0",
        DATABASE_URL=f"sqlite:///{folder / 'national.db'}",
        SEARCH_INDEX_DIR=str(folder / "index"),
        SECRET_KEY="bench-" + "x" * 40,
        PASSERELLE_ENV="embedded",
        REQUEST_LOG="0",
        MAIL_OUTBOX_ONLY="1",  # gunicorn without a mail server: outbox-only, asked for
        PYTHONPATH=str(ROOT),
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def get(port: int, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Accept-Language": "fr"})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def wait_ready(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped")
        try:
            if get(port, "/sante")[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn not ready")


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process, in MB."""
    fields = dict(
        line.split(":", 1)
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if ":" in line
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def load(port: int, concurrency: int, seconds: float):
    stop = time.monotonic() + seconds
    latencies: dict[str, list[float]] = {label: [] for label, _ in MIX}
    statuses: Counter = Counter()
    lock = threading.Lock()

    def user(offset: int) -> None:
        n = offset
        while time.monotonic() < stop:
            label, path = MIX[n % len(MIX)]
            n += 1
            try:
                status, elapsed = get(port, path)
            except OSError as error:
                status, elapsed = type(error).__name__, 0.0
            with lock:
                statuses[status] += 1
                if status == 200:
                    latencies[label].append(elapsed * 1000)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument(
        "--mmap", action="store_true", help="SEARCH_INDEX_MMAP=1 (faster, more memory)"
    )
    args = parser.parse_args()
    if not (args.folder / "national.db").exists():
        raise SystemExit(
            f"{args.folder / 'national.db'} is missing: run bench/bench_national.py --folder "
            f"{args.folder}"
        )

    port = free_port()
    server = start_gunicorn(args.folder, args.workers, port, args.mmap)
    try:
        wait_ready(port, server)
        for _label, path in MIX:  # each worker opens its searcher and loads the communes
            for _ in range(args.workers * 2):
                get(port, path)
        latencies, statuses, elapsed = load(port, args.concurrency, args.seconds)
        memory = [rss_mb(pid) for pid in worker_pids(server.pid)]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    total = sum(statuses.values())
    errors = total - statuses.get(200, 0)
    print(
        f"gunicorn, {args.workers} workers{' (index mapped in memory)' if args.mmap else ''}, "
        f"{args.concurrency} concurrent users, {elapsed:.0f} s, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"throughput: {total / elapsed:.1f} requests/s; errors: {errors} "
        f"({dict(statuses) if errors else 'all 200'})"
    )
    every = sorted(x for values in latencies.values() for x in values)
    print(
        f"all requests: p50 {percentile(every, 0.5):.1f} ms, p95 {percentile(every, 0.95):.1f} ms, "
        f"p99 {percentile(every, 0.99):.1f} ms"
    )
    print(f"{'request':34} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8}  (ms)")
    for label, values in latencies.items():
        values.sort()
        if values:
            print(
                f"{label:34} {len(values):6d} {percentile(values, 0.5):8.1f} "
                f"{percentile(values, 0.95):8.1f} "
                f"{percentile(values, 0.99):8.1f}"
            )
    for n, (current, peak) in enumerate(memory, start=1):
        print(f"worker {n}: RSS {current:.0f} MB (peak {peak:.0f} MB)")


if __name__ == "__main__":
    main()
