"""National scale: index build and cold search latency at N offers, against strong references.

Usage: python bench/bench_national.py [--offers 300000] [--folder DIR] [--reuse] [--rounds 20]
           [--postgres URL | --no-postgres] [--family-seconds 40] [--seed 2026] [--procs 2]

Builds a SQLite database of N demo offers with France's real proportions of kinds (or reuses
the one in --folder with --reuse) and the app's search index, then prints:

- demo data load time, index build time (and docs/s) and size;
- two REFERENCES built in the same run from the same documents (bench/reference.py): SQLite
  with an R*Tree on the points and FTS5 (bm25) on the app's analysed text, and PostgreSQL
  (tsvector GIN + earthdistance GiST) when ``--postgres URL`` or a ``postgresql`` DATABASE_URL
  names a reachable server (a line says why it is skipped otherwise);
- for each family of the searches parents make (place, dense city pages, text + place, hours,
  page 5, national text, kinds, AVIP in a département…), COLD latencies: every timed search is
  a new one (another commune drawn by population, another radius, other filters), and the
  app's result windows are emptied before each, so no cached result serves it. Columns: the
  app's ``find_offers`` p50/p95, each reference's p50/p95 and the ratio app / reference at p50;
- an AGREEMENT check on every timed search: the same total and, when the order is by distance
  or by update, the same page (ids and distances); for the first search of each family, the
  whole set of hits. Mismatches are printed, and counted in a summary line;
- place autocomplete and estimator latencies, and the delay from a saved edit to search.

Figures only, no asserts (tests/search/test_bench_smoke.py runs the same code at tiny scale and
asserts the agreement).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's app/
sys.path.insert(0, str(Path(__file__).resolve().parent))

import reference as refs
from bench_search import percentile

#: Words parents type, alone or with a place.
PARENT_WORDS = (
    "crèche",
    "micro-crèche",
    "assistante maternelle",
    "halte-garderie",
    "horaires élargis",
    "crèche parentale",
    "crèche familiale",
    "MAM",
    "garde à domicile",
    "accueil occasionnel",
    "accueil d'urgence",
    "jardin d'enfants",
    "week-end",
    "bilingue",  # found nowhere in the demo data: the empty answer is timed too
)
PAGE = 20


# -- the mix ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Family:
    """A kind of search: ``make(rng)`` draws one instance, (criteria, offset)."""

    label: str
    make: Callable[[random.Random], tuple]
    #: A fixed search (national text): it cannot be drawn anew, it is asked again with the
    #: result windows emptied.
    fixed: bool = False


def communes():
    from app.geo import all_communes

    return [c for c in all_communes() if c.kind == "commune" and c.population > 0]


def city(name: str):
    return max((c for c in communes() if c.name == name), key=lambda c: c.population)


def jitter(lat: float, lon: float, km: float, rng: random.Random) -> tuple[float, float]:
    """A point drawn within ``km`` of (lat, lon): another page of the same dense city."""
    r, angle = km * math.sqrt(rng.random()), rng.random() * 2 * math.pi
    dlat = r * math.cos(angle) / 111.2
    dlon = r * math.sin(angle) / (111.2 * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def search_mix(today: date) -> list[Family]:
    from app.directory.models import CHILDCARE_KINDS
    from app.geo.communes import all_departements
    from app.search.query import OfferCriteria

    kinds = [k.value for k in CHILDCARE_KINDS]

    towns = communes()
    weights = [c.population for c in towns]
    big = [c for c in towns if c.population >= 50_000]
    departements = [d.code for d in all_departements()]
    by_departement: dict[str, int] = {}
    for c in towns:
        by_departement[c.departement_code] = (
            by_departement.get(c.departement_code, 0) + c.population
        )
    dep_weights = [by_departement.get(code, 1) for code in departements]

    def town(rng):
        return rng.choices(towns, weights)[0]

    def around(c, radius, **extra):
        return OfferCriteria(
            latitude=c.latitude, longitude=c.longitude, radius_km=radius, today=today, **extra
        )

    def near(name: str, radius: float, spread: float, **extra):
        centre = city(name)

        def make(rng):
            lat, lon = jitter(centre.latitude, centre.longitude, spread, rng)
            return OfferCriteria(
                latitude=lat, longitude=lon, radius_km=radius, today=today, **extra
            ), 0

        return make

    def some_kinds(rng, most=3):
        return tuple(sorted(rng.sample(kinds, rng.randint(1, most))))

    def workdays(rng):
        days = [0, 1, 2, 3, 4]
        return tuple(sorted(rng.sample(days, rng.randint(2, 5))))

    def hours_needed(rng):
        start = clock(*divmod(rng.choice(range(330, 540, 30)), 60))  # 5:30 to 8:30
        end = clock(*divmod(rng.choice(range(1050, 1230, 30)), 60))  # 17:30 to 20:00
        return {"days": workdays(rng), "start": start, "end": end}

    def text_near(rng):
        return around(town(rng), rng.choice((5, 10, 20)), text=rng.choice(PARENT_WORDS)), 0

    def national(text):
        return lambda rng: (OfferCriteria(text=text, today=today), 0)

    return [
        Family(
            "place, commune by population (3-20 km)",
            lambda rng: (around(town(rng), rng.choice((3, 5, 10, 20))), 0),
        ),
        Family("dense city: Paris 10 km", near("Paris", 10, 2.0)),
        Family("dense city: Lyon 10 km", near("Lyon", 10, 2.0)),
        Family("dense city: Marseille 10 km", near("Marseille", 10, 2.0)),
        Family("dense city: Paris 3 km", near("Paris", 3, 3.0)),
        Family(
            "place + kinds (10-20 km)",
            lambda rng: (around(town(rng), rng.choice((10, 20)), kinds=some_kinds(rng)), 0),
        ),
        Family(
            "place + hours (5-20 km)",
            lambda rng: (around(town(rng), rng.choice((5, 10, 20)), **hours_needed(rng)), 0),
        ),
        Family(
            "night hours, big city 30 km",
            lambda rng: (
                around(
                    rng.choice(big),
                    30,
                    days=tuple(sorted(rng.sample(range(7), 2))),
                    start=clock(rng.choice((21, 22, 23)), 0),
                    end=clock(rng.choice((5, 6, 7)), 0),
                ),
                0,
            ),
        ),
        Family(
            "place + age + free places (10 km)",
            lambda rng: (
                around(
                    town(rng), 10, child_age_months=rng.choice((3, 10, 18, 30)), free_places=True
                ),
                0,
            ),
        ),
        Family(
            "place, page 5 (10-20 km)",
            lambda rng: (around(town(rng), rng.choice((10, 20))), 4 * PAGE),
        ),
        Family("text + place (5-20 km)", text_near),
        Family(
            "text + place + hours (10 km)",
            lambda rng: (
                around(town(rng), 10, text=rng.choice(PARENT_WORDS), **hours_needed(rng)),
                0,
            ),
        ),
        Family("text + dense city: crèche Paris 10 km", near("Paris", 10, 2.0, text="crèche")),
        Family(
            "text + dense city: assistante maternelle Lyon 10 km",
            near("Lyon", 10, 2.0, text="assistante maternelle"),
        ),
        Family("national text: micro-crèche", national("micro-crèche"), fixed=True),
        Family("national text: horaires élargis", national("horaires élargis"), fixed=True),
        Family(
            "national text: assistante maternelle", national("assistante maternelle"), fixed=True
        ),
        Family(
            "kinds, national (by update)",
            lambda rng: (OfferCriteria(kinds=some_kinds(rng, 2), today=today), 0),
        ),
        Family(
            "kinds in a département",
            lambda rng: (
                OfferCriteria(
                    kinds=some_kinds(rng),
                    departement=rng.choices(departements, dep_weights)[0],
                    today=today,
                ),
                0,
            ),
        ),
        Family(
            "AVIP in a département",
            lambda rng: (
                OfferCriteria(
                    avip=True, departement=rng.choices(departements, dep_weights)[0], today=today
                ),
                0,
            ),
        ),
    ]


# -- measuring -------------------------------------------------------------------------------
@dataclass
class FamilyResult:
    family: Family
    searches: list[tuple] = field(default_factory=list)  # (criteria, offset) timed
    totals: list[int] = field(default_factory=list)
    app: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    ref: dict[str, list[float]] = field(default_factory=dict)
    checks: dict[str, int] = field(default_factory=dict)  # reference -> searches compared
    mismatches: list[tuple[str, str]] = field(default_factory=list)  # (reference, what)


def empty_result_windows() -> None:
    """Forget the app's cached result windows (when the engine has them): a cold search."""
    from app.search import query

    windows = getattr(query, "RESULT_WINDOWS", None)
    if windows is not None:
        windows.clear()


