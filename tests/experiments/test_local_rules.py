"""Local rules in the pure estimator: they win over the national values on their own dates
only, and the answer says which values were local."""

from __future__ import annotations

from datetime import date

from kit.estimator import activity, age_input

from app.estimator import estimate_age
from app.experiments.rules import decode, encode, overlay, overrides_of, rows_for

LOCAL = overlay(
    rows_for({"age_enfant_maximum": 15}, date(2025, 1, 1), date(2025, 12, 31), "Essai du Var"),
    "83",
)


def test_the_local_child_age_limit_applies_to_a_job_starting_in_the_period():
    inputs = age_input(
        as_of=date(2025, 3, 1), enfants=(13,), activite=activity(start=date(2025, 3, 3))
    )
    assert not estimate_age(inputs).eligible
    local = estimate_age(age_input(**{**inputs.__dict__, "regles_locales": LOCAL}))
    message = local.condition("child_age").message.replace("\u00a0", " ")
    assert local.eligible and "moins de 15 ans" in message
    assert [e.name for e in local.local_entries] == ["age.age_enfant_maximum"]
    assert local.local_entries[0].source == "Essai du Var"


def test_before_or_after_the_period_the_national_rule_applies():
    for start in (date(2024, 12, 30), date(2026, 1, 1)):
        result = estimate_age(
            age_input(
                as_of=date(2024, 12, 1),
                enfants=(13,),
                activite=activity(start=start),
                regles_locales=LOCAL,
            )
        )
        assert not result.eligible and result.local_entries == ()


def test_values_go_through_storage_unchanged():
    from decimal import Decimal

    values = {"coefficient_seuil_ressources": Decimal("1.75"), "montant_plein_2": Decimal("500")}
    rows = rows_for(values, date(2025, 1, 1), date(2025, 6, 30), "s")
    assert {r.name for r in rows} == {"are.coefficient_seuil_ressources", "age.montants"}
    montants = decode(next(r.value for r in rows if r.name == "age.montants"))
    assert montants["plein"] == (Decimal("416.00"), Decimal("500"), Decimal("540.80"))
    assert decode(encode(Decimal("1.75"))) == Decimal("1.75")
    assert overrides_of(rows, date(2025, 1, 1)) == values
