"""Cross-check against OpenFisca-France (test-only dependency, ``openfisca-france``).

Two kinds of checks:

1. **Shared parameters**: every value we share with OpenFisca-France (BMAF, minimum ARE, CMG
   rates, ceilings and age limits, tax-credit rate and ceiling, legacy AGEPI amounts and
   thresholds) is compared with OpenFisca's parameter at sample dates (each of our start dates,
   the day before each of our changes, and fixed dates), one test id per value and date. A second
   test per parameter checks that OpenFisca has no revaluation that we lack.
2. **Legacy AGEPI** (before 1 May 2024): OpenFisca's ``agepi`` / ``agepi_eligible`` variables are
   run on a grid of cases and compared with :func:`app.estimator.estimate_age` (verdict and
   amount). Where we differ, the divergence is asserted explicitly, both sides, with its reason
   (``DIVERGENCES``): if OpenFisca changes, the test fails and says which case to move back to
   the agreeing grid.

OpenFisca-France models only the legacy AGEPI (see AIDS.md §1), and its ``agepi`` formula reads
the Mayotte minimum ARE, which it only knows from 1 July 2020: the AGEPI grid therefore runs from
July 2020 to April 2024 (the earlier amounts are covered by the parameter checks).

No network: the tax-benefit system is built from the installed package, once per module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import reduce
from typing import Any

import openfisca_france  # test dependency: pip install -e '.[test]'
import pytest
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.simulation_builder import SimulationBuilder

from app.core.dates import add_months
from app.core.french import money
from app.estimator import Activity, AgeInput, AgeResult, cmg_monthly, estimate_age
from app.estimator.parameters import parameter, value


@pytest.fixture(scope="module")
def tbs():
    """OpenFisca-France's tax-benefit system (a few seconds to build: once per module)."""
    return openfisca_france.CountryTaxBenefitSystem()


def _of_parameter(tbs, path: str, on: date) -> Any:
    """OpenFisca's parameter ``path`` (dotted, under ``tbs.parameters``) in force on ``on``."""
    return reduce(getattr, path.split("."), tbs.parameters(on.isoformat()))


def _same(ours: Any, theirs: Any) -> bool:
    """Exact comparison of our Decimal / int with OpenFisca's float / int (read from YAML)."""
    if theirs is None:
        return False
    return Decimal(str(theirs)) == Decimal(ours)


# ---- 1. Shared parameters --------------------------------------------------------------------

CMG = "prestations_sociales.prestations_familiales.petite_enfance.paje"
AGEPI = "prestations_sociales.prestations_familiales.education_presence_parentale.agepi"
ARE_MINIMUM = (
    "chomage.allocations_assurance_chomage.alloc_base.montant_minimum.apres_1979."
    "montant_minimum_hors_mayotte"
)
# The CMG by income bracket (its rates and ceilings) is replaced on 1 September 2025 by the
# « taux d'effort » formula, which OpenFisca-France does not model: compare until then only.
CMG_BRACKETS_END = date(2025, 9, 1)
# The AGEPI parameters are read only before 1 May 2024 (age.dispositif); ours stay « in force »
# after that date in agepi.toml but are never used, so compare until then only.
AGEPI_END = date(2024, 5, 1)


@dataclass(frozen=True)
class Shared:
    """One value we share with OpenFisca: ``ours(on)`` and OpenFisca's parameter ``path``.

    ``until``: exclusive end of the period where the value is used by our rules (None: no end).
    ``extra_dates``: sample dates besides our own start dates and the day before each change.
    """

    label: str
    ours: Callable[[date], Any]
    path: str
    first: date
    until: date | None = None
    extra_dates: tuple[date, ...] = ()
    # The parameter whose start dates are ours (for the sample dates and revaluation check).
    our_name: str = ""


def _item(name: str, *keys: Any) -> Callable[[date], Any]:
    def read(on: date) -> Any:
        return reduce(lambda v, k: v[k], keys, value(name, on))

    return read


def _mayotte_table(name: str, tier: str) -> Callable[[date], tuple[Decimal, ...]]:
    """Our Mayotte amounts: each amount of the table × the Mayotte coefficient, to the cent."""

    def read(on: date) -> tuple[Decimal, ...]:
        factor = value(f"{name.split('.')[0]}.coefficient_mayotte", on)
        return tuple(money(amount * factor) for amount in value(name, on)[tier])

    return read


