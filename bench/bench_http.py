"""The search over HTTP under the production WSGI server: gunicorn with N workers (2 by default)
serving the database and index made by ``bench_national.py``, a load generator at a fixed
concurrency, then throughput, latencies, errors, and the memory (RSS) of each worker.

Usage: python bench/bench_http.py --folder DIR [--workers 2] [--concurrency 8] [--seconds 30]
                                  [--seed 2026] [--cold-only | --warm-only]

DIR holds ``national.db`` and ``index/`` (``python bench/bench_national.py --folder DIR``).
Every request goes through the whole stack: form, place lookup, index, rows from the database,
rendered HTML. Two phases, reported separately:

- COLD: every request is a search never asked before (a commune drawn by population, a radius
  of the form, random filters, text, pages, départements…), so no result window of a worker
  serves it: at national scale most searches are new (35,000 communes × radii × filters);
- WARM: the fixed mix below asked over and over (what a result window serves).

Each answer is checked: a search page must show a result count (a place that resolves to no
commune, « Précisez le lieu », counts as « not searched »). The load generator runs on the
same machine, so it takes CPU from the workers: the figures are a floor. Figures only.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's app/
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_national import PARENT_WORDS
from bench_search import percentile

ROOT = Path(__file__).resolve().parent.parent

WEEK = [("jours", d) for d in ("lu", "ma", "me", "je", "ve")]

#: The warm mix: (label, path), asked again and again. Place searches dominate, as on the site.
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
    # The place field takes communes only (« Bouches-du-Rhône » resolves to none): a search in
    # a département is the partner widget's ``departement`` parameter (here its preview).
    (
        "AVIP in a département",
        "/widget/recherche?" + urlencode({"apercu": 1, "departement": "13", "avip": 1}),
    ),
    ("text, national", "/recherche?" + urlencode({"q": "micro-crèche"})),
    ("text, national, frequent words", "/recherche?" + urlencode({"q": "assistante maternelle"})),
    ("place autocomplete", "/lieux?" + urlencode({"lieu": "saint-"})),
    ("API search", "/api/v1/offres?" + urlencode({"commune": "83137", "rayon_km": 10})),
]


def cold_requests(seed: int) -> Iterator[tuple[str, str]]:
    """Endless distinct (label, path): searches drawn like the site's, none asked twice."""
    from app.directory.criteria import DAY_CODES, LIMITS
    from app.directory.models import CHILDCARE_KINDS
    from app.geo import all_communes
    from app.geo.communes import all_departements

    rng = random.Random(seed)
    towns = [c for c in all_communes() if c.kind == "commune" and c.population > 0]
    weights = [c.population for c in towns]
    kinds = [k.value for k in CHILDCARE_KINDS]
    departements = [d.code for d in all_departements()]
    radii = LIMITS.radius_choices
    seen: set[str] = set()

    def town():
        return rng.choices(towns, weights)[0]

    def filters() -> list[tuple[str, object]]:
        extra: list[tuple[str, object]] = []
        if rng.random() < 0.3:
            extra += [("type", k) for k in rng.sample(kinds, rng.randint(1, 3))]
        if rng.random() < 0.2:
            days = rng.sample(DAY_CODES[:5], rng.randint(2, 5))
            start, end = rng.choice(range(330, 540, 30)), rng.choice(range(1050, 1230, 30))
            extra += [("jours", d) for d in days]
            extra += [
                ("de", f"{start // 60}:{start % 60:02d}"),
                ("a", f"{end // 60}:{end % 60:02d}"),
            ]
        if rng.random() < 0.1:
            extra.append(("age", rng.choice(LIMITS.age_choices)))
        if rng.random() < 0.1:
            extra.append(("places", 1))
        return extra

    def place() -> list[tuple[str, object]]:
        return [("lieu", town().label), ("rayon", rng.choice(radii))]

    kinds_of_request = [
        (45, "place + radius (+ filters)", lambda: "/recherche?" + urlencode(place() + filters())),
        (
            15,
            "text + place",
            lambda: "/recherche?" + urlencode([("q", rng.choice(PARENT_WORDS)), *place()]),
        ),
        (
            10,
            "place, pages 2-5",
            lambda: "/recherche?" + urlencode([*place(), ("page", rng.randint(2, 5))]),
        ),
        (
            4,
            "text, national (+ kinds)",
            lambda: (
                "/recherche?"
                + urlencode(
                    [("q", rng.choice(PARENT_WORDS))]
                    + [("type", k) for k in rng.sample(kinds, rng.randint(0, 2))]
                )
            ),
        ),
        (
            6,
            "AVIP in a département (widget)",
            lambda: (
                "/widget/recherche?"
                + urlencode(
                    [("apercu", 1), ("departement", rng.choice(departements)), ("avip", 1)]
                    + [("type", k) for k in rng.sample(kinds, rng.randint(0, 2))]
                )
            ),
        ),
        (
            15,
            "API search",
            lambda: (
                "/api/v1/offres?"
                + urlencode(
                    {"commune": town().code_insee, "rayon_km": rng.choice((1, 2, 3, 5, 10, 15, 20))}
                )
            ),
        ),
        (
            5,
            "place autocomplete",
            lambda: "/lieux?" + urlencode({"lieu": town().name[: rng.randint(3, 8)]}),
        ),
    ]
    shares = [share for share, _, _ in kinds_of_request]
    while True:
        _, label, make = rng.choices(kinds_of_request, shares)[0]
        for _attempt in range(20):
            path = make()
            if path not in seen or label == "place autocomplete":
                break
        else:
            continue
        seen.add(path)
        yield label, path


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


def get(port: int, path: str) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Accept-Language": "fr"})
        response = connection.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, body
    finally:
        connection.close()


