"""The AGE cost model: time of one scenario-vs-national comparison for 100 départements
(target < 1 s), and what the model says with the 2021 AGEPI and the May 2024 AGE rules.

Usage: python bench/bench_experiments.py [--rounds 20]
The population (the national default, 101 départements × 720 groups) and the parameter files
are loaded once before timing, as in a running server; each timed call evaluates both rule sets
on every group, the tables by territory and group, and the five-point take-up sensitivity line.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's app/


def main() -> None:
    from app.experiments import model
    from app.experiments.rules import overlay, rows_for

    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds

    codes = tuple(sorted(model.departement_names()))[:100]
    population = model.default_population(codes)
    on = date(2025, 1, 1)
    local = overlay(
        rows_for(
            {"age_enfant_maximum": 15, "coefficient_seuil_ressources": Decimal("1.6")},
            on,
            date(2025, 12, 31),
            "bench",
        ),
        "bench",
    )
    national, scenario = model.rules_on(on), model.rules_on(on, local)
    model.compare(population, national, scenario)  # warm-up
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        model.compare(population, national, scenario)
        timings.append(time.perf_counter() - started)
    print(
        f"compare(), {len(codes)} départements, {len(population)} groupes : "
        f"médiane {statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms "
        f"({rounds} tours ; charge {os.getloadavg()[0]:.1f})"
    )

    everyone = model.default_population()
    a = model.assumptions()["calibration"]
    for label, day in (("AGEPI 2021", date(2021, 7, 1)), ("AGE mai 2024", date(2024, 7, 1))):
        aids, cost = model.totals(everyone, model.rules_on(day))
        print(f"{label} : {round(aids)} aides par an ; {cost / 1e6:.2f} M€")
    print(f"Protocole 2021 : {a['aids_2021']} aides ; {a['cost_2021'] / 1e6:.1f} M€")


if __name__ == "__main__":
    main()