SHARED: list[Shared] = [
    Shared(
        "are.montant_minimum",
        _item("are.montant_minimum"),
        ARE_MINIMUM,
        first=date(2013, 7, 1),
        extra_dates=(date(2020, 1, 1), date(2024, 5, 1), date(2026, 1, 1)),
        our_name="are.montant_minimum",
    ),
    Shared(
        "bmaf.bmaf",
        _item("bmaf.bmaf"),
        "prestations_sociales.prestations_familiales.bmaf.bmaf",
        first=date(2021, 4, 1),
        extra_dates=(date(2022, 6, 30), date(2025, 1, 1), date(2026, 6, 1)),
        our_name="bmaf.bmaf",
    ),
    # CMG for a childminder employed directly (CSS art. D.531-18, « cas général » in OpenFisca;
    # its ``assistante_mat_asso_entreprise_microcreche`` rates are for an association, a company
    # or a micro-crèche, art. D.531-23, which the estimator does not model).
    *[
        Shared(
            f"cmg.taux_assistant_maternel.tranche_{i + 1}",
            _item("cmg.taux_assistant_maternel", i),
            f"{CMG}.paje_cmg.complement_libre_choix_mode_garde.{key}",
            first=date(2022, 1, 1),
            until=CMG_BRACKETS_END,
            extra_dates=(date(2024, 6, 1),),
            our_name="cmg.taux_assistant_maternel",
        )
        for i, key in enumerate(
            ("revenus_inferieurs_45_plaf", "revenus_superieurs_45_plaf", "revenus_superieurs_plaf")
        )
    ],
    *[
        Shared(
            f"cmg.plafonds_revenus.{key}.{ceiling}",
            _item("cmg.plafonds_revenus", key, i),
            f"{CMG}.plaf_cmg.{ceiling}_ne_adopte_apres_04_2014.{theirs}",
            first=date(2022, 1, 1),
            until=CMG_BRACKETS_END,
            extra_dates=(date(2023, 7, 1), date(2025, 8, 31)),
            our_name="cmg.plafonds_revenus",
        )
        for key, theirs in (
            ("un_enfant", "enfant"),
            ("deux_enfants", "deux_enfants"),
            ("enfant_supplementaire", "majoration_enfant_supp"),
        )
        for i, ceiling in enumerate(("premier_plafond", "deuxieme_plafond"))
    ],
    Shared(
        "cmg.majoration_plafonds_parent_isole",
        _item("cmg.majoration_plafonds_parent_isole"),
        f"{CMG}.paje_cmg.majoration_plafond_une_personne_isolee",
        first=date(2022, 1, 1),
        until=CMG_BRACKETS_END,
        extra_dates=(date(2025, 8, 31),),
        our_name="cmg.majoration_plafonds_parent_isole",
    ),
    Shared(
        "cmg.age_demi_montant",
        _item("cmg.age_demi_montant"),
        f"{CMG}.paje_cmg.limite_age.pleine",
        first=date(2004, 1, 1),
        until=CMG_BRACKETS_END,
        extra_dates=(date(2022, 1, 1), date(2025, 8, 31)),
        our_name="cmg.age_demi_montant",
    ),
    Shared(
        "cmg.age_maximum",
        _item("cmg.age_maximum"),
        f"{CMG}.paje_cmg.limite_age.reduite",
        first=date(2004, 1, 1),
        extra_dates=(date(2022, 1, 1), date(2025, 9, 1), date(2026, 1, 1)),
        our_name="cmg.age_maximum",
    ),
    Shared(
        "credit_impot.taux",
        _item("credit_impot.taux"),
        "impot_revenu.credits_impots.gardenf.taux",
        first=date(2006, 1, 1),
        extra_dates=(date(2022, 1, 1), date(2025, 1, 1)),
        our_name="credit_impot.taux",
    ),
    Shared(
        "credit_impot.plafond_depenses_par_enfant",
        _item("credit_impot.plafond_depenses_par_enfant"),
        "impot_revenu.credits_impots.gardenf.plafond",
        first=date(2001, 1, 1),
        extra_dates=(date(2015, 1, 1), date(2025, 1, 1)),
        our_name="credit_impot.plafond_depenses_par_enfant",
    ),
    *[
        Shared(
            f"agepi.{ours}",
            _item(f"agepi.{ours}", *keys),
            f"{AGEPI}.{theirs}",
            first=date(2014, 1, 20),
            until=AGEPI_END,
            extra_dates=(date(2020, 7, 1),),
            our_name=f"agepi.{ours}",
        )
        for ours, keys, theirs in (
            ("age_enfant_maximum", (), "age_enfant_maximum"),
            ("formation_duree_minimum_heures", (), "duree_de_formation_minimum"),
            # OpenFisca counts the CDD / CTT in months, as the délibération does.
            ("cdd_duree_minimum", ("mois",), "duree_cdd_ctt_minimum"),
            ("seuil_hebdomadaire_heures", (), "intensite_hebdomadaire_seuil"),
            ("seuil_mensuel_heures", (), "intensite_mensuelle_seuil"),
        )
    ],
]


@dataclass(frozen=True)
class SharedTable:
    """AGEPI amounts: ours (by number of children) against an OpenFisca single-amount scale."""

    label: str
    ours: Callable[[date], Any]
    path: str
    our_name: str = "agepi.montants"