def describe(c, offset: int) -> str:
    parts = []
    if c.text:
        parts.append(f"« {c.text} »")
    if c.latitude is not None:
        parts.append(f"({c.latitude:.5f}, {c.longitude:.5f}) {c.radius_km:g} km")
    for name in ("kinds", "departement", "days", "start", "end", "child_age_months"):
        value = getattr(c, name)
        if value:
            parts.append(f"{name}={value}")
    for name in ("avip", "free_places", "disability"):
        if getattr(c, name):
            parts.append(name)
    if offset:
        parts.append(f"offset {offset}")
    if c.today is not None:
        parts.append(f"on {c.today.isoformat()}")
    return " ".join(parts) or "everything"


def compare(found, ref_hits, c) -> str | None:
    """What differs between the app's page and a reference's, or None: the total always; the
    ids and distances when the order is by distance or update (a relevance order depends on
    each engine's scoring)."""
    if found.total != ref_hits.total:
        return f"total {found.total} vs {ref_hits.total}"
    if refs.effective_sort(c) == refs.SORT_RELEVANCE:
        return None
    ids = [h.offer_id for h in found.hits]
    if ids != ref_hits.ids:
        pairs = zip(ids, ref_hits.ids, strict=False)
        rank = next((i for i, (a, b) in enumerate(pairs) if a != b), None)
        if rank is None:
            rank = min(len(ids), len(ref_hits.ids))
        theirs = ref_hits.ids[rank : rank + 3]
        return f"page differs from rank {rank + 1}: {ids[rank : rank + 3]} vs {theirs}"
    for h, d in zip(found.hits, ref_hits.distances, strict=True):
        if (h.distance_km is None) != (d is None) or (
            d is not None and abs(h.distance_km - d) > 1e-6
        ):
            return f"distance of {h.offer_id}: {h.distance_km} vs {d}"
    return None


