"""How long the job exchange's search takes with N open needs (SQL bounding box + numpy).

    PYTHONPATH=. python3 bench/bench_jobs.py --needs 5000

Prints the median time of a search around Toulon (20 km, then with a job and a contract)
and of a search with no place. A figure, not a test."""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

from app import migrate
from app.db import make_engine
from app.directory.models import Structure, StructureKind
from app.geo.communes import load_reference
from app.jobs import queries
from app.jobs.criteria import parse
from app.jobs.models import JobNeed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--needs", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'jobs.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    rng = random.Random(7)
    communes = [c for c in load_reference().communes if c.population > 2000]
    codes = ["J1304", "K1303", "K1307", "K1202", "K1310"]
    contracts = ["mise-a-disposition", "cddi", "pec", "cdd", "cdi", "apprentissage"]
    with Session(engine) as session:
        structure = Structure(name="Bench", kind=StructureKind.ASSOCIATION)
        session.add(structure)
        session.flush()
        for _ in range(args.needs):
            c = rng.choice(communes)
            session.add(
                JobNeed(
                    structure_id=structure.id,
                    rome_code=rng.choice(codes),
                    title="Bench",
                    contract_kinds=rng.sample(contracts, 3),
                    hours_per_week=rng.choice([20, 24, 28, 35]),
                    code_insee=c.code_insee,
                    commune_name=c.name,
                    departement_code=c.departement_code,
                    latitude=c.latitude,
                    longitude=c.longitude,
                )
            )
        session.commit()
        for label, query in (
            ("Toulon 20 km", {"lieu": "83137", "rayon": "20"}),
            (
                "Toulon 20 km, K1303, cddi",
                {"lieu": "83137", "rayon": "20", "metier": "K1303", "contrat": "cddi"},
            ),
            ("Lyon 50 km", {"lieu": "69123", "rayon": "50"}),
            ("no place (all open needs)", {}),
        ):
            criteria = parse(query).criteria
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                results = queries.search_needs(session, criteria)
                times.append((time.perf_counter() - started) * 1000)
            median = statistics.median(times)
            print(f"{args.needs} needs, {label}: {results.total} found, median {median:.1f} ms")


if __name__ == "__main__":
    main()