AGEPI_TABLES = [
    SharedTable(
        f"agepi.montants.{tier}" + ("-mayotte" if mayotte else ""),
        _mayotte_table("agepi.montants", tier) if mayotte else _item("agepi.montants", tier),
        f"{AGEPI}.montants.{'mayotte' if mayotte else 'hors_mayotte'}.{bound}",
    )
    for mayotte in (False, True)
    for tier, bound in (("reduit", "minimum"), ("plein", "maximum"))
]
AGEPI_TABLE_DATES = (
    date(2014, 1, 20),
    date(2019, 6, 1),
    date(2022, 11, 30),
    date(2022, 12, 1),
    date(2024, 4, 30),
)


def _sample_dates(item: Shared) -> list[date]:
    """Our start dates, the day before each of our changes, and the extra dates, in range."""
    dates = set(item.extra_dates)
    if item.until is not None:
        dates.add(item.until - timedelta(days=1))
    for found in parameter(item.our_name).entries:
        dates.add(max(found.start, item.first))
        if found.end is not None:
            dates.add(found.end - timedelta(days=1))
    return sorted(d for d in dates if d >= item.first and (item.until is None or d < item.until))


@pytest.mark.parametrize(
    ("item", "on"),
    [
        pytest.param(item, on, id=f"{item.label}@{on.isoformat()}")
        for item in SHARED
        for on in _sample_dates(item)
    ],
)
def test_shared_parameter_agrees(tbs, item: Shared, on: date):
    ours = item.ours(on)
    theirs = _of_parameter(tbs, item.path, on)
    assert _same(ours, theirs), f"{item.label} on {on}: ours {ours}, OpenFisca {theirs}"


@pytest.mark.parametrize(
    ("table", "on"),
    [
        pytest.param(table, on, id=f"{table.label}@{on.isoformat()}")
        for table in AGEPI_TABLES
        for on in AGEPI_TABLE_DATES
    ],
)
def test_agepi_amounts_agree(tbs, table: SharedTable, on: date):
    ours = table.ours(on)  # 1, 2, 3 or more children
    scale = _of_parameter(tbs, table.path, on)
    assert list(scale.thresholds) == [1, 2, 3]
    assert [Decimal(str(a)) for a in scale.amounts] == list(ours), (
        f"{table.label} on {on}: ours {list(ours)}, OpenFisca {scale.amounts}"
    )


@pytest.mark.parametrize("item", [pytest.param(i, id=i.label) for i in SHARED])
def test_no_openfisca_revaluation_missing(tbs, item: Shared):
    """On our first date and on each date where OpenFisca's value changes within our range,
    ours agrees: a revaluation recorded by OpenFisca but not by us fails here."""
    node = reduce(getattr, item.path.split("."), tbs.parameters)
    changes = {date.fromisoformat(at.instant_str) for at in node.values_list}
    checked = sorted(
        {item.first}
        | {d for d in changes if d > item.first and (item.until is None or d < item.until)}
    )
    missing = [
        f"{on}: ours {item.ours(on)}, OpenFisca {_of_parameter(tbs, item.path, on)}"
        for on in checked
        if not _same(item.ours(on), _of_parameter(tbs, item.path, on))
    ]
    assert not missing, f"{item.label}: " + "; ".join(missing)


def test_cmg_half_amount_from_3_years_is_half(tbs):
    """Our CMG by bracket halves the maximum from age 3 (costs.py); OpenFisca's ``taux_reduit``."""
    for on in (date(2022, 1, 1), date(2025, 8, 31)):
        assert _of_parameter(tbs, f"{CMG}.paje_cmg.taux_reduit", on) == 0.5


# ---- 2. Legacy AGEPI: OpenFisca's ``agepi`` against estimate_age -----------------------------

_KIND_TO_OPENFISCA = {
    "cdi": "cdi",
    "cdd": "cdd",
    "interim": "ctt",
    "formation": "formation",
    # OpenFisca has no business creation: the closest is « aucun contrat ».
    "creation_entreprise": "aucun",
}


@dataclass(frozen=True)
class Case:
    """One situation, described once and translated for both models.

    ``asked``: application date, also the date of the estimate (OpenFisca: its month is the
    period computed, so the parameters are read in the same month on both sides);
    ``contract_months`` (+ ``extra_days``): length of a CDD / temporary contract (ours in days,
    OpenFisca in months); ``weekly`` / ``monthly``: hours (OpenFisca: one intensity type);
    ``stagiaire`` / ``contrat_aide``: OpenFisca's flags for categories 4 and 5 (ours does not ask:
    the registration message states the condition); ``previous``: start of the previous aid.
    """

    asked: date = date(2023, 6, 12)
    start: date = date(2023, 6, 5)
    kind: str = "cdi"
    contract_months: int | None = None
    extra_days: int = 0
    training_hours: int | None = None
    weekly: Decimal | None = Decimal(35)
    monthly: Decimal | None = None
    children: tuple[int, ...] = (3,)
    isolated: bool = True
    registered: bool = True
    category: int | str | None = 1
    stagiaire: bool = True
    contrat_aide: bool = True
    allowance: Decimal | None = None
    mayotte: bool = False
    previous: date | None = None

    @property
    def month(self) -> str:
        return self.asked.strftime("%Y-%m")

    def contract_days(self) -> int | None:
        if self.contract_months is None:
            return None
        return (add_months(self.start, self.contract_months) - self.start).days + self.extra_days