def compare_all(index, reference, c) -> str | None:
    """The whole set of hits (not timed)."""
    from app.search.query import find_offers

    found = find_offers(index, c, offset=0, limit=1)
    if found.total == 0:
        theirs = reference.search(c, 0, 1)
        return None if theirs.total == 0 else f"total 0 vs {theirs.total}"
    ours = {h.offer_id for h in find_offers(index, c, offset=0, limit=found.total).hits}
    theirs_ids = set(reference.search(c, 0, found.total + 10).ids)
    if ours == theirs_ids:
        return None
    return (
        f"hit sets differ: {len(ours - theirs_ids)} only in the app "
        f"{sorted(ours - theirs_ids)[:3]}, {len(theirs_ids - ours)} only in the reference "
        f"{sorted(theirs_ids - ours)[:3]}"
    )


def run_family(
    index,
    references: list,
    family: Family,
    rng: random.Random,
    rounds: int,
    seen: set,
    seconds: float,
    check_all: bool = True,
) -> FamilyResult:
    """Time ``rounds`` new searches of ``family`` (fewer when ``seconds`` run out, at least 3)
    on the app and each reference, one search at a time on each so that a busy moment of the
    machine weighs on all; check that they agree."""
    from app.search.query import find_offers

    result = FamilyResult(family, ref={r.name: [] for r in references})
    result.checks = {r.name: 0 for r in references}
    started = time.perf_counter()
    for n in range(rounds):
        if n >= 3 and time.perf_counter() - started > seconds:
            break
        for _attempt in range(100):
            c, offset = family.make(rng)
            if family.fixed or (c, offset) not in seen:
                break
        seen.add((c, offset))
        result.searches.append((c, offset))
        empty_result_windows()
        t0 = time.perf_counter()
        found = find_offers(index, c, offset=offset, limit=PAGE)
        result.app.append((time.perf_counter() - t0) * 1000)
        result.totals.append(found.total)
        t0 = time.perf_counter()
        find_offers(
            index, c, offset=offset + PAGE, limit=PAGE
        )  # the next page: from the window, if any
        result.warm.append((time.perf_counter() - t0) * 1000)
        for reference in references:
            t0 = time.perf_counter()
            theirs = reference.search(c, offset, PAGE)
            result.ref[reference.name].append((time.perf_counter() - t0) * 1000)
            result.checks[reference.name] += 1
            problem = compare(found, theirs, c)
            if problem is None and n == 0 and check_all:
                problem = compare_all(index, reference, c)
            elif problem is not None and max(found.total, theirs.total) <= 5000:
                problem += f" ({compare_all(index, reference, c)})"  # which offers differ
            if problem is not None:
                result.mismatches.append((reference.name, f"{describe(c, offset)}: {problem}"))
    return result


