"""Benchmark of the commune lookup (app.geo.lookup_places).

    python bench/bench_places.py [--rounds 5] [--seed 2026]

Times the first load (reference CSVs + search index), then ``lookup_places`` over a fixed mix
of about 200 queries (full names, 2–6 letter prefixes, postcodes full and partial, former
commune names, arrondissements, INSEE codes, misses), after a warm-up round, and prints
p50 / p95 / p99 / max in milliseconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.geo import all_communes, load_reference, lookup_places
from app.geo.lookup import _index

FIXED = [
    # the traps of the test-suite and common spellings
    "evry",
    "st etienne",
    "Saint-Étienne",
    "sainte colombe",
    "Sainte-Colombe 89",
    "paris 15",
    "Paris 15e",
    "Marseille 8e",
    "lyon 3eme",
    "Lyon 3ème",
    "83000",
    "830",
    "75015",
    "75116",
    "13008",
    "2A004",
    "2B033",
    "Saint-Bois",
    "Courcouronnes",
    "Cherbourg",
    "aix",
    "toulon 83",
    "Toulon (83 – Var)",
    "Saint-Bois → Arboys en Bugey (01 – Ain)",
    "st",
    "ste",
    "sa",
    "la",
    "le",
    "vi",
    "ma",
    "be",
    "xyzzy",
    "Marseile",
    "'; DROP TABLE communes;--",
    "œuilly",
]


def build_queries(seed: int) -> list[str]:
    rng = random.Random(seed)
    communes = sorted(all_communes(), key=lambda c: c.code_insee)
    big = [c for c in communes if c.population >= 5000]
    queries = list(FIXED)
    # full names, half of them among towns people are more likely to type
    queries += [rng.choice(big).name for _ in range(30)]
    queries += [rng.choice(communes).name.lower() for _ in range(30)]
    # prefixes of 2 to 6 letters
    for _ in range(50):
        name = rng.choice(communes if rng.random() < 0.5 else big).name
        queries.append(name[: rng.randint(2, 6)])
    # postcodes: full, and partial (2 to 4 digits)
    with_postcodes = [c for c in communes if c.postcodes]
    for _ in range(30):
        postcode = rng.choice(rng.choice(with_postcodes).postcodes)
        queries.append(postcode if rng.random() < 0.6 else postcode[: rng.randint(2, 4)])
    # former commune names (communes déléguées / associées), full and partial
    aliases = load_reference().aliases
    for _ in range(20):
        name = rng.choice(aliases).name
        queries.append(name if rng.random() < 0.7 else name[: rng.randint(3, 8)])
    return queries


def percentile(sorted_values: list[float], q: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    load_reference.cache_clear()  # in case something imported earlier already loaded it
    _index.cache_clear()
    start = time.perf_counter()
    load_reference()
    loaded = time.perf_counter()
    _index()
    indexed = time.perf_counter()
    print(f"reference load : {1000 * (loaded - start):7.1f} ms ({len(all_communes())} communes)")
    print(f"search index   : {1000 * (indexed - loaded):7.1f} ms")

    queries = build_queries(args.seed)
    for query in queries:  # warm-up
        lookup_places(query)

    timings: list[float] = []
    per_query: dict[str, float] = {}
    for _ in range(args.rounds):
        for query in queries:
            t0 = time.perf_counter_ns()
            lookup_places(query)
            elapsed = (time.perf_counter_ns() - t0) / 1e6
            timings.append(elapsed)
            per_query[query] = max(per_query.get(query, 0.0), elapsed)
    timings.sort()
    print(f"queries        : {len(queries)} × {args.rounds} rounds = {len(timings)} lookups")
    print(
        "lookup_places  : "
        f"mean {statistics.fmean(timings):.3f} ms, p50 {percentile(timings, 50):.3f} ms, "
        f"p95 {percentile(timings, 95):.3f} ms, p99 {percentile(timings, 99):.3f} ms, "
        f"max {timings[-1]:.3f} ms"
    )
    slowest = sorted(per_query.items(), key=lambda item: -item[1])[:5]
    print("slowest        : " + ", ".join(f"{q!r} {ms:.2f} ms" for q, ms in slowest))


if __name__ == "__main__":
    main()