def ours(case: Case) -> AgeResult:
    activity = Activity(
        case.kind,
        case.start,
        duree_jours=case.contract_days(),
        duree_heures=None if case.training_hours is None else Decimal(case.training_hours),
        heures_par_semaine=case.weekly,
        heures_par_mois=case.monthly,
        salarie_entreprise=case.kind == "creation_entreprise",
    )
    return estimate_age(
        AgeInput(
            as_of=case.asked,
            territoire="mayotte" if case.mayotte else "metropole",
            parent_isole=case.isolated,
            inscrit_france_travail=case.registered,
            categorie_demandeur=case.category if case.registered else None,
            allocation_journaliere=case.allowance,
            enfants=case.children,
            activite=activity,
            date_demande=case.asked,
            date_derniere_aide=case.previous,
        )
    )


def theirs(tbs, case: Case) -> tuple[bool, Decimal]:
    """OpenFisca's ``agepi_eligible`` and ``agepi`` for the parent, in the month of ``asked``."""
    month = case.month
    if case.registered and isinstance(case.category, int):
        category = f"categorie_{case.category}"
    else:
        # Not registered, category unknown, CSP or PAP: OpenFisca knows no such category.
        category = "pas_de_categorie"
    if case.weekly is not None:
        intensity, hours = "hebdomadaire", float(case.weekly)
    elif case.monthly is not None:
        intensity, hours = "mensuelle", float(case.monthly)
    else:
        intensity, hours = "inconnue", 0.0
    months = 0.0
    if case.contract_months is not None:
        # Ours counts calendar days, OpenFisca months: a day short of N months is below N.
        months = case.contract_months + case.extra_days / 31
    parent: dict[str, Any] = {
        "age": {month: 30},
        "pole_emploi_categorie_demandeur_emploi": {month: category},
        "stagiaire": {month: case.stagiaire},
        "contrat_aide": {month: case.contrat_aide},
        "allocation_retour_emploi_journaliere": {
            month: 0.0 if case.allowance is None else float(case.allowance)
        },
        "contrat_de_travail_type": {month: _KIND_TO_OPENFISCA[case.kind]},
        "contrat_de_travail_debut": {month: case.start.isoformat()},
        "contrat_de_travail_duree": {month: months},
        "duree_formation": {month: float(case.training_hours or 0)},
        "type_intensite_activite": {month: intensity},
        "agepi_temps_travail_en_heure": {month: hours},
        "agepi_date_demande": {month: case.asked.isoformat()},
        "lieu_emploi_ou_formation": {month: "mayotte" if case.mayotte else "metropole_hors_corse"},
    }
    if case.previous is not None:
        parent["agepi"] = {case.previous.strftime("%Y-%m"): 400.0}
    people: dict[str, dict] = {"parent": parent}
    parents = ["parent"]
    if not case.isolated:
        people["conjoint"] = {"age": {month: 30}}
        parents.append("conjoint")
    children = []
    for index, age in enumerate(case.children):
        people[f"enfant{index}"] = {"age": {month: age}}
        children.append(f"enfant{index}")
    situation = {
        "individus": people,
        "familles": {"famille": {"parents": parents, "enfants": children}},
        "foyers_fiscaux": {"foyer": {"declarants": parents, "personnes_a_charge": children}},
        "menages": {
            "menage": {
                "personne_de_reference": ["parent"],
                "conjoint": parents[1:],
                "enfants": children,
                "residence_mayotte": {month: case.mayotte},
            }
        },
    }
    simulation = SimulationBuilder().build_from_entities(tbs, situation)
    eligible = bool(simulation.calculate("agepi_eligible", month)[0])
    amount = Decimal(f"{float(simulation.calculate('agepi', month)[0]):.2f}")
    return eligible, amount


BASE = Case()  # isolated parent, category 1, no allowance, child aged 3, CDI 35 h/week, June 2023
OLD = replace(BASE, asked=date(2021, 10, 15), start=date(2021, 10, 4))  # amounts before Dec 2022


def _c(**changes: Any) -> Case:
    return replace(BASE, **changes)


def _o(**changes: Any) -> Case:
    return replace(OLD, **changes)


def _on(asked: str, start: str, **changes: Any) -> Case:
    return replace(
        BASE, asked=date.fromisoformat(asked), start=date.fromisoformat(start), **changes
    )


D = Decimal