def print_results(results: list[FamilyResult], names: list[str], rounds: int) -> int:
    """The table, the mismatches and the summary; returns the number of mismatches."""
    header = f"{'search (cold, new each round)':46} {'n':>3} {'hits':>6} {'app p50':>8} {'p95':>7}"
    for name in names:
        short = "SQLite" if name == "SQLite" else "PG"
        header += f" │ {short + ' p50':>9} {'p95':>6} {'×':>5}"
    header += f" │ {'warm':>5} {'agree':>5}"
    print(header)
    for r in results:
        if not r.app:
            continue
        line = (
            f"{r.family.label[:46]:46} {len(r.app):3d} {int(percentile(r.totals, 0.5)):6d} "
            f"{percentile(r.app, 0.5):8.1f} {percentile(r.app, 0.95):7.1f}"
        )
        for name in names:
            values = r.ref[name]
            ratio = percentile(r.app, 0.5) / max(percentile(values, 0.5), 1e-3)
            line += (
                f" │ {percentile(values, 0.5):9.1f} {percentile(values, 0.95):6.1f} {ratio:4.1f}×"
            )
        bad = len({what for _, what in r.mismatches})
        line += f" │ {percentile(r.warm, 0.5):5.1f} {'ok' if not bad else f'{bad} ✗':>5}"
        print(line)
    print(
        "times in ms; app: find_offers (criteria → sorted ids, no HTML), result windows emptied "
        "before each search; ×: app p50 / reference p50; warm: the next page of the same search; "
        "national text searches are fixed, asked again with the windows emptied"
    )
    mismatches = [(r.family.label, name, what) for r in results for name, what in r.mismatches]
    for label, name, what in mismatches[:30]:
        print(f"MISMATCH {name} · {label}: {what}")
    if len(mismatches) > 30:
        print(f"… and {len(mismatches) - 30} more")
    summary = []
    for name in names:
        checked = sum(r.checks.get(name, 0) for r in results)
        bad = sum(1 for r in results for n, _ in r.mismatches if n == name)
        summary.append(f"app vs {name}: {bad} mismatches in {checked} searches")
    print(
        "agreement (same total; same page when sorted by distance or update; same hit set for "
        "the first search of each family): " + "; ".join(summary)
    )
    return len(mismatches)


def open_references(folder: Path, postgres: str | None) -> list:
    """The SQLite reference in ``folder``, and PostgreSQL's when ``postgres`` is reachable."""
    found: list = [refs.SQLiteReference(folder / "reference.sqlite")]
    if not postgres:
        print("PostgreSQL reference skipped: no --postgres URL nor postgresql DATABASE_URL")
        return found
    try:
        found.append(refs.PostgresReference(postgres, refs.schema_for(folder)))
    except Exception as error:  # not reachable, refused, no such role…
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"PostgreSQL reference skipped: {refs.pg_url(postgres)} not reachable ({reason})")
    return found


def postgres_url(args) -> str | None:
    if args.no_postgres:
        return None
    if args.postgres:
        return args.postgres
    env = os.environ.get("DATABASE_URL", "")
    return env if env.startswith("postgres") else None


