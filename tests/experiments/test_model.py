"""The AGE cost and reach model: calibration on the protocol's 2021 figures, a scenario equal to
the national rules costs nothing more, and each override moves the result the right way."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from app.experiments import model
from app.experiments.model import compare, default_population, rules_on, totals
from app.experiments.rules import overlay, rows_for

A = model.assumptions()


def test_the_2021_agepi_rules_reproduce_the_protocol_figures():
    """Protocole « Insertion dans l'emploi / Petite enfance » 2022-2023, fiche 1 : 9 977 aides
    pour 4,3 M€ en 2021. Tolerance: 2 % on the count, 5 % on the cost (data file)."""
    calibration = A["calibration"]
    rules = rules_on(calibration["rules_date_2021"])
    assert rules.dispositif == "agepi" and rules.single_required and rules.child_age_limit == 10
    aids, cost = totals(default_population(), rules)
    assert aids == pytest.approx(calibration["aids_2021"], rel=calibration["tolerance_aids"])
    assert cost == pytest.approx(calibration["cost_2021"], rel=calibration["tolerance_cost"])


def test_the_may_2024_age_rules_widen_the_aid():
    """AGE (délibération n°2024-35): no single-parent condition, child under 12, 28-day
    contracts, 1.3 × the minimum ARE: many more aids than the 2021 AGEPI."""
    population = default_population()
    aids_2021, _ = totals(population, rules_on(date(2021, 7, 1)))
    aids_2024, cost_2024 = totals(population, rules_on(date(2024, 7, 1)))
    assert aids_2024 > 2 * aids_2021  # France Travail aims at « deux fois plus de bénéficiaires »
    assert cost_2024 > 0


def test_the_default_is_split_over_the_101_departements_by_population():
    population = default_population()
    assert len(population.territories) == 101
    by_code = np.bincount(population.territory, weights=population.count)
    var = by_code[population.territories.index("83")]
    lozere = by_code[population.territories.index("48")]
    assert var > 10 * lozere  # 1.1 M inhabitants against 77,000


def test_a_scenario_equal_to_the_national_rules_changes_nothing():
    on = date(2025, 1, 1)
    national = rules_on(on)
    same = overlay(rows_for({"age_enfant_maximum": 12}, on, date(2025, 12, 31), "test"), "83")
    comparison = compare(default_population(("83",)), national, rules_on(on, same))
    assert comparison.total.extra_aids == 0 and comparison.total.extra_cost == 0
    assert comparison.total.cost_per_extra_beneficiary is None


AGE_DAY = date(2025, 1, 1)


@pytest.mark.parametrize(
    ("override", "more"),
    [
        ({"age_enfant_maximum": 15}, True),
        ({"age_enfant_maximum": 6}, False),
        ({"coefficient_seuil_ressources": "2"}, True),
        ({"coefficient_seuil_ressources": "1"}, False),
        ({"parent_isole_requis": True}, False),
        ({"cdd_duree_minimum_jours": 7}, True),
        ({"cdd_duree_minimum_jours": 91}, False),
        ({"formation_duree_minimum_heures": 20}, True),
        ({"formation_duree_minimum_heures": 150}, False),
        ({"delai_entre_deux_aides_mois": 6}, True),
        ({"delai_entre_deux_aides_mois": 24}, False),
    ],
)
def test_each_condition_moves_the_aids_and_the_cost_the_right_way(override, more):
    values = {k: Decimal(v) if isinstance(v, str) else v for k, v in override.items()}
    local = overlay(rows_for(values, AGE_DAY, date(2025, 12, 31), "test"), "83")
    c = compare(default_population(("83",)), rules_on(AGE_DAY), rules_on(AGE_DAY, local))
    assert (c.total.extra_aids > 0) is more and (c.total.extra_aids < 0) is not more
    assert (c.total.extra_cost > 0) is more


def test_higher_amounts_cost_more_for_the_same_aids():
    local = overlay(
        rows_for({"montant_plein_1": Decimal(600)}, AGE_DAY, date(2025, 12, 31), "test"), "83"
    )
    c = compare(default_population(("83",)), rules_on(AGE_DAY), rules_on(AGE_DAY, local))
    assert c.total.extra_aids == pytest.approx(0) and c.total.extra_cost > 0


def test_the_mayotte_coefficient_counts_only_in_mayotte():
    local = overlay(
        rows_for({"coefficient_mayotte": Decimal(1)}, AGE_DAY, date(2025, 12, 31), "t"), "976"
    )
    c = compare(default_population(("83", "976")), rules_on(AGE_DAY), rules_on(AGE_DAY, local))
    mayotte = next(ln for ln in c.by_territory if ln.key == "976")
    var = next(ln for ln in c.by_territory if ln.key == "83")
    assert mayotte.extra_cost > 0 and mayotte.extra_aids == pytest.approx(0)
    assert var.extra_cost == pytest.approx(0)


def test_take_up_sensitivity_grows_with_take_up():
    c = compare(default_population(("83",)), rules_on(date(2021, 7, 1)), rules_on(AGE_DAY))
    extras = [extra for _, _, _, extra in c.sensitivity]
    assert extras == sorted(extras) and extras[0] > 0


def test_imported_groups_replace_the_default_of_their_departement():
    base = default_population(("83", "13"))
    row = model.GroupRow("83", "1-3", "aucune", "0-2", "1", True, 1000, 0.1, 1.0, 0.2, 1.0, 0.5)
    population = model.with_groups(base, [row])
    assert set(population.territories) == {"83", "13"}
    var = population.territory == population.territories.index("83")
    assert var.sum() == 1 and population.count[var][0] == 1000
    aids, cost = totals(replace(population.only(["83"])), rules_on(AGE_DAY))
    assert aids > 0 and cost == pytest.approx(aids * 416.0)