# (id, case, expected eligible, expected amount): both models must give this.
AGREE: list[tuple[str, Case, bool, str]] = [
    ("base-2023-06", BASE, True, "416.00"),
    # Dates and the amounts switch of 1 December 2022.
    ("first-computable-month-2020-07", _on("2020-07-20", "2020-07-06"), True, "400.00"),
    ("old-amounts-2021-10", OLD, True, "400.00"),
    ("last-month-old-amounts-2022-11", _on("2022-11-28", "2022-11-14"), True, "400.00"),
    ("new-amounts-2022-12", _on("2022-12-01", "2022-11-14"), True, "416.00"),
    ("last-month-agepi-2024-04", _on("2024-04-30", "2024-04-15"), True, "416.00"),
    # Children under 10.
    ("two-children", _c(children=(3, 7)), True, "478.40"),
    ("three-children", _c(children=(1, 4, 9)), True, "540.80"),
    ("four-children-same-as-three", _c(children=(1, 2, 5, 8)), True, "540.80"),
    ("child-aged-9", _c(children=(9,)), True, "416.00"),
    ("child-aged-10", _c(children=(10,)), False, "0.00"),
    ("only-children-under-10-count", _c(children=(3, 12)), True, "416.00"),
    ("children-10-and-15", _c(children=(10, 15)), False, "0.00"),
    ("no-child", _c(children=()), False, "0.00"),
    ("old-two-children", _o(children=(2, 6)), True, "460.00"),
    ("old-three-children", _o(children=(2, 6, 8)), True, "520.00"),
    # Tier: weekly or monthly intensity.
    ("weekly-15h-full", _c(weekly=Decimal(15)), True, "416.00"),
    ("weekly-14.5h-reduced", _c(weekly=Decimal("14.5")), True, "176.80"),
    ("weekly-40h-full", _c(weekly=Decimal(40)), True, "416.00"),
    ("monthly-64h-full", _c(weekly=None, monthly=Decimal(64)), True, "416.00"),
    ("monthly-63.5h-reduced", _c(weekly=None, monthly=Decimal("63.5")), True, "176.80"),
    ("reduced-two-children", _c(weekly=Decimal(10), children=(3, 7)), True, "202.80"),
    ("reduced-three-children", _c(weekly=Decimal(10), children=(1, 3, 7)), True, "228.80"),
    ("old-reduced-one-child", _o(weekly=Decimal(10)), True, "170.00"),
    ("old-reduced-two-children", _o(weekly=Decimal(10), children=(2, 6)), True, "195.00"),
    ("old-reduced-three-children", _o(weekly=Decimal(10), children=(2, 6, 8)), True, "220.00"),
    # Isolated parent.
    ("couple", _c(isolated=False), False, "0.00"),
    ("old-couple", _o(isolated=False), False, "0.00"),
    # Registration and category.
    ("not-registered", _c(registered=False), False, "0.00"),
    ("category-2", _c(category=2), True, "416.00"),
    ("category-3", _c(category=3), True, "416.00"),
    ("category-4-trainee", _c(category=4, stagiaire=True), True, "416.00"),
    ("category-5-subsidised-contract", _c(category=5, contrat_aide=True), True, "416.00"),
    ("category-6", _c(category=6), False, "0.00"),
    ("category-7", _c(category=7), False, "0.00"),
    ("category-8", _c(category=8), False, "0.00"),
    # Unemployment allowance: at most the minimum ARE in force (dated).
    ("allowance-zero", _c(allowance=Decimal(0)), True, "416.00"),
    ("allowance-at-minimum-2023-06", _c(allowance=Decimal("31.00")), True, "416.00"),
    ("allowance-above-minimum-2023-06", _c(allowance=Decimal("31.01")), False, "0.00"),
    (
        "allowance-at-minimum-2023-09",
        _on("2023-09-12", "2023-09-04", allowance=D("31.59")),
        True,
        "416.00",
    ),
    (
        "allowance-above-minimum-2023-09",
        _on("2023-09-12", "2023-09-04", allowance=D("31.60")),
        False,
        "0.00",
    ),
    (
        "allowance-31.00-in-march-2023",
        _on("2023-03-20", "2023-03-13", allowance=D("31.00")),
        False,
        "0.00",
    ),
    (
        "allowance-31.00-from-april-2023",
        _on("2023-04-12", "2023-04-03", allowance=D("31.00")),
        True,
        "416.00",
    ),
    ("old-allowance-at-minimum", _o(allowance=Decimal("29.56")), True, "400.00"),
    ("old-allowance-above-minimum", _o(allowance=Decimal("29.57")), False, "0.00"),
    # Event: CDI, CDD / CTT of at least 3 months, training of at least 40 hours.
    ("cdd-3-months", _c(kind="cdd", contract_months=3, weekly=Decimal(35)), True, "416.00"),
    ("cdd-3-months-minus-a-day", _c(kind="cdd", contract_months=3, extra_days=-1), False, "0.00"),
    ("cdd-6-months", _c(kind="cdd", contract_months=6), True, "416.00"),
    ("temporary-3-months", _c(kind="interim", contract_months=3), True, "416.00"),
    ("temporary-2-months", _c(kind="interim", contract_months=2), False, "0.00"),
    ("training-40h", _c(kind="formation", training_hours=40, weekly=Decimal(20)), True, "416.00"),
    ("training-39h", _c(kind="formation", training_hours=39, weekly=Decimal(20)), False, "0.00"),
    (
        "training-400h-part-time",
        _c(kind="formation", training_hours=400, weekly=D(12)),
        True,
        "176.80",
    ),
    # Application within 1 month of the start.
    ("asked-before-start", _c(asked=date(2023, 6, 1)), True, "416.00"),
    ("asked-1-month-after-start", _c(asked=date(2023, 7, 5)), True, "416.00"),
    ("asked-1-month-and-1-day-after-start", _c(asked=date(2023, 7, 6)), False, "0.00"),
    ("start-31-january-asked-28-february", _on("2023-02-28", "2023-01-31"), True, "416.00"),
    ("start-31-january-asked-1-march", _on("2023-03-01", "2023-01-31"), False, "0.00"),
    # Once per 12 months (cases outside OpenFisca's shifted window, see DIVERGENCES).
    ("previous-aid-6-months-before", _c(previous=date(2022, 12, 5)), False, "0.00"),
    ("previous-aid-11-months-before", _c(previous=date(2022, 7, 5)), False, "0.00"),
    ("previous-aid-14-months-before", _c(previous=date(2022, 4, 20)), True, "416.00"),
    ("previous-aid-24-months-before", _c(previous=date(2021, 6, 5)), True, "416.00"),
    # Mayotte: half the amounts, and half the minimum ARE for the resources condition
    # (are.coefficient_mayotte; issue 15 « Mayotte's own allowance threshold »).
    ("mayotte", _c(mayotte=True), True, "208.00"),
    ("mayotte-above-half-minimum", _c(mayotte=True, allowance=D("20.00")), False, "0.00"),
    (
        "mayotte-under-half-minimum",
        _c(mayotte=True, allowance=D("15.00")),
        True,
        "208.00",
    ),
    (
        "mayotte-reduced-three-children",
        _c(mayotte=True, weekly=D(10), children=(1, 3, 7)),
        True,
        "114.40",
    ),
    ("mayotte-old-amounts", _o(mayotte=True), True, "200.00"),
    (
        "mayotte-old-reduced-two-children",
        _o(mayotte=True, weekly=D(10), children=(2, 6)),
        True,
        "97.50",
    ),
    (
        "mayotte-allowance-under-both-minimums",
        _c(mayotte=True, allowance=D("15.49")),
        True,
        "208.00",
    ),
    (
        "mayotte-allowance-above-both-minimums",
        _c(mayotte=True, allowance=D("31.01")),
        False,
        "0.00",
    ),
    # Several conditions failing at once.
    (
        "couple-with-high-allowance-and-short-cdd",
        _c(isolated=False, allowance=D(40), kind="cdd", contract_months=1),
        False,
        "0.00",
    ),
]