# -- the other figures -------------------------------------------------------------------------
def other_figures(session, index, rounds: int, today: date) -> None:
    from bench_estimator import cases
    from bench_places import build_queries
    from sqlalchemy import func, select

    from app.directory.models import Offer, OfferStatus
    from app.estimator import estimate
    from app.geo import lookup_places
    from app.search.query import OfferCriteria, find_offers

    queries = build_queries(2026)
    for q in queries:
        lookup_places(q)
    places = []
    for q in queries:
        t0 = time.perf_counter()
        lookup_places(q)
        places.append((time.perf_counter() - t0) * 1000)
    print(
        f"place autocomplete ({len(queries)} queries): p50 {percentile(places, 0.5):.2f} ms, "
        f"p95 {percentile(places, 0.95):.2f} ms, p99 {percentile(places, 0.99):.2f} ms"
    )
    mix = [inputs for _, inputs in cases()]
    est = []
    for _ in range(rounds * 25):
        for inputs in mix:
            t0 = time.perf_counter()
            estimate(inputs)
            est.append((time.perf_counter() - t0) * 1000)
    print(
        f"estimator estimate() ({len(est)} calls): p50 {percentile(est, 0.5):.2f} ms, "
        f"p95 {percentile(est, 0.95):.2f} ms, p99 {percentile(est, 0.99):.2f} ms"
    )
    # A saved edit: ORM change + commit (logs the change) + sync, then found by search.
    total = session.scalar(select(func.count(Offer.id)))
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
        found = find_offers(index, OfferCriteria(text=word, today=today)).hits
        delays.append((time.perf_counter() - t0) * 1000)
        if not (found and found[0].offer_id == offer.id):
            print(f"edit {n}: NOT found by search")
    print(f"saved edit -> found by search: {', '.join(f'{d:.0f}' for d in delays)} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=300_000)
    parser.add_argument(
        "--folder", help="where the database, index and references live (default: a temp folder)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the database, index and references in --folder"
    )
    parser.add_argument("--rounds", type=int, default=20, help="new searches per family")
    parser.add_argument(
        "--family-seconds",
        type=float,
        default=40,
        help="stop a family after this many seconds (at least 3 searches)",
    )
    parser.add_argument("--seed", type=int, default=2026, help="draws of the searches")
    parser.add_argument(
        "--postgres", help="PostgreSQL URL for the reference (default: DATABASE_URL)"
    )
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--mmap", action="store_true", help="map the index in memory (SEARCH_INDEX_MMAP)"
    )
    parser.add_argument("--procs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--only", help="run only the families whose label contains this")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # a line at a time, even into a file

    from sqlalchemy import func, select

    from app import create_app, migrate
    from app.cli import load_demo
    from app.config import Settings
    from app.db import get_session
    from app.directory.models import Offer
    from app.search import get_index

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
    today = date.today()
    print(f"folder: {folder}  (load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores)")
    with app.app_context():
        session = get_session()
        if not reuse:
            started = time.perf_counter()
            load_demo(args.offers, seed=2022, mix="national")
            print(f"demo data: {args.offers} offers in {time.perf_counter() - started:.1f} s")
        total = session.scalar(select(func.count(Offer.id)))
        if total < args.offers:
            sys.exit(
                f"{db_path} holds {total} offers, fewer than --offers {args.offers} (a build "
                f"interrupted?): delete {folder} to build it again"
            )
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
        index.sync(session, wait=30)  # the edits of a previous run
        size = sum(p.stat().st_size for p in (folder / "index").rglob("*") if p.is_file()) / 1e6
        print(f"index size: {size:.0f} MB; database {db_path.stat().st_size / 1e6:.0f} MB")

        references = open_references(folder, postgres_url(args))
        done = refs.refresh(session, references)
        what = (
            f"built from {done.documents} documents"
            if done.built
            else f"{done.documents} documents, {done.changed} refreshed since the last run"
        )
        print(
            f"references ({', '.join(r.name for r in references)}): {what} in "
            f"{done.seconds:.1f} s" + "".join(f"; {note}" for note in done.notes)
        )
        for reference in references[1:]:
            if reference.earth:
                print(f"{reference.name}: GiST on ll_to_earth (cube + earthdistance)")
            else:
                print(f"{reference.name}: GiST on point (earthdistance not available)")

        families = search_mix(today)
        if args.only:
            families = [f for f in families if args.only in f.label]
        rng = random.Random(args.seed)
        seen: set = set()
        for family in families:  # warm-up: segments opened, communes loaded (not timed)
            run_family(index, references, family, rng, 1, seen, 0, False)
        results = [
            run_family(index, references, f, rng, args.rounds, seen, args.family_seconds)
            for f in families
        ]
        print()
        print_results(results, [r.name for r in references], args.rounds)
        print()
        other_figures(session, index, args.rounds, today)
        for reference in references:
            reference.close()
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
