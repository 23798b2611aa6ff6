"""Time of one estimate() call: mean, p50, p95, p99 over a fixed mix of inputs (target < 1 ms).

Usage: python bench/bench_estimator.py [--rounds 2000]
The parameter files are loaded once before timing (as in a running server); each timed call
then builds the whole answer: AGE / AGEPI conditions and messages, and the three modes of care.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from decimal import Decimal


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def cases():
    from app.estimator import Activity, CareNeed, EstimateInput

    need = CareNeed(
        heures_par_mois=Decimal(140),
        tarif_horaire=Decimal("4.50"),
        frais_entretien_mensuels=Decimal(60),
    )
    return [
        (
            "AGE eligible, CDI, costs after the CMG reform",
            EstimateInput(
                as_of=date(2025, 10, 1),
                inscrit_france_travail=True,
                categorie_demandeur=1,
                enfants=(2,),
                activite=Activity("cdi", date(2025, 10, 6), heures_par_semaine=Decimal(35)),
                ressources_mensuelles=Decimal(1800),
                garde=need,
            ),
        ),
        (
            "AGE refused on every condition",
            EstimateInput(
                as_of=date(2024, 9, 20),
                inscrit_france_travail=False,
                allocation_journaliere=Decimal(60),
                enfants=(13,),
                activite=Activity("cdd", date(2024, 6, 1), duree_jours=20),
                date_derniere_aide=date(2024, 1, 1),
                ressources_mensuelles=Decimal(4000),
                garde=need,
            ),
        ),
        (
            "AGEPI, Mayotte, CMG brackets",
            EstimateInput(
                as_of=date(2023, 6, 1),
                territoire="mayotte",
                parent_isole=True,
                inscrit_france_travail=True,
                categorie_demandeur=4,
                enfants=(1, 4, 7),
                activite=Activity(
                    "formation",
                    date(2023, 6, 5),
                    duree_heures=Decimal(300),
                    heures_par_semaine=Decimal(30),
                ),
                ressources_mensuelles=Decimal(1200),
                garde=need,
            ),
        ),
        (
            "AGE, training, crèche only",
            EstimateInput(
                as_of=date(2024, 9, 2),
                inscrit_france_travail=True,
                categorie_demandeur="csp",
                allocation_journaliere=Decimal("41.56"),
                enfants=(0, 5),
                activite=Activity(
                    "formation",
                    date(2024, 9, 9),
                    duree_heures=Decimal(40),
                    heures_par_mois=Decimal(60),
                ),
                ressources_mensuelles=Decimal(2500),
                garde=CareNeed(heures_par_mois=Decimal(60)),
            ),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()

    from app.estimator import estimate

    mix = cases()
    for _, inputs in mix:  # load the parameter files and warm up
        estimate(inputs)

    print(f"{'case':<48} {'mean':>9} {'p50':>9} {'p95':>9} {'p99':>9}")
    everything: list[float] = []
    for label, inputs in mix:
        timings = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            estimate(inputs)
            timings.append((time.perf_counter() - started) * 1000)
        everything += timings
        print(
            f"{label:<48} {statistics.fmean(timings):>7.3f}ms {percentile(timings, 0.5):>7.3f}ms "
            f"{percentile(timings, 0.95):>7.3f}ms {percentile(timings, 0.99):>7.3f}ms"
        )
    print(
        f"{'all (' + str(len(everything)) + ' calls)':<48} {statistics.fmean(everything):>7.3f}ms "
        f"{percentile(everything, 0.5):>7.3f}ms {percentile(everything, 0.95):>7.3f}ms "
        f"{percentile(everything, 0.99):>7.3f}ms"
    )
    print("target: < 1 ms per estimate()")


if __name__ == "__main__":
    main()