@pytest.mark.parametrize(
    ("case", "eligible", "amount"),
    [pytest.param(case, ok, Decimal(amount), id=name) for name, case, ok, amount in AGREE],
)
def test_agepi_agrees_with_openfisca(tbs, case: Case, eligible: bool, amount: Decimal):
    result = ours(case)
    assert result.dispositif == "agepi"
    assert (result.eligible, result.amount) == (eligible, amount), [
        c.message for c in result.conditions if not c.ok
    ]
    assert theirs(tbs, case) == (eligible, amount)


@dataclass(frozen=True)
class Divergence:
    """A case where we knowingly differ from OpenFisca-France: both answers, and why."""

    case: Case
    ours: tuple[bool, str]
    theirs: tuple[bool, str]
    reason: str


DIVERGENCES: dict[str, Divergence] = {
    "mayotte-are-minimum-rounding": Divergence(
        _c(mayotte=True, allowance=Decimal("15.50")),
        ours=(True, "208.00"),
        theirs=(False, "0.00"),
        reason=(
            "Mayotte ARE minimum: we take half the mainland minimum (are.coefficient_mayotte, "
            "31.00 / 2 = 15.50 EUR in June 2023); OpenFisca records its own Mayotte minimum, "
            "15.49 EUR. An allowance of exactly 15.50 EUR is under our threshold, above theirs."
        ),
    ),
    "hours-unknown-low-tier": Divergence(
        _c(weekly=None, monthly=None),
        ours=(True, "176.80"),
        theirs=(True, "0.00"),
        reason=(
            "CDI tier when the hours are unknown: OpenFisca's amount is 0 when "
            "type_intensite_activite is « inconnue »; we show the low tier (< 15 h) and tell the "
            "parent the full amount (age.py, _Rules.amount), so an eligible parent never sees 0."
        ),
    ),
    "category-4-not-trainee": Divergence(
        _c(category=4, stagiaire=False),
        ours=(True, "416.00"),
        theirs=(False, "0.00"),
        reason=(
            "AGEPI categories: OpenFisca accepts category 4 only for a « stagiaire de la "
            "formation professionnelle » (and 5 only for a « contrat aidé »); we do not ask, "
            "accept categories 1 to 5 (agepi.categories_eligibles, UNVERIFIED) and the "
            "registration message states the condition."
        ),
    ),
    "category-5-not-subsidised-contract": Divergence(
        _c(category=5, contrat_aide=False),
        ours=(True, "416.00"),
        theirs=(False, "0.00"),
        reason=(
            "AGEPI categories: OpenFisca accepts category 5 only with a « contrat aidé »; we do "
            "not ask, and the registration message states the condition."
        ),
    ),
    "category-unknown": Divergence(
        _c(category=None),
        ours=(True, "416.00"),
        theirs=(False, "0.00"),
        reason=(
            "AGEPI categories: a registered parent who does not know the category passes our "
            "registration condition with a message listing the eligible categories; OpenFisca "
            "needs a category (« pas de catégorie » is not eligible)."
        ),
    ),
    "baby-under-one": Divergence(
        _c(children=(0,)),
        ours=(True, "416.00"),
        theirs=(False, "0.00"),
        reason=(
            "OpenFisca's agepi_nbenf counts children with 0 < age < 10, so a baby under one "
            "year is not counted; AIDS.md (and the délibération) say « under 10 », babies "
            "included. We follow AIDS.md."
        ),
    ),
    "business-creation-salaried": Divergence(
        _c(kind="creation_entreprise"),
        ours=(True, "416.00"),
        theirs=(False, "0.00"),
        reason=(
            "Business creation or takeover counts for the AGEPI when the parent is salaried by "
            "the company (2022 protocol, AIDS.md §1); OpenFisca has no such activity type."
        ),
    ),
    "previous-aid-last-month": Divergence(
        _c(previous=date(2023, 5, 10)),
        ours=(False, "0.00"),
        theirs=(True, "416.00"),
        reason=(
            "Once per 12 months: OpenFisca looks for a previous AGEPI in the months M-13 to M-2 "
            "(a year shifted back one month), so an aid paid last month is missed. We count 12 "
            "months from the start of the previous aid (AIDS.md §1)."
        ),
    ),
    "previous-aid-exactly-12-months-before": Divergence(
        _c(previous=date(2022, 6, 5)),
        ours=(True, "416.00"),
        theirs=(False, "0.00"),
        reason=(
            "Once per 12 months: a new aid is possible 12 months after the start of the "
            "previous one (AIDS.md §1: start 5 June 2022, new start 5 June 2023); OpenFisca's "
            "window (months M-13 to M-2) still contains June 2022."
        ),
    ),
    "previous-aid-13-months-before": Divergence(
        _c(previous=date(2022, 5, 20)),
        ours=(True, "416.00"),
        theirs=(False, "0.00"),
        reason="Once per 12 months: OpenFisca's window (months M-13 to M-2) contains May 2022.",
    ),
    "age-from-may-2024": Divergence(
        _c(
            asked=date(2024, 6, 12),
            start=date(2024, 6, 3),
            isolated=False,
            children=(11,),
            kind="cdd",
            contract_months=1,
        ),
        ours=(True, "416.00"),
        theirs=(False, "0.00"),
        reason=(
            "From 1 May 2024 the AGE replaces the AGEPI (no isolated-parent condition, child "
            "under 12, CDD of 28 days); OpenFisca-France still applies the AGEPI rules "
            "(AIDS.md §1: it models the legacy AGEPI, not the AGE)."
        ),
    ),
}


