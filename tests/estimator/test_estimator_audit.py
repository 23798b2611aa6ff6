"""The errors found by the audit of the estimator (issue 15), each against its source: the CMG's
increases before 1 September 2025, the full CMG of a child who turned 3 until the school year,
no crèche from 6, each rule on its own date, and every child who needs care."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.estimator import (
    Activity,
    AgeInput,
    CareInput,
    CareNeed,
    Child,
    EstimateInput,
    care_costs,
    childminder_cost,
    cmg_monthly,
    estimate,
    estimate_age,
    tax_credit_monthly,
)
from app.estimator.costs import child_notes, micro_creche_cost
from app.estimator.parameters import names, parameter

D = Decimal
JUNE_2024 = date(2024, 6, 1)

# ---- 1. CMG before 1 September 2025: +30 % for a single parent -----------------------------
# CSS art. L.531-5 and D.531-18 (care from 1 October 2018); service-public.fr F345.


def test_single_parent_cmg_is_increased_by_30_percent():
    # Single parent, child of 1, 2 500 €/month (30 000 € ≤ 22 809 × 1,4: lowest bracket),
    # 160 h × 5 € = 800 €: maximum 466,44 × 1,1404 × 0,995 = 529,27 €, × 1,3 = 688,05 €,
    # capped at 85 % of 800 € = 680,00 € (CSS art. D.531-23).
    common = {"hours": D(160), "resources": D(2500), "children": 1, "child_age": 1}
    assert cmg_monthly(JUNE_2024, monthly_cost=D(800), isolated=True, **common) == D("680.00")
    assert cmg_monthly(JUNE_2024, monthly_cost=D(1000), isolated=True, **common) == D("688.05")


def test_single_parent_increase_is_explained():
    cost = childminder_cost(
        CareInput(
            as_of=JUNE_2024,
            heures_par_mois=D(160),
            ressources_mensuelles=D(2500),
            age_enfant=1,
            parent_isole=True,
            tarif_horaire=D(5),
        )
    )
    assert cost.aid("cmg").monthly_amount == D("680.00")
    assert "majoré de 30\u00a0% car vous élevez seul·e votre enfant" in cost.aid("cmg").explanation


def test_no_increase_after_the_reform():
    # From 1 September 2025 the « taux d'effort » formula has no maximum to increase
    # (décrets n°2025-514 and n°2025-515 du 30 mai 2025).
    common = {"monthly_cost": D(800), "hours": D(160), "resources": D(2500), "children": 1}
    on = date(2025, 10, 1)
    assert cmg_monthly(on, child_age=1, isolated=True, **common) == cmg_monthly(
        on, child_age=1, **common
    )


# ---- 2. A child who turned 3 between January and August keeps the full CMG ------------------
# Décret du 30 octobre 2019 (care from 1 November 2019); CSS art. D.531-18; service-public F345.
# Couple, 2 500 €/month (middle bracket), 150 h × 4,50 € = 675 €: full 333,74 €, half 166,87 €.

THREE = {"monthly_cost": D(675), "hours": D(150), "resources": D(2500), "children": 1}


@pytest.mark.parametrize(
    "on, known, amount",
    [
        (JUNE_2024, {"scolarise": False}, "333.74"),  # not at school yet: full until September
        (JUNE_2024, {"scolarise": True}, "166.87"),
        (JUNE_2024, {"birth_month": 2}, "333.74"),  # turned 3 in February
        (JUNE_2024, {"birth_month": 10}, "166.87"),  # turned 3 last October: at school
        (date(2024, 9, 1), {"scolarise": False}, "166.87"),  # the school year has started
        (JUNE_2024, {}, "166.87"),  # unknown: the half, and the full figure said beside it
    ],
)
def test_child_of_3_keeps_the_full_cmg_until_school(on, known, amount):
    assert cmg_monthly(on, child_age=3, **THREE, **known) == D(amount)


def test_unknown_school_shows_both_figures():
    cost = childminder_cost(
        CareInput(
            as_of=JUNE_2024,
            heures_par_mois=D(150),
            ressources_mensuelles=D(2500),
            age_enfant=3,
            tarif_horaire=D("4.50"),
        )
    )
    assert cost.aid("cmg").monthly_amount == D("166.87")
    assert any("333,74" in text and "rentrée" in text for text in cost.not_counted)


# ---- 3. AEEH, AAH (+30 %) and atypical hours (+10 %) ----------------------------------------
# CSS art. L.531-5 III 4° (loi n°2018-1203, art. 69: care from 1 November 2019) and D.531-18.
# Couple, 4 000 €/month (48 000 €: middle bracket), child of 2, 150 h × 4,50 € = 675 €:
# 466,44 × 0,7191 × 0,995 = 333,74 €; × 1,3 = 433,86 €; × 1,1 = 367,11 €.

AEEH = {"monthly_cost": D(675), "hours": D(150), "resources": D(4000), "children": 1}


@pytest.mark.parametrize(
    "flags, amount",
    [
        ({}, "333.74"),
        ({"aeeh": True}, "433.86"),
        ({"aah": True}, "433.86"),
        ({"atypical": True}, "367.11"),
        # The increases do not add up (UNVERIFIED, cmg.majorations_cumulables): the largest.
        ({"aah": True, "atypical": True}, "433.86"),
    ],
)
def test_cmg_increases(flags, amount):
    assert cmg_monthly(JUNE_2024, child_age=2, **AEEH, **flags) == D(amount)


# ---- 4. No crèche from 6 years; « usually at school » from 3 --------------------------------
# Code de la santé publique art. R.2324-17; Code de l'éducation art. L.131-1.


def _care(age: int, **changes) -> CareInput:
    values = {
        "as_of": JUNE_2024,
        "heures_par_mois": D(100),
        "ressources_mensuelles": D(2000),
        "age_enfant": age,
        "tarif_horaire": D("4.50"),
    }
    return CareInput(**{**values, **changes})


def test_no_creche_for_a_child_of_14():
    modes = [cost.mode for cost in care_costs(_care(14))]
    assert "creche" not in modes
    assert any("périscolaire" in note for note in child_notes(_care(14)))
    assert any("crèche" not in c.mode for c in care_costs(_care(6)))
    assert "creche" not in [c.mode for c in care_costs(_care(6))]


def test_creche_from_3_says_the_child_is_usually_at_school():
    creche = care_costs(_care(4))[0]
    assert creche.mode == "creche" and creche.psu is True
    assert any("va en général à l’école" in text for text in creche.not_counted)
    assert not any("école" in text for text in care_costs(_care(2))[0].not_counted)


# ---- Reference dates: each rule on its own date ----------------------------------------------


def _age(as_of: date, start: date, **changes) -> AgeInput:
    values = {
        "as_of": as_of,
        "inscrit_france_travail": True,
        "categorie_demandeur": 1,
        "enfants": (11,),
        "activite": Activity("cdi", start, heures_par_semaine=D(35)),
    }
    return AgeInput(**{**values, **changes})


def test_the_allowance_threshold_is_the_one_of_the_start_date():
    # Instruction DG n°2024-16 §3.1: the conditions are judged on the day the job starts.
    # Estimated on 15 June 2024 for a job on 1 July 2024: 1,3 × 31,97 € = 41,56 € (not 41,07 €).
    result = estimate_age(
        _age(date(2024, 6, 15), date(2024, 7, 1), allocation_journaliere=D("41.30"))
    )
    assert result.condition("resources").ok is True
    assert "41,56" in result.condition("resources").message
    assert result.reference_date == date(2024, 7, 1)
    assert "1er\u00a0juillet 2024" in result.reference_text


def test_an_april_estimate_for_a_may_job_applies_the_age():
    # Estimated on 25 April 2024 for a job on 6 May 2024: the AGE (délibération n°2024-35),
    # not the AGEPI: no isolated-parent condition, a child of 11 counts (under 12).
    result = estimate_age(_age(date(2024, 4, 25), date(2024, 5, 6)))
    assert result.dispositif == "age"
    assert result.eligible is True and result.amount == D("416.00")
    assert "6\u00a0mai 2024" in result.reference_text


def test_the_caf_scales_are_those_of_the_month_of_care():
    # Estimated in August 2025 for a job from 8 September 2025: the reformed CMG applies.
    result = estimate(
        EstimateInput(
            as_of=date(2025, 8, 20),
            enfants=(1,),
            activite=Activity("cdi", date(2025, 9, 8), heures_par_semaine=D(35)),
            ressources_mensuelles=D(2500),
            garde=CareNeed(heures_par_mois=D(150), tarif_horaire=D("4.50")),
        )
    )
    assert result.care_reference_date == date(2025, 9, 1)
    cmg = result.cost("assistant_maternel").aid("cmg")
    assert "formule en vigueur depuis le 1er\u00a0septembre 2025" in cmg.explanation


# ---- Every child ------------------------------------------------------------------------------


def _family(**changes) -> EstimateInput:
    values = {
        "as_of": JUNE_2024,
        "enfants": (1, 2),
        "ressources_mensuelles": D(4000),
        "garde": CareNeed(
            heures_par_mois=D(200), tarif_horaire=D(5), frais_entretien_mensuels=D(0)
        ),
    }
    return EstimateInput(**{**values, **changes})


def test_two_children_in_a_creche_pay_two_places():
    result = estimate(_family())
    assert [child.position for child in result.children] == [1, 2]
    one = result.children[0].cost("creche").monthly_cost
    creche = next(total for total in result.totals if total.mode == "creche")
    assert creche.children == (1, 2) and creche.monthly_cost == 2 * one


def test_the_tax_credit_ceiling_is_per_child():
    # CGI art. 200 quater B: 3 500 € of expenses per child. 1 000 € a month each, CMG
    # 333,74 € → 666,26 € × 12 > 3 500 € → 1 750 € per child, 3 500 € for both, paid in 2025.
    result = estimate(_family())
    childminder = next(total for total in result.totals if total.mode == "assistant_maternel")
    assert childminder.tax_credit_annual == D("3500.00")
    assert childminder.tax_credit_paid_in == 2025
    assert childminder.monthly_cmg == 2 * D("333.74")
    assert childminder.monthly_cash == 2 * (D(1000) - D("333.74"))


def test_only_the_children_who_need_care():
    details = (Child(1, garde=False), Child(2, garde=True))
    result = estimate(_family(enfants_details=details))
    assert [child.position for child in result.children] == [2]
    # By default: the children under 6, not the school child.
    result = estimate(_family(enfants=(2, 9)))
    assert [child.age for child in result.children] == [2]


# ---- Tax credit: a child who turned 6 after 1 January -------------------------------------
# CGI art. 200 quater B: a child under 6 on 1 January of the tax year.


@pytest.mark.parametrize("month, amount", [(3, "100.00"), (9, "0.00"), (None, "0.00")])
def test_a_child_who_turned_6_this_year_still_counts(month, amount):
    assert tax_credit_monthly(JUNE_2024, D(200), 6, birth_month=month) == D(amount)


def test_unknown_month_of_birth_shows_the_second_figure():
    cost = childminder_cost(_care(6, frais_entretien_mensuels=D(0)))
    assert any("après le 1er\u00a0janvier 2024" in text for text in cost.not_counted)


# ---- Missing modes: micro-crèche outside the PSU, garde à domicile ----------------------------


def test_micro_creche_outside_the_psu_gets_the_cmg_structure():
    # CSS art. D.531-23: 9 €/h × 120 h = 1 080 €; 30 000 € a year: middle bracket;
    # 466,44 × 1,4381 × 0,995 = 667,43 € (UNVERIFIED rate, from OpenFisca-France), under
    # 85 % of 1 080 € = 918 €. Tax credit: (1 080 − 667,43) × 12 > 3 500 → 1 750 €.
    cost = micro_creche_cost(_care(1, heures_par_mois=D(120), prix_horaire_micro_creche=D(9)))
    assert (cost.monthly_cost, cost.aid("cmg").monthly_amount) == (D("1080.00"), D("667.43"))
    assert cost.monthly_cash == D("412.57") and cost.psu is False
    assert cost.tax_credit.annual_amount == D("1750.00")
    # At least 16 hours a month for the CMG « structure ».
    few = micro_creche_cost(_care(1, heures_par_mois=D(10), prix_horaire_micro_creche=D(9)))
    assert few.aid("cmg").monthly_amount == D("0.00")


def test_home_care_is_one_salary_for_the_children_cared_for_together():
    # Décret n°2025-515: cost counted at most 15 €/h: min(16 × 160, 15 × 160) = 2 400 €;
    # 2 children: 2 500 × 0,0516 % = 1,29; 2 400 × (1 − 1,29 ÷ 4,85) = 1 761,65 €.
    result = estimate(
        EstimateInput(
            as_of=date(2025, 10, 1),
            enfants=(1, 2),
            ressources_mensuelles=D(2500),
            garde=CareNeed(heures_par_mois=D(160), tarif_horaire_domicile=D(16)),
        )
    )
    homes = [c for child in result.children for c in child.costs if c.mode == "garde_domicile"]
    assert len(homes) == 1  # one card, on the youngest child
    assert homes[0].aid("cmg").monthly_amount == D("1761.65")
    total = next(t for t in result.totals if t.mode == "garde_domicile")
    assert total.children == (1, 2) and total.monthly_cash == D("798.35")
    assert any("Cotisations sociales" in text for text in homes[0].not_counted)


# ---- The allowance question and « à vérifier » -----------------------------------------------


def test_a_parent_not_registered_is_told_to_register_before_the_start():
    # Délibération n°2024-35: registered on the day the job starts.
    result = estimate_age(_age(date(2024, 6, 1), date(2024, 6, 10), inscrit_france_travail=False))
    assert result.eligible is False
    assert "inscrivez-vous avant le 10\u00a0juin 2024" in result.condition("registration").message
    assert result.next_steps.startswith(
        "Inscrivez-vous à France Travail avant le 10\u00a0juin 2024"
    )


def test_what_cannot_be_judged_is_to_check():
    result = estimate_age(_age(date(2024, 6, 1), date(2024, 6, 10), categorie_demandeur=None))
    registration = result.condition("registration")
    assert registration.verdict == "a_verifier" and registration.to_check
    assert "la catégorie 4\u00a0pour un·e stagiaire" in registration.message
    assert result.condition("child_age").verdict == "oui"


def test_every_france_travail_allowance_counts():
    message = estimate_age(_age(date(2024, 6, 1), date(2024, 6, 10))).condition("resources")
    assert "ARE, ASP d’un CSP, ASS ou allocation du CEJ" in message.message


def test_the_age_says_its_second_deadline():
    # Instruction DG n°2024-16 (UNVERIFIED delay): proof of care within 2 months.
    result = estimate_age(_age(date(2024, 6, 1), date(2024, 6, 10)))
    assert "justificatif de garde" in result.next_steps and "2\u00a0mois" in result.next_steps


def test_every_source_is_an_official_text_not_our_notes():
    # Issue 15: the page shows, for each figure, the official text it comes from.
    for name in names():
        for item in parameter(name).entries:
            assert "AIDS.md" not in item.source, name
