"""estimate(): AGE and costs together; French formatting and typography of every message."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date
from decimal import Decimal

import pytest
from kit.estimator import assert_french

from app.estimator import (
    Activity,
    CareNeed,
    DateOutOfRange,
    EstimateInput,
    InvalidInput,
    estimate,
    format_date,
    format_euros,
    format_number,
)

D = Decimal


def full_input(**changes) -> EstimateInput:
    values = {
        "as_of": date(2025, 10, 1),
        "inscrit_france_travail": True,
        "categorie_demandeur": 1,
        "enfants": (2,),
        "activite": Activity(
            "cdi", date(2025, 10, 6), heures_par_semaine=D(35), heures_par_mois=D(151)
        ),
        "ressources_mensuelles": D(1800),
        "garde": CareNeed(
            heures_par_mois=D(150), tarif_horaire=D("4.50"), frais_entretien_mensuels=D(0)
        ),
    }
    values.update(changes)
    return EstimateInput(**values)


def test_full_estimate():
    result = estimate(full_input())
    assert result.as_of == date(2025, 10, 1)
    assert result.age.eligible is True
    assert result.age.amount == D("416.00")
    assert result.age.deadline == date(2026, 1, 6)
    assert [c.mode for c in result.costs] == ["creche", "assistant_maternel", "mam"]
    assert result.notes == ()
    # Crèche: 1 800 × 0,0619 % = 1,1142 → 1,11 €/h × 150 h = 166,50 €;
    # credit 166,50 × 12 × 50 % ÷ 12 = 83,25 €.
    creche = result.cost("creche")
    assert (creche.hourly_price, creche.monthly_cost, creche.monthly_out_of_pocket) == (
        D("1.11"),
        D("166.50"),
        D("83.25"),
    )
    # Childminder: 150 × 4,50 = 675 €;
    # CMG 675 × (1 − 1 800 × 0,0619 % ÷ 4,85) = 675 × 0,770268 = 519,93 €;
    # credit (675 − 519,93) × 12 × 50 % ÷ 12 = 77,535 → 77,54 €;
    # remains 675 − 519,93 − 77,54 = 77,53 €.
    childminder = result.cost("assistant_maternel")
    assert [a.monthly_amount for a in childminder.aids] == [D("519.93"), D("77.54")]
    assert childminder.monthly_out_of_pocket == D("77.53")
    assert childminder.hourly_out_of_pocket == D("0.52")
    with pytest.raises(KeyError):
        result.cost("nounou")


def test_the_child_cared_for_is_the_youngest_by_default():
    result = estimate(full_input(enfants=(8, 1)))
    # A child of 1: CMG and tax credit apply.
    assert result.cost("assistant_maternel").total_aid > 0
    older = estimate(
        full_input(
            enfants=(8, 1),
            garde=CareNeed(heures_par_mois=D(150), tarif_horaire=D("4.50"), age_enfant=8),
        )
    )
    assert older.cost("assistant_maternel").total_aid == D("0.00")


def test_family_size_counts_every_child():
    # 2 children: 1 800 × 0,0516 % = 0,9288 → 0,93 €/h.
    assert estimate(full_input(enfants=(2, 14))).cost("creche").hourly_price == D("0.93")
    # AEEH: one more.  1 800 × 0,0413 % = 0,7434 → 0,74 €/h.
    assert estimate(full_input(enfants=(2, 14), enfant_aeeh=True)).cost("creche").hourly_price == D(
        "0.74"
    )


def test_missing_pieces_are_said_in_french():
    result = estimate(full_input(ressources_mensuelles=None))
    assert result.costs == ()
    (note,) = result.notes
    assert note.startswith("Indiquez vos ressources mensuelles")
    assert_french(note)
    no_wage = estimate(full_input(garde=CareNeed(heures_par_mois=D(150))))
    assert [c.mode for c in no_wage.costs] == ["creche"]
    assert any("salaire horaire net" in n for n in no_wage.notes)


def test_care_hours_fall_back_to_the_activity_hours():
    result = estimate(full_input(garde=None))
    assert result.cost("creche").hours_per_month == D(151)
    assert any("autant d’heures" in n for n in result.notes)


def test_nothing_about_care_at_all():
    result = estimate(EstimateInput(as_of=date(2025, 10, 1)))
    assert result.age.eligible is False
    assert result.costs == ()
    (note,) = result.notes
    assert (
        "vos ressources mensuelles, le nombre d’heures de garde par mois et l’âge de votre enfant"
        in note
    )


def test_costs_before_the_recorded_caf_scales_are_left_out():
    old = full_input(
        as_of=date(2021, 6, 1),
        activite=Activity("cdi", date(2021, 6, 1), heures_par_semaine=D(35)),
        parent_isole=True,
    )
    result = estimate(old)
    assert result.age.dispositif == "agepi" and result.age.eligible is True
    assert result.age.amount == D("400.00")
    assert result.costs == ()
    assert any("barèmes de la Caf" in n for n in result.notes)


def test_date_out_of_range_and_invalid_input():
    with pytest.raises(DateOutOfRange):
        estimate(full_input(as_of=date(2010, 1, 1), activite=None))
    with pytest.raises(InvalidInput) as error:
        full_input(ressources_mensuelles=D(-5))
    assert error.value.field == "ressources_mensuelles"
    with pytest.raises(InvalidInput):
        full_input(garde={"heures_par_mois": 10})


def test_as_of_defaults_to_today():
    assert EstimateInput().as_of == date.today()


def test_inputs_and_results_are_immutable():
    inputs = full_input()
    with pytest.raises(dataclasses.FrozenInstanceError):
        inputs.as_of = date(2020, 1, 1)
    result = estimate(inputs)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.age.eligible = False
    assert estimate(inputs) == result


# ---- Formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount, text",
    [
        (416, "416,00\u00a0€"),
        (D("416"), "416,00\u00a0€"),
        (416.0, "416,00\u00a0€"),
        (D("41.065"), "41,07\u00a0€"),
        (41.065, "41,07\u00a0€"),  # the float’s shortest repr is 41.065
        (0, "0,00\u00a0€"),
        (D("0.005"), "0,01\u00a0€"),
        (999.99, "999,99\u00a0€"),
        (3500, "3\u202f500,00\u00a0€"),
        (D("1234567.891"), "1\u202f234\u202f567,89\u00a0€"),
        (D("-12.5"), "-12,50\u00a0€"),
    ],
)
def test_format_euros(amount, text):
    assert format_euros(amount) == text


def test_format_number_and_date():
    assert [format_number(x) for x in (15, D("14.9"), D("1.30"), D("0.0619"), 64, 12000)] == [
        "15",
        "14,9",
        "1,3",
        "0,0619",
        "64",
        "12\u202f000",
    ]
    assert format_date(date(2024, 5, 1)) == "1er mai 2024"
    assert format_date(date(2025, 8, 15)) == "15 août 2025"


GRID = list(
    itertools.product(
        [
            date(2022, 11, 30),
            date(2023, 6, 1),
            date(2024, 5, 1),
            date(2024, 7, 1),
            date(2025, 7, 1),
            date(2025, 9, 1),
        ],
        ["metropole", "mayotte"],
        [False, True],
        [(), (0,), (3, 11), (1, 4, 7, 13)],
        ["cdi", "cdd", "interim", "formation", "creation_entreprise"],
        [None, D("30"), D("45")],
    )
)


def test_every_message_follows_french_typography():
    for as_of, territory, isolated, children, kind, allowance in GRID[:: max(1, len(GRID) // 400)]:
        result = estimate(
            EstimateInput(
                as_of=as_of,
                territoire=territory,
                parent_isole=isolated,
                inscrit_france_travail=isolated or allowance is None,
                categorie_demandeur=(4 if isolated else "csp"),
                allocation_journaliere=allowance,
                enfants=children,
                activite=Activity(
                    kind, as_of, duree_jours=30, duree_heures=D(39), heures_par_semaine=D(40)
                ),
                date_derniere_aide=date(2022, 1, 1),
                ressources_mensuelles=D(2500) if children else None,
                garde=CareNeed(
                    heures_par_mois=D(100), tarif_horaire=D(9), frais_entretien_mensuels=D(50)
                ),
            )
        )
        texts = [c.message for c in result.age.conditions]
        texts += [
            result.age.amount_explanation,
            result.age.next_steps,
            *result.age.notes,
            *result.notes,
        ]
        for cost in result.costs:
            texts += [
                cost.label,
                *cost.hypotheses,
                *(a.label for a in cost.aids),
                *(a.explanation for a in cost.aids if a.explanation),
            ]
        for text in texts:
            assert_french(text)


def test_mayotte_costs_carry_a_warning():
    result = estimate(full_input(territoire="mayotte"))
    assert result.age.amount == D("208.00")
    assert any("CSSM" in n for n in result.notes)
    for note in result.notes:
        assert_french(note)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"heures_par_mois": D(0)}, "garde.heures_par_mois"),
        ({"heures_par_mois": "beaucoup"}, "garde.heures_par_mois"),
        ({"tarif_horaire": D(-4)}, "garde.tarif_horaire"),
        ({"frais_repas_mensuels": D(-1)}, "garde.frais_repas_mensuels"),
        ({"age_enfant": -2}, "garde.age_enfant"),
    ],
)
def test_invalid_care_need(changes, field):
    with pytest.raises(InvalidInput) as error:
        CareNeed(**changes)
    assert error.value.field == field
    assert_french(error.value.message)