@pytest.mark.parametrize("name", list(DIVERGENCES))
def test_agepi_documented_divergence(tbs, name: str):
    divergence = DIVERGENCES[name]
    result = ours(divergence.case)
    expected_ours = (divergence.ours[0], Decimal(divergence.ours[1]))
    expected_theirs = (divergence.theirs[0], Decimal(divergence.theirs[1]))
    assert (result.eligible, result.amount) == expected_ours, (
        f"our answer changed for a documented divergence ({divergence.reason})"
    )
    assert theirs(tbs, divergence.case) == expected_theirs, (
        "OpenFisca-France no longer gives the documented answer: if both now agree, move this "
        f"case to AGREE. Reason recorded: {divergence.reason}"
    )


def test_openfisca_cannot_compute_the_agepi_before_july_2020(tbs):
    """OpenFisca's ``agepi`` reads the Mayotte minimum ARE for every case, and knows it only from
    1 July 2020: before, it raises. We answer from 20 January 2014."""
    case = replace(OLD, asked=date(2019, 9, 16), start=date(2019, 9, 2))
    result = ours(case)
    assert (result.eligible, result.amount) == (True, Decimal("400.00"))
    with pytest.raises(ParameterNotFoundError, match="mayotte"):
        theirs(tbs, case)


# ---- 3. CMG by income bracket (before 1 September 2025): OpenFisca's ``paje_cmg`` -------------
# OpenFisca computes the maximum for a childminder employed directly (no 85 % cap, no CRDS):
# ours is that maximum × 0.995 (cmg.coefficient_crds) when the cost is high enough. It has no
# +30 % (single parent, AEEH, AAH), no +40 % ceilings for a single parent in this formula, and
# halves the CMG from 3 years without the décret of 30 October 2019: the audit's errors (issue
# 15) are the documented divergences below, so agreement with OpenFisca cannot hide them.