def searched(path: str, body: bytes) -> bool:
    """Did a search page search? (Not when the place resolved to no commune.)"""
    if not path.startswith(("/recherche", "/widget/recherche")):
        return True
    return b'id="titre-resultats"' in body and "Précisez le lieu".encode() not in body


def count_text(body: bytes) -> str:
    """The result count a search page shows (« 21 résultats »), or what it shows instead."""
    text = body.decode("utf-8", "replace")
    start = text.find('id="titre-resultats">')
    if start < 0:
        return "no result heading"
    start += len('id="titre-resultats">')
    return text[start : text.find("</h2>", start)].replace("\u00a0", " ").strip()


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


class Phase:
    """What one phase measured."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = {}
        self.statuses: Counter = Counter()
        self.not_searched: Counter = Counter()
        self.elapsed = 0.0
        self.lock = threading.Lock()

    def record(self, label: str, path: str, status, elapsed: float, body: bytes) -> None:
        with self.lock:
            self.statuses[status] += 1
            if status == 200:
                self.latencies.setdefault(label, []).append(elapsed * 1000)
                if not searched(path, body):
                    self.not_searched[label] += 1


def load(port: int, concurrency: int, seconds: float, next_request) -> Phase:
    """``concurrency`` users asking ``next_request(user)`` in a loop for ``seconds``."""
    stop = time.monotonic() + seconds
    phase = Phase()

    def user(n: int) -> None:
        while time.monotonic() < stop:
            label, path = next_request(n)
            try:
                status, elapsed, body = get(port, path)
            except OSError as error:
                status, elapsed, body = type(error).__name__, 0.0, b""
            phase.record(label, path, status, elapsed, body)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.elapsed = time.monotonic() - started
    return phase


def report(title: str, phase: Phase) -> None:
    total = sum(phase.statuses.values())
    errors = total - phase.statuses.get(200, 0)
    unsearched = sum(phase.not_searched.values())
    print(f"\n{title}")
    print(
        f"throughput: {total / phase.elapsed:.1f} requests/s; errors: {errors} "
        f"({dict(phase.statuses) if errors else 'all 200'}); "
        f"searches that did not search: {unsearched}"
    )
    every = sorted(x for values in phase.latencies.values() for x in values)
    if every:
        print(
            f"all requests: p50 {percentile(every, 0.5):.1f} ms, "
            f"p95 {percentile(every, 0.95):.1f} ms, p99 {percentile(every, 0.99):.1f} ms"
        )
    print(f"{'request':34} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8}  (ms)")
    for label, values in phase.latencies.items():
        values.sort()
        missed = (
            f"  ({phase.not_searched[label]} did not search)" if phase.not_searched[label] else ""
        )
        print(
            f"{label:34} {len(values):6d} {percentile(values, 0.5):8.1f} "
            f"{percentile(values, 0.95):8.1f} {percentile(values, 0.99):8.1f}{missed}"
        )


def stop(server: subprocess.Popen) -> None:
    """Stop gunicorn: its master stops its workers; the whole group if it does not."""
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30, help="of each phase")
    parser.add_argument("--seed", type=int, default=2026, help="draws of the cold searches")
    parser.add_argument(
        "--mmap", action="store_true", help="SEARCH_INDEX_MMAP=1 (faster, more memory)"
    )
    phases = parser.add_mutually_exclusive_group()
    phases.add_argument("--cold-only", action="store_true")
    phases.add_argument("--warm-only", action="store_true")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # a line at a time, even into a file
    if not (args.folder / "national.db").exists():
        raise SystemExit(
            f"{args.folder / 'national.db'} is missing: run bench/bench_national.py --folder "
            f"{args.folder}"
        )

    # As a deployment does before starting its workers: the data set may predate a migration.
    from app import migrate

    migrate.upgrade(f"sqlite:///{args.folder / 'national.db'}")

    cold = cold_requests(args.seed)
    cold_lock = threading.Lock()

    def next_cold(_user: int) -> tuple[str, str]:
        with cold_lock:
            return next(cold)

    turns = [0] * args.concurrency

    def next_warm(user: int) -> tuple[str, str]:
        turns[user] += 1
        return MIX[(user + turns[user]) % len(MIX)]

    port = free_port()
    server = start_gunicorn(args.folder, args.workers, port, args.mmap)
    results: list[tuple[str, Phase]] = []
    try:
        wait_ready(port, server)
        for _label, path in MIX:  # each worker opens its searcher and loads the communes
            for _ in range(args.workers * 2):
                get(port, path)
        avip = dict(MIX)["AVIP in a département"]
        print(f"AVIP in a département, {avip}: « {count_text(get(port, avip)[2])} »")
        if not args.warm_only:
            results.append(
                (
                    "COLD: distinct searches, none served by a result window",
                    load(port, args.concurrency, args.seconds, next_cold),
                )
            )
        if not args.cold_only:
            for _label, path in MIX:  # the cold phase pushed them out of the result windows
                for _ in range(args.workers * 3):
                    get(port, path)
            results.append(
                (
                    "WARM: the fixed mix, asked again and again",
                    load(port, args.concurrency, args.seconds, next_warm),
                )
            )
        memory = [rss_mb(pid) for pid in worker_pids(server.pid)]
    finally:
        stop(server)

    print(
        f"gunicorn, {args.workers} workers{' (index mapped in memory)' if args.mmap else ''}, "
        f"{args.concurrency} concurrent users, {args.seconds:.0f} s per phase, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for title, phase in results:
        report(title, phase)
    print()
    for n, (current, peak) in enumerate(memory, start=1):
        print(f"worker {n}: RSS {current:.0f} MB (peak {peak:.0f} MB)")


if __name__ == "__main__":
    main()
