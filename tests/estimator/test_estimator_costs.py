"""Crèche PSU price, CMG (before and after 1 September 2025), tax credit, and each mode’s
out-of-pocket cost, on worked examples computed by hand in the comments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from kit.estimator import assert_french

from app.estimator import (
    CareInput,
    InvalidInput,
    care_costs,
    childminder_cost,
    cmg_monthly,
    creche_cost,
    effort_rate,
    psu_hourly_price,
    tax_credit_monthly,
)

D = Decimal
JUNE_2024 = date(2024, 6, 1)
REFORM = date(2025, 9, 1)


def care(**changes) -> CareInput:
    values = {
        "as_of": JUNE_2024,
        "heures_par_mois": D(140),
        "ressources_mensuelles": D(2500),
        "nombre_enfants": 1,
        "age_enfant": 2,
        "parent_isole": False,
        "tarif_horaire": D("4.50"),
    }
    values.update(changes)
    return CareInput(**values)


# ---- PSU -------------------------------------------------------------------------------------


def test_psu_worked_example():
    # 2 500 € × 0,0619 % = 1,5475 € → 1,55 € per hour.
    assert psu_hourly_price(JUNE_2024, D(2500), 1) == D("1.55")


@pytest.mark.parametrize(
    "children, price",
    [
        (1, "1.86"),  # 3 000 × 0,0619 % = 1,857
        (2, "1.55"),  # 3 000 × 0,0516 % = 1,548
        (3, "1.24"),  # 3 000 × 0,0413 % = 1,239
        (4, "0.93"),  # 3 000 × 0,0310 % = 0,93
        (7, "0.93"),  # same band 4–7
        (8, "0.62"),  # 3 000 × 0,0206 % = 0,618
        (10, "0.62"),
    ],
)
def test_psu_rate_by_family_size(children, price):
    assert psu_hourly_price(JUNE_2024, D(3000), children) == D(price)


def test_aeeh_uses_the_next_larger_family():
    # 1 child + AEEH → the 2-children rate: 3 000 × 0,0516 % = 1,548 → 1,55.
    assert psu_hourly_price(JUNE_2024, D(3000), 1, aeeh=True) == D("1.55")
    assert effort_rate(JUNE_2024, 3, aeeh=True) == D("0.000310")


@pytest.mark.parametrize(
    "on, price",
    [
        (date(2022, 6, 1), "0.44"),  # plancher 705,27 × 0,0619 % = 0,43656
        (date(2024, 6, 1), "0.47"),  # plancher 754,16 × 0,0619 % = 0,46682
        (date(2025, 6, 1), "0.50"),  # plancher 814,62 × 0,0619 % = 0,50425
    ],
)
def test_psu_floor(on, price):
    assert psu_hourly_price(on, D(300), 1) == D(price)


@pytest.mark.parametrize(
    "on, price",
    [
        (date(2024, 8, 31), "3.71"),  # plafond 6 000 × 0,0619 % = 3,714
        (date(2024, 9, 1), "4.33"),  # plafond 7 000 × 0,0619 % = 4,333
        (date(2025, 8, 31), "4.33"),
        (date(2025, 9, 1), "5.26"),  # plafond 8 500 × 0,0619 % = 5,2615
    ],
)
def test_psu_ceiling_switches(on, price):
    assert psu_hourly_price(on, D(10000), 1) == D(price)


def test_effort_rate_switches_on_1_january_2022():
    assert effort_rate(date(2021, 12, 31), 1) == D("0.000615")
    assert effort_rate(date(2022, 1, 1), 1) == D("0.000619")


def test_parental_crèche_scale():
    # UNVERIFIED scale: 1 child 0,0516 % → 3 000 × 0,0516 % = 1,548 → 1,55; 6 children 0,0206 %.
    assert psu_hourly_price(JUNE_2024, D(3000), 1, parental=True) == D("1.55")
    assert psu_hourly_price(JUNE_2024, D(3000), 6, parental=True) == D("0.62")


def test_creche_cost_worked_example():
    # 1,55 €/h × 120 h = 186,00 € a month.
    # Tax credit: 186 × 12 = 2 232 € ≤ 3 500 € → 50 % = 1 116 € a year → 93,00 € a month.
    # Out of pocket: 186,00 − 93,00 = 93,00 €; per hour 93 ÷ 120 = 0,775 → 0,78 €.
    cost = creche_cost(care(heures_par_mois=D(120)))
    assert cost.mode == "creche"
    assert cost.hourly_price == D("1.55")
    assert cost.monthly_cost == D("186.00")
    assert [(a.code, a.monthly_amount) for a in cost.aids] == [("credit_impot", D("93.00"))]
    assert cost.monthly_out_of_pocket == D("93.00")
    assert cost.hourly_out_of_pocket == D("0.78")
    assert cost.hypotheses[0].startswith("Tarif horaire du barème national de la Caf (PSU)")
    assert "2\u202f500,00\u00a0€" in cost.hypotheses[0] and "0,0619\u00a0%" in cost.hypotheses[0]
    for text in cost.hypotheses:
        assert_french(text)


def test_creche_floor_and_ceiling_are_explained():
    low = creche_cost(care(ressources_mensuelles=D(0)))
    assert any("en dessous du plancher" in h for h in low.hypotheses)
    high = creche_cost(care(ressources_mensuelles=D(20000)))
    assert any("au-dessus du plafond" in h for h in high.hypotheses)


# ---- CMG before 1 September 2025 -------------------------------------------------------------


@pytest.mark.parametrize(
    "resources, amount",
    [
        # 2024: BMAF 466,44 €; limits for 1 child 22 809 € / 50 686 € a year.
        # 1 500 × 12 = 18 000 ≤ 22 809 → 466,44 × 1,1404 × 0,995 = 529,2685 → 529,27.
        ("1500", "529.27"),
        # 1 900,75 × 12 = 22 809,00: still the lowest bracket (limit included).
        ("1900.75", "529.27"),
        # 1 900,76 × 12 = 22 809,12 → middle bracket: 466,44 × 0,7191 × 0,995 = 333,7399 → 333,74.
        ("1900.76", "333.74"),
        ("2500", "333.74"),
        # 5 000 × 12 = 60 000 > 50 686 → 466,44 × 0,4314 × 0,995 = 200,2161 → 200,22.
        ("5000", "200.22"),
    ],
)
def test_cmg_brackets(resources, amount):
    assert cmg_monthly(
        JUNE_2024,
        monthly_cost=D(630),
        hours=D(140),
        resources=D(resources),
        children=1,
        child_age=2,
    ) == D(amount)


@pytest.mark.parametrize(
    "age, amount",
    [
        (0, "333.74"),
        (2, "333.74"),
        (3, "166.87"),  # halved from 3 years: 333,7399 ÷ 2 = 166,87
        (5, "166.87"),
        (6, "0.00"),  # no CMG from 6 years
    ],
)
def test_cmg_halved_from_3_and_stops_at_6(age, amount):
    assert cmg_monthly(
        JUNE_2024, monthly_cost=D(630), hours=D(140), resources=D(2500), children=1, child_age=age
    ) == D(amount)


def test_cmg_leaves_15_percent_to_the_family():
    # Cost 40 h × 4 € = 160 €: 85 % = 136,00 € < maximum 333,74 € → 136,00 €.
    assert cmg_monthly(
        JUNE_2024, monthly_cost=D(160), hours=D(40), resources=D(2500), children=1, child_age=1
    ) == D("136.00")


def test_cmg_isolated_parent_limits_plus_40_percent():
    # 30 000 € > 22 809 € (middle bracket) but ≤ 22 809 × 1,4 = 31 932,60 € for an isolated parent.
    common = {
        "monthly_cost": D(630),
        "hours": D(140),
        "resources": D(2500),
        "children": 1,
        "child_age": 2,
    }
    assert cmg_monthly(JUNE_2024, **common) == D("333.74")
    # The isolated parent's bracket gives 529,27 €, +30 % = 688,05 € (CSS art. D.531-18, care
    # from 1 October 2018), capped at 85 % of 630 € = 535,50 €.
    assert cmg_monthly(JUNE_2024, isolated=True, **common) == D("535.50")
    # Before the reform, a child of 8 gets no CMG even with an isolated parent.
    assert cmg_monthly(JUNE_2024, isolated=True, **{**common, "child_age": 8}) == D("0.00")


@pytest.mark.parametrize(
    "children, amount",
    [
        # 2 200 × 12 = 26 400 €.
        (1, "333.74"),  # > 22 809 (1 child)
        (2, "333.74"),  # > 26 046 (2 children)
        (3, "529.27"),  # ≤ 26 046 + 3 237 = 29 283 (3 children)
        (4, "529.27"),
    ],
)
def test_cmg_limits_grow_with_the_number_of_children(children, amount):
    assert cmg_monthly(
        JUNE_2024,
        monthly_cost=D(630),
        hours=D(140),
        resources=D(2200),
        children=children,
        child_age=1,
    ) == D(amount)


def test_cmg_follows_the_bmaf():
    common = {
        "monthly_cost": D(630),
        "hours": D(140),
        "resources": D(2500),
        "children": 1,
        "child_age": 1,
    }
    # 2025 limits 23 903 / 53 119: middle bracket. 466,44 until 31 March 2025, then
    # 474,37 × 0,7191 × 0,995 = 339,4139 → 339,41.
    assert cmg_monthly(date(2025, 3, 31), **common) == D("333.74")
    assert cmg_monthly(date(2025, 4, 1), **common) == D("339.41")


# ---- CMG from 1 September 2025 ---------------------------------------------------------------


def test_cmg_reform_worked_example():
    # 2 500 × 0,0619 % = 1,5475; ÷ 4,85 = 0,319072…; 630 × (1 − 0,319072) = 428,9845 → 428,98.
    common = {
        "monthly_cost": D(630),
        "hours": D(140),
        "resources": D(2500),
        "children": 1,
        "child_age": 2,
    }
    assert cmg_monthly(REFORM, **common) == D("428.98")
    # The day before, the bracket formula: 474,37 × 0,7191 × 0,995 → 339,41.
    assert cmg_monthly(date(2025, 8, 31), **common) == D("339.41")


def test_cmg_reform_caps_the_cost_at_8_euros_an_hour():
    # 100 h × 9 € = 900 €, counted 100 × 8 € = 800 €; 800 × 0,680928 = 544,7423 → 544,74.
    assert cmg_monthly(
        REFORM, monthly_cost=D(900), hours=D(100), resources=D(2500), children=1, child_age=2
    ) == D("544.74")


def test_cmg_reform_resources_ceiling_and_floor():
    # 9 000 → 8 500: 8 500 × 0,0619 % = 5,2615 > 4,85 → never negative: 0.
    assert cmg_monthly(
        REFORM, monthly_cost=D(630), hours=D(140), resources=D(9000), children=1, child_age=2
    ) == D("0.00")
    # 0 → floor 814,62 (UNVERIFIED): 814,62 × 0,0619 % = 0,50425; ÷ 4,85 = 0,103969;
    # 630 × 0,896031 = 564,4995 → 564,50.
    assert cmg_monthly(
        REFORM, monthly_cost=D(630), hours=D(140), resources=D(0), children=1, child_age=2
    ) == D("564.50")


def test_cmg_reform_uses_the_rate_of_the_family_size():
    # 2 children: 2 500 × 0,0516 % = 1,29; ÷ 4,85 = 0,265979; 630 × 0,734021 = 462,433 → 462,43.
    assert cmg_monthly(
        REFORM, monthly_cost=D(630), hours=D(140), resources=D(2500), children=2, child_age=2
    ) == D("462.43")
    # AEEH: 1 child counts as 2.
    assert cmg_monthly(
        REFORM,
        monthly_cost=D(630),
        hours=D(140),
        resources=D(2500),
        children=1,
        child_age=2,
        aeeh=True,
    ) == D("462.43")


@pytest.mark.parametrize(
    "age, isolated, amount",
    [
        (4, False, "428.98"),  # no halving from 3 years any more
        (5, False, "428.98"),
        (6, False, "0.00"),
        (6, True, "428.98"),  # isolated parent: under 12
        (11, True, "428.98"),
        (12, True, "0.00"),
    ],
)
def test_cmg_reform_age_limits(age, isolated, amount):
    common = {"monthly_cost": D(630), "hours": D(140), "resources": D(2500), "children": 1}
    assert cmg_monthly(REFORM, child_age=age, isolated=isolated, **common) == D(amount)


# ---- Tax credit ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "on, expenses, age, monthly",
    [
        # 300 × 12 = 3 600 → ceiling 3 500 → 1 750 a year → 145,8333 → 145,83 a month.
        (JUNE_2024, "300", 2, "145.83"),
        # 200 × 12 = 2 400 → 1 200 a year → 100,00 a month.
        (JUNE_2024, "200", 2, "100.00"),
        # 2021 income: ceiling 2 300 → 1 150 a year → 95,8333 → 95,83.
        (date(2021, 12, 31), "300", 2, "95.83"),
        (date(2022, 1, 1), "300", 2, "145.83"),
        (JUNE_2024, "300", 5, "145.83"),
        (JUNE_2024, "300", 6, "0.00"),
        (JUNE_2024, "300", 7, "0.00"),
        (JUNE_2024, "-50", 2, "0.00"),
    ],
)
def test_tax_credit(on, expenses, age, monthly):
    assert tax_credit_monthly(on, D(expenses), age) == D(monthly)


# ---- Childminder and MAM ---------------------------------------------------------------------


def test_childminder_worked_example_before_the_reform():
    # 140 h × 4,50 € = 630,00 €. CMG (middle bracket) 333,74 €.
    # Tax credit on 630 − 333,74 = 296,26 € a month → 3 555,12 € a year → ceiling 3 500 €
    # → 1 750 € → 145,83 € a month.
    # Out of pocket: 630 − 333,74 − 145,83 = 150,43 €; per hour 150,43 ÷ 140 = 1,0745 → 1,07 €.
    cost = childminder_cost(care())
    assert cost.mode == "assistant_maternel" and cost.label == "Assistant·e maternel·le"
    assert cost.hourly_price == D("4.50")
    assert cost.monthly_cost == D("630.00")
    assert [(a.code, a.monthly_amount) for a in cost.aids] == [
        ("cmg", D("333.74")),
        ("credit_impot", D("145.83")),
    ]
    assert cost.total_aid == D("479.57")
    assert cost.monthly_out_of_pocket == D("150.43")
    assert cost.hourly_out_of_pocket == D("1.07")
    for text in cost.hypotheses + tuple(a.explanation for a in cost.aids):
        assert_french(text)
    assert any("tranche intermédiaire" in h for h in cost.hypotheses)
    assert any("cotisations sociales" in h for h in cost.hypotheses)


def test_childminder_with_upkeep_and_meals():
    # 630 + 60 (entretien) + 40 (repas) = 730 €. CMG min(333,74 ; 85 % × 730 = 620,50) = 333,74.
    # Tax credit base excludes meals: 630 + 60 − 333,74 = 356,26 → 4 275,12 a year → 3 500 → 145,83.
    # Out of pocket: 730 − 333,74 − 145,83 = 250,43.
    cost = childminder_cost(care(frais_entretien_mensuels=D(60), frais_repas_mensuels=D(40)))
    assert cost.monthly_cost == D("730.00")
    assert [a.monthly_amount for a in cost.aids] == [D("333.74"), D("145.83")]
    assert cost.monthly_out_of_pocket == D("250.43")
    assert any("repas ne comptent pas" in h for h in cost.hypotheses)


def test_childminder_after_the_reform():
    # CMG 428,98 € (see above); tax credit on 630 − 428,98 = 201,02 → 2 412,24 a year
    # → 1 206,12 → 100,51 a month.
    # Out of pocket: 630 − 428,98 − 100,51 = 100,51 €.
    cost = childminder_cost(care(as_of=REFORM))
    assert [a.monthly_amount for a in cost.aids] == [D("428.98"), D("100.51")]
    assert cost.monthly_out_of_pocket == D("100.51")
    assert any("1er\u00a0septembre 2025" in h for h in cost.hypotheses)


def test_mam_is_computed_as_a_childminder():
    childminder = childminder_cost(care())
    mam = childminder_cost(care(), "mam")
    assert mam.label == "Maison d’assistants maternels (MAM)"
    assert (mam.monthly_cost, mam.aids, mam.monthly_out_of_pocket) == (
        childminder.monthly_cost,
        childminder.aids,
        childminder.monthly_out_of_pocket,
    )
    assert any("En MAM" in h for h in mam.hypotheses)


def test_care_costs_lists_the_modes_it_can():
    assert [c.mode for c in care_costs(care())] == ["creche", "assistant_maternel", "mam"]
    assert [c.mode for c in care_costs(care(tarif_horaire=None))] == ["creche"]
    with pytest.raises(InvalidInput) as error:
        childminder_cost(care(tarif_horaire=None))
    assert error.value.field == "garde.tarif_horaire"


def test_older_child_gets_no_cmg_nor_tax_credit_and_it_is_said():
    cost = childminder_cost(care(age_enfant=8))
    assert cost.total_aid == D("0.00")
    assert cost.monthly_out_of_pocket == cost.monthly_cost
    assert any(h.startswith("Pas de CMG") for h in cost.hypotheses)
    assert any(h.startswith("Pas de crédit d’impôt") for h in cost.hypotheses)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"heures_par_mois": D(0)}, "garde.heures_par_mois"),
        ({"heures_par_mois": D(800)}, "garde.heures_par_mois"),
        ({"ressources_mensuelles": D(-1)}, "ressources_mensuelles"),
        ({"nombre_enfants": 0}, "enfants"),
        ({"tarif_horaire": "quatre"}, "garde.tarif_horaire"),
    ],
)
def test_invalid_care_input(changes, field):
    with pytest.raises(InvalidInput) as error:
        care(**changes)
    assert error.value.field == field
    assert_french(error.value.message)