def _openfisca_cmg(tbs, on: date, resources_year: int, birth: date, children: int = 1) -> Decimal:
    month = on.strftime("%Y-%m")
    kids = {
        f"enfant{i}": {"date_naissance": {"ETERNITY": birth.isoformat()}} for i in range(children)
    }
    situation = {
        "individus": {"parent": {"date_naissance": {"ETERNITY": "1990-01-01"}}, **kids},
        "familles": {
            "famille": {
                "parents": ["parent"],
                "enfants": list(kids),
                "empl_dir": {month: True},
                "ass_mat": {month: False},
                "gar_dom": {month: False},
                "inactif": {month: False},
                "partiel1": {month: False},
                "paje_prepare": {month: 0},
                "prestations_familiales_base_ressources": {month: resources_year},
            }
        },
        "foyers_fiscaux": {"foyer": {"declarants": ["parent"], "personnes_a_charge": list(kids)}},
        "menages": {"menage": {"personne_de_reference": ["parent"], "enfants": list(kids)}},
    }
    simulation = SimulationBuilder().build_from_entities(tbs, situation)
    return Decimal(f"{float(simulation.calculate('paje_cmg', month)[0]):.4f}")


def _our_cmg(on: date, resources_year: int, age: int, **flags: Any) -> Decimal:
    return cmg_monthly(
        on,
        monthly_cost=Decimal(5000),  # high: the 85 % cap never applies
        hours=Decimal(160),
        resources=Decimal(resources_year) / 12,
        children=1,
        child_age=age,
        **flags,
    )


CMG_AGREE = [
    # (label, date, annual resources, birth, age) — a couple, the maximum × 0.995.
    ("lowest-bracket", date(2024, 6, 1), 18000, date(2023, 1, 15), 1),
    ("middle-bracket", date(2024, 6, 1), 30000, date(2023, 1, 15), 1),
    ("highest-bracket", date(2024, 6, 1), 60000, date(2023, 1, 15), 1),
    ("half-from-4", date(2024, 6, 1), 30000, date(2020, 3, 15), 4),
    ("2023-scale", date(2023, 6, 1), 30000, date(2022, 1, 15), 1),
]


@pytest.mark.parametrize(("label", "on", "resources", "birth", "age"), CMG_AGREE)
def test_cmg_by_bracket_agrees_with_openfisca(tbs, label, on, resources, birth, age):
    theirs = _openfisca_cmg(tbs, on, resources, birth)
    assert _our_cmg(on, resources, age) == money(theirs * Decimal("0.995")), label


CMG_DIVERGENCES = {
    # name: (our flags, age, birth, our amount, OpenFisca's amount before CRDS, reason)
    "single-parent-plus-30-percent": (
        {"isolated": True},
        1,
        date(2023, 1, 15),
        "688.05",
        "335.4170",
        "Single parent (CSS art. L.531-5 / D.531-18, care from 1 October 2018): ceilings +40 % "
        "(lowest bracket, 1.1404) and maximum +30 %; OpenFisca's paje_cmg applies neither.",
    ),
    "aeeh-plus-30-percent": (
        {"aeeh": True},
        1,
        date(2023, 1, 15),
        "433.86",
        "335.4170",
        "AEEH (loi n°2018-1203, art. 69, care from 1 November 2019): maximum +30 %; not in "
        "OpenFisca's paje_cmg.",
    ),
    "aah-plus-30-percent": (
        {"aah": True},
        1,
        date(2023, 1, 15),
        "433.86",
        "335.4170",
        "AAH: maximum +30 % (CSS art. D.531-18, UNVERIFIED start); not in OpenFisca's paje_cmg.",
    ),
    "turned-3-not-at-school": (
        {"scolarise": False},
        3,
        date(2021, 2, 15),
        "333.74",
        "167.7085",
        "A child who turned 3 in February and is not yet at school keeps the full CMG until the "
        "school year (décret du 30 octobre 2019); OpenFisca halves it from the 3rd birthday.",
    ),
}


@pytest.mark.parametrize("name", list(CMG_DIVERGENCES))
def test_cmg_documented_divergence(tbs, name):
    flags, age, birth, ours, theirs, reason = CMG_DIVERGENCES[name]
    on = date(2024, 6, 1)
    assert _our_cmg(on, 30000, age, **flags) == Decimal(ours), reason
    assert _openfisca_cmg(tbs, on, 30000, birth) == Decimal(theirs), (
        f"OpenFisca-France changed: if it now agrees, move {name} to CMG_AGREE. {reason}"
    )
