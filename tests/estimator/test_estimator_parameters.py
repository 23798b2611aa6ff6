"""Dated parameters: loading, lookup at and around each start date, sources, UNVERIFIED marks."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources

import pytest

from app.estimator import parameters
from app.estimator.parameters import (
    ParameterNotFound,
    Reader,
    _parse_file,
    entry,
    names,
    parameter,
    value,
)

FILES = {"age", "agepi", "are", "assistant_maternel", "bmaf", "cmg", "credit_impot", "psu"}


def test_every_file_is_packaged_and_loaded():
    toml_files = {
        r.name.removesuffix(".toml")
        for r in resources.files(parameters).iterdir()
        if r.name.endswith(".toml")
    }
    assert toml_files == FILES
    assert {name.split(".")[0] for name in names()} == FILES


def test_every_entry_has_a_source_a_flag_and_no_float():
    def no_float(raw):
        if isinstance(raw, float):
            return False
        if isinstance(raw, tuple):
            return all(no_float(x) for x in raw)
        if hasattr(raw, "values") and not isinstance(raw, str):
            return all(no_float(x) for x in raw.values())
        return True

    for name in names():
        param = parameter(name)
        assert param.description, name
        for item in param.entries:
            assert item.source.strip(), name
            assert isinstance(item.unverified, bool)
            assert no_float(item.value), name
            if item.unverified:
                assert item.note, f"{name} {item.start}: an UNVERIFIED value needs a note"


def test_value_applies_from_its_start_until_the_next():
    assert value("psu.plafond_mensuel", date(2022, 1, 1)) == Decimal("6000.00")
    assert value("psu.plafond_mensuel", date(2024, 8, 31)) == Decimal("6000.00")
    assert value("psu.plafond_mensuel", date(2024, 9, 1)) == Decimal("7000.00")
    assert value("psu.plafond_mensuel", date(2025, 8, 31)) == Decimal("7000.00")
    assert value("psu.plafond_mensuel", date(2025, 9, 1)) == Decimal("8500.00")
    assert value("psu.plafond_mensuel", date(2040, 1, 1)) == Decimal("8500.00")
    first = entry("psu.plafond_mensuel", date(2023, 5, 5))
    assert (first.start, first.end) == (date(2022, 1, 1), date(2024, 9, 1))
    assert entry("psu.plafond_mensuel", date(2030, 1, 1)).end is None


def test_before_the_first_entry_and_unknown_names_raise():
    with pytest.raises(ParameterNotFound):
        value("psu.plafond_mensuel", date(2021, 12, 31))
    with pytest.raises(ParameterNotFound):
        value("age.dispositif", date(2014, 1, 19))
    with pytest.raises(ParameterNotFound):
        value("psu.nope", date(2024, 1, 1))
    assert issubclass(ParameterNotFound, LookupError)


def test_rule_set_switches_on_1_may_2024():
    assert value("age.dispositif", date(2014, 1, 20)) == "agepi"
    assert value("age.dispositif", date(2024, 4, 30)) == "agepi"
    assert value("age.dispositif", date(2024, 5, 1)) == "age"


def test_unverified_values_of_aids_md_are_marked():
    assert entry("psu.plancher_mensuel", date(2019, 12, 1)).unverified is False  # 705.27 (2019)
    assert entry("psu.plancher_mensuel", date(2023, 6, 1)).unverified is True  # 754.16
    assert entry("psu.plancher_mensuel", date(2025, 6, 1)).unverified is True  # 814.62
    assert entry("psu.taux_effort_parental_pct", date(2024, 1, 1)).unverified is True
    assert entry("cmg.ressources_plancher_mensuel", date(2025, 9, 1)).unverified is True
    assert entry("age.seuil_haut_hebdomadaire_heures", date(2024, 5, 1)).unverified is True
    assert entry("agepi.seuil_haut_hebdomadaire_heures", date(2020, 1, 1)).unverified is True
    assert entry("age.parent_isole_requis", date(2024, 5, 1)).unverified is True
    assert entry("psu.plafond_mensuel", date(2025, 9, 1)).unverified is False


def test_age_resource_thresholds_are_1_3_times_the_minimum_are():
    def threshold(on):
        raw = value("are.montant_minimum", on) * value("are.coefficient_seuil_ressources", on)
        return raw.quantize(Decimal("0.01"), ROUND_HALF_UP)

    # AIDS.md: 41.07 = 1.3 × 31.59; 41.56 = 1.3 × 31.97; 41.77 = 1.3 × 32.13.
    assert threshold(date(2024, 5, 1)) == Decimal("41.07")
    assert threshold(date(2024, 6, 30)) == Decimal("41.07")
    assert threshold(date(2024, 7, 1)) == Decimal("41.56")
    assert threshold(date(2025, 6, 30)) == Decimal("41.56")
    assert threshold(date(2025, 7, 1)) == Decimal("41.77")
    # AGEPI: 1.0 × the minimum ARE in force.
    assert threshold(date(2024, 4, 30)) == Decimal("31.59")
    assert threshold(date(2019, 1, 1)) == Decimal("29.06")


def test_bmaf_and_ceilings():
    assert value("bmaf.bmaf", date(2022, 6, 30)) == Decimal("422.28")
    assert value("bmaf.bmaf", date(2022, 7, 1)) == Decimal("439.17")
    assert value("bmaf.bmaf", date(2023, 4, 1)) == Decimal("445.93")
    assert value("bmaf.bmaf", date(2024, 4, 1)) == Decimal("466.44")
    assert value("bmaf.bmaf", date(2025, 4, 1)) == Decimal("474.37")
    assert value("bmaf.bmaf", date(2026, 4, 1)) == Decimal("478.16")
    assert value("cmg.plafonds_revenus", date(2024, 12, 31))["un_enfant"] == (22809, 50686)
    assert value("cmg.plafonds_revenus", date(2025, 1, 1))["enfant_supplementaire"] == (3392, 7540)
    assert value("credit_impot.plafond_depenses_par_enfant", date(2021, 12, 31)) == Decimal(
        "2300.00"
    )
    assert value("credit_impot.plafond_depenses_par_enfant", date(2022, 1, 1)) == Decimal("3500.00")


def test_values_are_read_only():
    table = value("psu.taux_effort_pct", date(2024, 1, 1))
    with pytest.raises(TypeError):
        table["1"] = Decimal(1)
    assert table["1"] == Decimal("0.0619")


def test_reader_remembers_each_entry_once():
    read = Reader(date(2024, 6, 1))
    read("psu.plafond_mensuel")
    read("psu.plancher_mensuel")
    read("psu.plafond_mensuel")
    assert [e.name for e in read.used] == ["psu.plafond_mensuel", "psu.plancher_mensuel"]
    assert read.used[1].value == Decimal("765.77")


@pytest.mark.parametrize(
    "text, message",
    [
        ('[a]\ndescription = "x"\n', "non-empty list"),
        ("[[a.values]]\nstart = 2020-01-01\nvalue = 1\nunverified = false\n", "without source"),
        (
            '[[a.values]]\nstart = 2020-01-01\nvalue = 1\nsource = ""\nunverified = false\n',
            "needs a source",
        ),
        (
            '[[a.values]]\nstart = 2020-01-01\nvalue = 1\nsource = "s"\nunverified = "no"\n',
            "true or false",
        ),
        (
            '[[a.values]]\nstart = "2020-01-01"\nvalue = 1\nsource = "s"\nunverified = false\n',
            "must be a date",
        ),
        (
            '[[a.values]]\nstart = 2021-01-01\nvalue = 1\nsource = "s"\nunverified = false\n'
            '[[a.values]]\nstart = 2020-01-01\nvalue = 2\nsource = "s"\nunverified = false\n',
            "increasing",
        ),
        (
            '[[a.values]]\nstart = 2020-01-01\nvalue = 1\nsource = "s"\nunverified = false\n'
            "foo = 1\n",
            "unknown key",
        ),
    ],
)
def test_malformed_parameter_files_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        _parse_file("x", text)
