"""AGE (from 1 May 2024) and AGEPI (before): each condition at and around its threshold, each date
switch, the amounts, Mayotte, the deadline and the French messages."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from kit.estimator import NNBSP, activity, age_input, agepi_input, assert_french

from app.estimator import Activity, AgeInput, DateOutOfRange, InvalidInput, estimate_age

AGE_CODES = [
    "registration",
    "resources",
    "child_age",
    "event",
    "application_delay",
    "once_per_12_months",
]
AGEPI_CODES = [
    "registration",
    "resources",
    "child_age",
    "isolated_parent",
    "event",
    "application_delay",
    "once_per_12_months",
]


def check(result, code):
    return result.condition(code)


# ---- The whole answer ------------------------------------------------------------------------


def test_eligible_age_case():
    result = estimate_age(age_input())
    assert result.dispositif == "age" and result.name == "AGE"
    assert result.eligible is True
    assert result.amount == Decimal("416.00")
    assert [c.code for c in result.conditions] == AGE_CODES
    assert all(c.ok for c in result.conditions)
    # Start 10 June 2024 + 3 months.
    assert result.deadline == date(2024, 9, 10)
    assert "10\u00a0septembre 2024" in result.next_steps
    assert "France Travail" in result.next_steps
    assert "dérogation" not in result.next_steps
    for text in [c.message for c in result.conditions] + [
        result.next_steps,
        result.amount_explanation,
        *result.notes,
    ]:
        assert_french(text)


def test_eligible_agepi_case():
    result = estimate_age(agepi_input())
    assert result.dispositif == "agepi" and result.name == "AGEPI"
    assert result.full_name == "aide à la garde d’enfants pour parents isolés"
    assert result.eligible is True
    assert result.amount == Decimal("416.00")  # amounts of 1 Dec 2022
    assert [c.code for c in result.conditions] == AGEPI_CODES
    # Start 5 June 2023 + 1 month.
    assert result.deadline == date(2023, 7, 5)
    assert "Pôle emploi" in result.next_steps  # France Travail since 1 January 2024


def test_not_eligible_gives_zero_the_potential_amount_and_mentions_a_derogation():
    result = estimate_age(
        age_input(activite=activity("cdd", duree_jours=10, heures_par_semaine=Decimal(35)))
    )
    assert result.eligible is False
    assert result.amount == Decimal("0.00")
    assert result.amount_if_eligible == Decimal("416.00")
    assert "dérogation" in result.next_steps
    assert "conseiller ou conseillère France Travail" in result.next_steps
    assert_french(result.next_steps)


def test_parameters_used_carry_their_sources():
    result = estimate_age(age_input(allocation_journaliere=Decimal("20")))
    used = {e.name: e for e in result.parameters_used}
    assert "are.montant_minimum" in used and "age.montants" in used
    assert used["are.montant_minimum"].value == Decimal("31.59")
    assert all(e.source for e in used.values())


def test_result_is_deterministic():
    assert estimate_age(age_input()) == estimate_age(age_input())


# ---- Registration ----------------------------------------------------------------------------


def test_not_registered():
    condition = check(estimate_age(age_input(inscrit_france_travail=False)), "registration")
    assert condition.ok is False
    assert condition.message.startswith("Vous n’êtes pas inscrit·e à France Travail.")
    assert_french(condition.message)


@pytest.mark.parametrize("category", [1, 2, 3, 4, 5, 6, 7, 8, "csp", "pap"])
def test_age_categories(category):
    condition = check(estimate_age(age_input(categorie_demandeur=category)), "registration")
    assert condition.ok is True
    assert_french(condition.message)


@pytest.mark.parametrize(
    "category, ok",
    [(1, True), (5, True), (6, False), (7, False), (8, False), ("csp", False), ("pap", False)],
)
def test_agepi_categories(category, ok):
    condition = check(estimate_age(agepi_input(categorie_demandeur=category)), "registration")
    assert condition.ok is ok
    if not ok:
        assert "réservée aux catégories 1, 2, 3, 4\u00a0et 5" in condition.message


def test_category_details_and_unknown_category():
    assert (
        "stagiaire de la formation professionnelle"
        in check(estimate_age(age_input(categorie_demandeur=4)), "registration").message
    )
    assert (
        "contrat aidé"
        in check(estimate_age(age_input(categorie_demandeur=5)), "registration").message
    )
    assert (
        "contrat de sécurisation professionnelle (CSP)"
        in check(estimate_age(age_input(categorie_demandeur="CSP")), "registration").message
    )
    unknown = check(estimate_age(age_input(categorie_demandeur=None)), "registration")
    assert unknown.ok is True and "Vérifiez votre catégorie" in unknown.message


# ---- Resources -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "as_of, allowance, ok",
    [
        # AGE: 1.3 × minimum ARE. 41.07 until 30 June 2024.
        (date(2024, 5, 1), "41.07", True),
        (date(2024, 6, 30), "41.07", True),
        (date(2024, 6, 30), "41.08", False),
        # 41.56 from 1 July 2024.
        (date(2024, 7, 1), "41.08", True),
        (date(2024, 7, 1), "41.56", True),
        (date(2024, 7, 1), "41.57", False),
        (date(2025, 6, 30), "41.56", True),
        (date(2025, 6, 30), "41.57", False),
        # 41.77 from 1 July 2025.
        (date(2025, 7, 1), "41.77", True),
        (date(2025, 7, 1), "41.78", False),
        (date(2025, 7, 1), "0", True),
    ],
)
def test_age_resources_threshold(as_of, allowance, ok):
    start = activity(start=as_of)
    result = estimate_age(
        age_input(as_of=as_of, activite=start, allocation_journaliere=Decimal(allowance))
    )
    assert check(result, "resources").ok is ok
    assert result.eligible is ok


def test_age_resources_message_names_the_limit():
    message = check(
        estimate_age(
            age_input(
                as_of=date(2024, 7, 1),
                activite=activity(start=date(2024, 7, 1), heures_par_semaine=Decimal(35)),
                allocation_journaliere=Decimal("41.57"),
            )
        ),
        "resources",
    ).message
    assert "41,57\u00a0€ par jour" in message
    assert (
        "41,56\u00a0€ par jour (1,3\u00a0fois le montant minimum de l’allocation chômage, "
        "31,97\u00a0€)" in message
    )
    assert_french(message)


@pytest.mark.parametrize(
    "as_of, allowance, ok",
    [
        # AGEPI: 1.0 × the minimum ARE in force (31.00 from 1 April 2023, 31.59 from 1 July 2023).
        (date(2023, 6, 30), "31.00", True),
        (date(2023, 6, 30), "31.01", False),
        (date(2023, 7, 1), "31.59", True),
        (date(2024, 4, 30), "31.59", True),
        (date(2024, 4, 30), "31.60", False),
    ],
)
def test_agepi_resources_threshold(as_of, allowance, ok):
    result = estimate_age(
        agepi_input(
            as_of=as_of, activite=activity(start=as_of), allocation_journaliere=Decimal(allowance)
        )
    )
    assert check(result, "resources").ok is ok


def test_no_allowance_or_rsa_counts_as_none():
    condition = check(estimate_age(age_input(allocation_journaliere=None)), "resources")
    assert condition.ok is True
    assert "RSA" in condition.message
    assert_french(condition.message)


def test_float_allowance_is_read_exactly():
    # 41.07 as a float must not become 41.0700000000000002842…
    result = estimate_age(
        age_input(
            as_of=date(2024, 6, 1),
            activite=activity(start=date(2024, 6, 1)),
            allocation_journaliere=41.07,
        )
    )
    assert check(result, "resources").ok is True


# ---- Child age -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "age, ok", [(0, True), (9, True), (10, True), (11, True), (12, False), (13, False)]
)
def test_age_child_under_12(age, ok):
    condition = check(estimate_age(age_input(enfants=(age,))), "child_age")
    assert condition.ok is ok
    assert "12\u00a0ans" in condition.message
    assert_french(condition.message)


@pytest.mark.parametrize("age, ok", [(9, True), (10, False), (11, False), (12, False)])
def test_agepi_child_under_10(age, ok):
    condition = check(estimate_age(agepi_input(enfants=(age,))), "child_age")
    assert condition.ok is ok
    assert "10\u00a0ans" in condition.message


def test_child_age_messages():
    assert check(estimate_age(age_input(enfants=(2, 5))), "child_age").message.startswith(
        "Vous avez 2\u00a0enfants de moins de 12\u00a0ans"
    )
    assert check(estimate_age(age_input(enfants=(2, 15))), "child_age").message.startswith(
        "Vous avez un enfant de moins de 12\u00a0ans"
    )
    none = check(estimate_age(age_input(enfants=())), "child_age")
    assert none.ok is False and "aucun enfant" in none.message


# ---- Isolated parent -------------------------------------------------------------------------


def test_agepi_requires_an_isolated_parent():
    result = estimate_age(agepi_input(parent_isole=False))
    assert check(result, "isolated_parent").ok is False
    assert result.eligible is False
    assert "élèvent seuls leurs enfants" in check(result, "isolated_parent").message


def test_age_no_longer_requires_an_isolated_parent_and_says_so():
    result = estimate_age(age_input(parent_isole=False))
    assert "isolated_parent" not in [c.code for c in result.conditions]
    assert result.eligible is True
    (note,) = result.notes
    assert "n’est plus nécessaire d’élever seul·e" in note
    assert "1er\u00a0mai 2024" in note
    assert "service-public.fr" in note
    assert_french(note)


# ---- Event type and duration -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["cdd", "interim"])
@pytest.mark.parametrize("days, ok", [(1, False), (27, False), (28, True), (29, True), (365, True)])
def test_age_fixed_term_contract_at_least_28_days(kind, days, ok):
    condition = check(estimate_age(age_input(activite=activity(kind, duree_jours=days))), "event")
    assert condition.ok is ok
    assert "au moins 28\u00a0jours de suite" in condition.message
    assert_french(condition.message)


@pytest.mark.parametrize(
    "start, days, ok",
    [
        # 15 Jan 2023 + 3 months = 15 Apr 2023: 90 days.
        (date(2023, 1, 15), 89, False),
        (date(2023, 1, 15), 90, True),
        # 1 Mar 2023 + 3 months = 1 Jun 2023: 92 days.
        (date(2023, 3, 1), 91, False),
        (date(2023, 3, 1), 92, True),
        # 28 days is enough for the AGE, not for the AGEPI.
        (date(2023, 3, 1), 28, False),
    ],
)
def test_agepi_fixed_term_contract_at_least_3_months(start, days, ok):
    condition = check(
        estimate_age(agepi_input(as_of=start, activite=Activity("cdd", start, duree_jours=days))),
        "event",
    )
    assert condition.ok is ok
    assert "3\u00a0mois de suite" in condition.message


def test_contract_without_length():
    condition = check(estimate_age(age_input(activite=activity("cdd"))), "event")
    assert condition.ok is False and condition.message.startswith("Indiquez la durée de votre CDD")


@pytest.mark.parametrize(
    "hours, ok", [("39", False), ("39.5", False), ("40", True), ("41", True), ("600", True)]
)
def test_training_at_least_40_hours(hours, ok):
    for builder in (age_input, agepi_input):
        base = builder()
        start = base.activite.date_debut
        condition = check(
            estimate_age(
                replace(base, activite=Activity("formation", start, duree_heures=Decimal(hours)))
            ),
            "event",
        )
        assert condition.ok is ok
        assert "au moins 40\u00a0heures" in condition.message


def test_training_message_mentions_distance_learning():
    message = check(
        estimate_age(age_input(activite=activity("formation", duree_heures=Decimal(40)))), "event"
    ).message
    assert "à distance" in message and "validée" in message
    assert_french(message)


def test_training_without_length():
    assert check(estimate_age(age_input(activite=activity("formation"))), "event").ok is False


def test_cdi_full_or_part_time():
    for weekly in (Decimal(10), Decimal(35)):
        condition = check(
            estimate_age(age_input(activite=activity("cdi", heures_par_semaine=weekly))), "event"
        )
        assert condition.ok is True and "CDI" in condition.message


def test_business_creation():
    age = check(
        estimate_age(age_input(activite=activity("creation_entreprise", salarie_entreprise=True))),
        "event",
    )
    assert age.ok is False and "ne fait pas partie des situations prévues par l’AGE" in age.message
    salaried = agepi_input(
        activite=Activity("creation_entreprise", date(2023, 6, 5), salarie_entreprise=True)
    )
    assert check(estimate_age(salaried), "event").ok is True
    not_salaried = agepi_input(activite=Activity("creation_entreprise", date(2023, 6, 5)))
    assert check(estimate_age(not_salaried), "event").ok is False


def test_no_activity():
    result = estimate_age(age_input(activite=None))
    assert check(result, "event").ok is False
    assert check(result, "application_delay").ok is False
    assert result.deadline is None
    assert result.eligible is False


# ---- Application delay -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "asked, ok",
    [
        (date(2024, 5, 20), True),
        (date(2024, 6, 10), True),
        (date(2024, 9, 10), True),
        (date(2024, 9, 11), False),
    ],
)
def test_age_apply_within_3_months(asked, ok):
    condition = check(estimate_age(age_input(date_demande=asked)), "application_delay")
    assert condition.ok is ok
    assert "10\u00a0septembre 2024" in condition.message
    assert_french(condition.message)


@pytest.mark.parametrize("asked, ok", [(date(2023, 7, 5), True), (date(2023, 7, 6), False)])
def test_agepi_apply_within_1_month(asked, ok):
    condition = check(estimate_age(agepi_input(date_demande=asked)), "application_delay")
    assert condition.ok is ok
    assert "1\u00a0mois après le début" in condition.message


def test_deadline_at_the_end_of_a_month():
    result = estimate_age(
        age_input(as_of=date(2024, 11, 30), activite=activity(start=date(2024, 11, 30)))
    )
    assert result.deadline == date(2025, 2, 28)


def test_without_application_date_the_estimate_date_counts():
    late = age_input(as_of=date(2024, 9, 11))
    condition = check(estimate_age(late), "application_delay")
    assert condition.ok is False and condition.message.startswith("Le délai est dépassé")
    on_time = check(estimate_age(age_input(as_of=date(2024, 9, 10))), "application_delay")
    assert on_time.ok is True and "jusqu’au 10\u00a0septembre 2024" in on_time.message


# ---- Once per 12 months ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "previous, ok",
    [
        (date(2023, 6, 10), True),
        (date(2023, 6, 11), False),
        (date(2024, 1, 1), False),
        (date(2020, 1, 1), True),
    ],
)
def test_once_per_12_months_from_the_previous_start(previous, ok):
    condition = check(estimate_age(age_input(date_derniere_aide=previous)), "once_per_12_months")
    assert condition.ok is ok
    assert_french(condition.message)
    if not ok:
        assert "une nouvelle aide est possible" in condition.message


def test_once_per_12_months_message_gives_the_next_date():
    message = check(
        estimate_age(age_input(date_derniere_aide=date(2023, 6, 11))), "once_per_12_months"
    ).message
    assert "à partir du 11\u00a0juin 2024" in message


def test_no_previous_aid():
    assert check(estimate_age(age_input()), "once_per_12_months").ok is True


# ---- Amounts and tiers -----------------------------------------------------------------------

CHILDREN = [((3,), 0), ((3, 5), 1), ((3, 5, 7), 2), ((1, 3, 5, 7), 3)]


@pytest.mark.parametrize("ages, index", CHILDREN)
def test_age_amounts_by_number_of_children(ages, index):
    full = [Decimal("416.00"), Decimal("478.40"), Decimal("540.80"), Decimal("540.80")]
    reduced = [Decimal("176.80"), Decimal("202.80"), Decimal("228.80"), Decimal("228.80")]
    assert estimate_age(age_input(enfants=ages)).amount == full[index]
    low = activity(heures_par_semaine=Decimal(10))
    assert estimate_age(age_input(enfants=ages, activite=low)).amount == reduced[index]


def test_only_children_under_the_limit_count():
    assert estimate_age(age_input(enfants=(3, 12, 15))).amount == Decimal("416.00")
    assert estimate_age(agepi_input(enfants=(3, 10, 11))).amount == Decimal("416.00")


def test_four_children_explanation_says_the_amount_stops_growing():
    text = estimate_age(age_input(enfants=(1, 3, 5, 7))).amount_explanation
    assert "4\u00a0enfants" in text and "à partir de 3\u00a0enfants" in text
    assert_french(text)


@pytest.mark.parametrize(
    "weekly, monthly, amount",
    [
        ("14.9", None, "176.80"),
        ("15", None, "416.00"),
        (None, "63", "176.80"),
        (None, "64", "416.00"),
        (None, "63.9", "176.80"),
        ("15", "63", "176.80"),  # 15 h in a week but under 64 h in the month: low tier (AIDS.md)
        ("15", "64", "416.00"),
        ("14", "64", "176.80"),
        ("40", None, "416.00"),  # above 35 h: full tier (UNVERIFIED, as OpenFisca-France)
    ],
)
def test_tier_by_weekly_and_monthly_hours(weekly, monthly, amount):
    hours = activity(
        heures_par_semaine=Decimal(weekly) if weekly else None,
        heures_par_mois=Decimal(monthly) if monthly else None,
    )
    assert estimate_age(age_input(activite=hours)).amount == Decimal(amount)
    assert estimate_age(
        agepi_input(activite=replace(hours, date_debut=date(2023, 6, 5)))
    ).amount == Decimal(amount)


def test_tier_explanations():
    full = estimate_age(age_input()).amount_explanation
    assert "15\u00a0heures ou plus par semaine\u202f: 416,00\u00a0€" in full
    mixed = estimate_age(
        age_input(activite=activity(heures_par_semaine=Decimal(15), heures_par_mois=Decimal(63)))
    ).amount_explanation
    assert "176,80\u00a0€" in mixed and "sous 64\u00a0heures" in mixed
    for text in (full, mixed):
        assert_french(text)


def test_unknown_hours_take_the_low_tier_and_show_the_full_one():
    result = estimate_age(age_input(activite=activity()))
    assert result.amount == Decimal("176.80")
    assert "Vous n’avez pas indiqué vos heures" in result.amount_explanation
    assert "416,00\u00a0€" in result.amount_explanation


def test_above_35_hours_is_flagged_as_unverified():
    result = estimate_age(age_input(activite=activity(heures_par_semaine=Decimal(39))))
    assert any("Au-delà de 35\u00a0heures" in note for note in result.notes)
    assert any(
        e.name == "age.seuil_haut_hebdomadaire_heures" and e.unverified
        for e in result.parameters_used
    )


# ---- Date switches ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "as_of, full, reduced",
    [
        (date(2022, 11, 30), ["400.00", "460.00", "520.00"], ["170.00", "195.00", "220.00"]),
        (date(2022, 12, 1), ["416.00", "478.40", "540.80"], ["176.80", "202.80", "228.80"]),
    ],
)
def test_amounts_switch_on_1_december_2022(as_of, full, reduced):
    for index, ages in enumerate([(3,), (3, 5), (3, 5, 7)]):
        high = agepi_input(
            as_of=as_of,
            enfants=ages,
            activite=Activity("cdi", as_of, heures_par_semaine=Decimal(20)),
        )
        low = replace(high, activite=Activity("cdi", as_of, heures_par_semaine=Decimal(10)))
        assert estimate_age(high).amount == Decimal(full[index])
        assert estimate_age(low).amount == Decimal(reduced[index])


def test_rules_switch_on_1_may_2024():
    # Same parent: not isolated, child aged 11, CDD of 28 days, applies on the first day. The
    # rule set is the one in force on the day the job starts (instruction DG n°2024-16 §3.1).
    def case(start):
        return AgeInput(
            as_of=date(2024, 4, 20),
            inscrit_france_travail=True,
            categorie_demandeur=6,
            enfants=(11,),
            activite=Activity("cdd", start, duree_jours=28, heures_par_semaine=Decimal(35)),
            date_demande=start,
            allocation_journaliere=Decimal("35.00"),
        )

    before = estimate_age(case(date(2024, 4, 30)))
    assert before.dispositif == "agepi" and before.eligible is False
    assert {c.code for c in before.conditions if not c.ok} == {
        "registration",
        "resources",
        "child_age",
        "isolated_parent",
        "event",
    }
    after = estimate_age(case(date(2024, 5, 1)))
    assert after.dispositif == "age" and after.eligible is True
    assert after.amount == Decimal("416.00")


def test_date_before_the_agepi_is_refused():
    with pytest.raises(DateOutOfRange) as error:
        estimate_age(age_input(as_of=date(2014, 1, 19), activite=None))
    assert error.value.field == "date"
    with pytest.raises(DateOutOfRange) as error:
        estimate_age(age_input(activite=activity(start=date(2014, 1, 19))))
    assert error.value.field == "activite.date_debut"
    assert "20\u00a0janvier 2014" in error.value.message
    estimate_age(agepi_input(as_of=date(2014, 1, 20), activite=Activity("cdi", date(2014, 1, 20))))


# ---- Mayotte ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ages, full, reduced",
    [((3,), "208.00", "88.40"), ((3, 5), "239.20", "101.40"), ((3, 5, 7), "270.40", "114.40")],
)
def test_mayotte_halves_the_age(ages, full, reduced):
    assert estimate_age(age_input(territoire="mayotte", enfants=ages)).amount == Decimal(full)
    low = activity(heures_par_semaine=Decimal(14))
    assert estimate_age(
        age_input(territoire="mayotte", enfants=ages, activite=low)
    ).amount == Decimal(reduced)


@pytest.mark.parametrize(
    "ages, full, reduced",
    [((3,), "200.00", "85.00"), ((3, 5), "230.00", "97.50"), ((3, 5, 7), "260.00", "110.00")],
)
def test_mayotte_halves_the_agepi_before_december_2022(ages, full, reduced):
    as_of = date(2022, 6, 1)
    high = agepi_input(
        as_of=as_of,
        territoire="mayotte",
        enfants=ages,
        activite=Activity("cdi", as_of, heures_par_semaine=Decimal(20)),
    )
    assert estimate_age(high).amount == Decimal(full)
    low = replace(high, activite=Activity("cdi", as_of, heures_par_semaine=Decimal(5)))
    assert estimate_age(low).amount == Decimal(reduced)


def test_mayotte_explanation():
    text = estimate_age(age_input(territoire="mayotte")).amount_explanation
    assert "Mayotte" in text and "208,00\u00a0€" in text
    assert_french(text)


# ---- Invalid input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda: age_input(territoire="guyane"), "territoire"),
        (lambda: age_input(categorie_demandeur=9), "categorie_demandeur"),
        (lambda: age_input(categorie_demandeur=True), "categorie_demandeur"),
        (lambda: age_input(allocation_journaliere=Decimal("-1")), "allocation_journaliere"),
        (lambda: age_input(allocation_journaliere="beaucoup"), "allocation_journaliere"),
        (lambda: age_input(enfants=(-1,)), "enfants"),
        (lambda: age_input(as_of="2024-06-01"), "date"),
        (lambda: Activity("stage", date(2024, 6, 1)), "activite.type"),
        (lambda: Activity("cdd", date(2024, 6, 1), duree_jours=-3), "activite.duree_jours"),
        (
            lambda: Activity("cdi", date(2024, 6, 1), heures_par_semaine=Decimal(200)),
            "activite.heures_par_semaine",
        ),
        (lambda: Activity("cdi", None), "activite.date_debut"),
    ],
)
def test_invalid_input_names_the_field_in_french(make, field):
    with pytest.raises(InvalidInput) as error:
        make()
    assert error.value.field == field
    assert_french(error.value.message)


def test_category_given_as_text_is_accepted():
    assert age_input(categorie_demandeur="3").categorie_demandeur == 3
    assert age_input(categorie_demandeur="PAP").categorie_demandeur == "pap"


def test_nbsp_is_used_not_plain_spaces():
    result = estimate_age(
        age_input(inscrit_france_travail=False, allocation_journaliere=Decimal(50))
    )
    joined = " ".join(c.message for c in result.conditions)
    assert f"{NNBSP}:" in joined
    assert " :" not in joined
