"""Out-of-pocket cost of each mode of care, per month and per hour, after the aids.

Modes: crèche with the CNAF « PSU » price (``creche``), assistant·e maternel·le
(``assistant_maternel``) and maison d'assistants maternels (``mam``, computed as a childminder).
Aids: the CAF's CMG for a
childminder (formula by income bracket before 1 September 2025, « taux d'effort » formula from
it) and the tax credit for childcare outside the home, spread over 12 months.

The formulas are also exposed one by one (:func:`effort_rate`, :func:`psu_hourly_price`,
:func:`cmg_monthly`, :func:`tax_credit_monthly`). Every figure comes from the dated parameters
(``psu.*``, ``cmg.*``, ``bmaf.*``, ``credit_impot.*``) read on ``as_of``. Amounts are
:class:`~decimal.Decimal` rounded to the cent (halves away from zero).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from app.core.french import format_date, format_euros, format_number, money, to_decimal, typography

from .errors import InvalidInput, parse_date, parse_decimal, parse_monthly_resources
from .parameters import Entry, Reader

__all__ = [
    "MODES",
    "AidLine",
    "CareInput",
    "ModeCost",
    "care_costs",
    "childminder_cost",
    "cmg_monthly",
    "creche_cost",
    "effort_rate",
    "psu_hourly_price",
    "tax_credit_monthly",
]

MODES = ("creche", "micro_creche", "assistant_maternel", "mam", "garde_domicile")
_MODE_LABEL = {
    "creche": "Crèche (tarif national de la Caf)",
    "micro_creche": "Micro-crèche hors barème de la Caf",
    "assistant_maternel": "Assistant·e maternel·le",
    "mam": "Maison d’assistants maternels (MAM)",
    "garde_domicile": "Garde à domicile",
}
_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CareInput:
    """What the cost of care depends on.

    ``heures_par_mois``: hours of care needed per month; ``ressources_mensuelles``: the family's
    annual resources of year N-2 (before tax allowances) divided by 12; ``nombre_enfants``: children
    in the family's charge; ``age_enfant``: age in whole years of the child to be cared for;
    ``tarif_horaire``: the childminder's net hourly wage (None: childminder modes are skipped);
    ``frais_entretien_mensuels`` / ``frais_repas_mensuels``: maintenance allowance and meals paid
    to the childminder per month (upkeep None: estimated from the legal minimum);
    ``enfant_aeeh``: a child of the family receives the AEEH; ``parent_aah``: a parent receives
    the AAH; ``horaires_atypiques``: at least 25 h of care a month between 22 h and 6 h, on
    Sundays or holidays; ``scolarise`` / ``mois_naissance``: whether the child already goes to
    school and the month of birth (1–12), each None when unknown (they decide the full CMG of a
    child who turned 3 before the school year, and the tax credit of a child who turned 6).

    ``prix_horaire_micro_creche``: the hourly price of a micro-crèche outside the PSU (None: not
    estimated); ``tarif_horaire_domicile``: a home carer's net hourly wage, and
    ``enfants_garde_domicile`` the children she or he looks after together (0: not estimated).

    ``as_of`` is the reference date of the Caf scales: the month of care.
    """

    as_of: date
    heures_par_mois: Decimal
    ressources_mensuelles: Decimal
    nombre_enfants: int = 1
    age_enfant: int = 0
    parent_isole: bool = False
    tarif_horaire: Decimal | None = None
    frais_entretien_mensuels: Decimal | None = Decimal(0)
    frais_repas_mensuels: Decimal = Decimal(0)
    enfant_aeeh: bool = False
    parent_aah: bool = False
    horaires_atypiques: bool = False
    scolarise: bool | None = None
    mois_naissance: int | None = None
    prix_horaire_micro_creche: Decimal | None = None
    tarif_horaire_domicile: Decimal | None = None
    enfants_garde_domicile: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "as_of", parse_date("date", self.as_of, required=True))
        month = self.mois_naissance
        if month is not None and (
            isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12
        ):
            raise InvalidInput("enfants", "Indiquez le mois de naissance, de 1 à 12.")
        hours = parse_decimal(
            "garde.heures_par_mois",
            self.heures_par_mois,
            "Indiquez le nombre d'heures de garde par mois.",
            positive=True,
        )
        if hours > 744:
            raise InvalidInput("garde.heures_par_mois", "Un mois compte au plus 744 heures.")
        object.__setattr__(self, "heures_par_mois", hours)
        resources = parse_monthly_resources(self.ressources_mensuelles)
        object.__setattr__(self, "ressources_mensuelles", resources)
        if (
            isinstance(self.nombre_enfants, bool)
            or not isinstance(self.nombre_enfants, int)
            or self.nombre_enfants < 1
        ):
            raise InvalidInput("enfants", "Indiquez au moins un enfant.")
        if (
            isinstance(self.age_enfant, bool)
            or not isinstance(self.age_enfant, int | float | Decimal)
            or not 0 <= self.age_enfant < 30
        ):
            raise InvalidInput("enfants", "Indiquez l'âge de l'enfant en années (0 pour un bébé).")
        for name, message in (
            ("prix_horaire_micro_creche", "Indiquez le prix horaire de la micro-crèche."),
            ("tarif_horaire_domicile", "Indiquez le salaire horaire net de la garde à domicile."),
        ):
            if getattr(self, name) is not None:
                object.__setattr__(
                    self, name, parse_decimal(f"garde.{name}", getattr(self, name), message)
                )
        if self.tarif_horaire is not None:
            object.__setattr__(
                self,
                "tarif_horaire",
                parse_decimal(
                    "garde.tarif_horaire",
                    self.tarif_horaire,
                    "Indiquez le salaire horaire net, en euros.",
                ),
            )
        for name, label in (
            ("frais_entretien_mensuels", "les indemnités d'entretien"),
            ("frais_repas_mensuels", "les frais de repas"),
        ):
            if getattr(self, name) is None:
                continue
            object.__setattr__(
                self,
                name,
                parse_decimal(
                    f"garde.{name}", getattr(self, name), f"Indiquez {label} par mois, en euros."
                ),
            )


@dataclass(frozen=True)
class AidLine:
    """One aid lowering the cost: ``code`` ("cmg" | "credit_impot"), French ``label``, amount per
    month, and a French ``explanation``."""

    code: str
    label: str
    monthly_amount: Decimal
    explanation: str
    annual_amount: Decimal | None = None
    paid_in: int | None = None
    first_year_amount: Decimal | None = None
    first_year_months: int = 12


@dataclass(frozen=True)
class ModeCost:
    """Cost of one mode of care for the hours needed.

    ``hourly_price``: price of one hour before aid (PSU price, or the childminder's net wage);
    ``monthly_cost``: what the family pays each month before aid; ``aids``: each aid per month
    (the tax credit comes the following year, shown per month); ``monthly_out_of_pocket`` and
    ``hourly_out_of_pocket``: what remains; ``hypotheses``: what the figures assume, in French.
    ``monthly_cash``: the cash paid each month (cost − CMG, the tax credit comes the next year);
    ``not_counted``: what the figure leaves out or estimates, said next to it; ``next_steps``:
    what to do and where; ``psu``: whether the price is the national PSU scale (crèches);
    ``reference_date``: the month of care whose scales were read.
    """

    mode: str
    label: str
    hours_per_month: Decimal
    hourly_price: Decimal
    monthly_cost: Decimal
    aids: tuple[AidLine, ...]
    monthly_out_of_pocket: Decimal
    hourly_out_of_pocket: Decimal
    hypotheses: tuple[str, ...]
    parameters_used: tuple[Entry, ...]
    monthly_cash: Decimal = _ZERO
    reference_date: date | None = None
    not_counted: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()
    psu: bool | None = None

    @property
    def total_aid(self) -> Decimal:
        return sum((aid.monthly_amount for aid in self.aids), _ZERO)

    def aid(self, code: str) -> AidLine | None:
        return next((aid for aid in self.aids if aid.code == code), None)

    @property
    def tax_credit(self) -> AidLine | None:
        """The tax credit, paid the year after the care (``annual_amount``, ``paid_in``)."""
        return self.aid("credit_impot")


# ---- Formulas ---------------------------------------------------------------------------------


def _effort_rate_pct(read: Reader, family_size: int, parental: bool = False) -> Decimal:
    table = read("psu.taux_effort_parental_pct" if parental else "psu.taux_effort_pct")
    rate = None
    for minimum, value in sorted(((int(k), v) for k, v in table.items())):
        if family_size >= minimum:
            rate = value
    if rate is None:
        raise ValueError("family size must be at least 1")
    return rate


def effort_rate(
    on: date, family_size: int, *, aeeh: bool = False, parental: bool = False
) -> Decimal:
    """Hourly « taux d'effort » as a fraction (0.000619 for 0.0619 %), by number of children.

    ``aeeh``: a child of the family receives the AEEH, so the next larger family's rate applies;
    ``parental``: scale of family and parental crèches (UNVERIFIED values).
    """
    return _effort_rate_pct(Reader(on), family_size + (1 if aeeh else 0), parental) / 100


def _clamped_resources(
    read: Reader, resources: Decimal, floor_name: str, ceiling_name: str
) -> tuple[Decimal, Decimal, Decimal]:
    floor, ceiling = read(floor_name), read(ceiling_name)
    return min(max(resources, floor), ceiling), floor, ceiling


def _psu(
    read: Reader, resources: Decimal, family_size: int, parental: bool = False
) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
    used, floor, ceiling = _clamped_resources(
        read, resources, "psu.plancher_mensuel", "psu.plafond_mensuel"
    )
    rate_pct = _effort_rate_pct(read, family_size, parental)
    return money(used * rate_pct / 100), used, floor, ceiling, rate_pct


def psu_hourly_price(
    on: date,
    resources: Decimal | float,
    family_size: int,
    *,
    aeeh: bool = False,
    parental: bool = False,
) -> Decimal:
    """Crèche hourly price: clamp(monthly resources, plancher, plafond) × taux d'effort, rounded."""
    return _psu(Reader(on), to_decimal(resources), family_size + (1 if aeeh else 0), parental)[0]


def _ceilings(read: Reader, children: int, isolated: bool) -> tuple[Decimal, Decimal]:
    table = read("cmg.plafonds_revenus")
    if children == 1:
        low, high = table["un_enfant"]
    else:
        low, high = table["deux_enfants"]
        extra_low, extra_high = table["enfant_supplementaire"]
        low, high = low + (children - 2) * extra_low, high + (children - 2) * extra_high
    low, high = Decimal(low), Decimal(high)
    if isolated:
        factor = 1 + read("cmg.majoration_plafonds_parent_isole")
        low, high = low * factor, high * factor
    return low, high


def _half_rate(
    read: Reader, child_age: Decimal | int, scolarise: bool | None, birth_month: int | None
) -> bool | None:
    """Whether the CMG by bracket is halved for this child (from 3 years); None when it depends
    on what we do not know (a child of 3 before September: turned 3 this year, at school?)."""
    half_from = read("cmg.age_demi_montant")
    if child_age < half_from:
        return False
    if child_age >= half_from + 1 or not read("cmg.plein_taux_jusqu_a_la_rentree"):
        return True
    month = read.on.month
    if month >= 9 or scolarise is True:
        return True  # the school year has started, or the child is at school
    if birth_month is not None:
        return birth_month > month  # birthday after this month: turned 3 last year
    if scolarise is False:
        return False
    return None


def _majoration(
    read: Reader, *, isolated: bool, aeeh: bool, aah: bool, atypical: bool
) -> tuple[Decimal, str]:
    """The increase of the CMG maximum (0.30 for +30 %) and why, in French."""
    found: list[tuple[Decimal, str]] = []
    for applies, name, reason in (
        (isolated, "cmg.majoration_parent_isole", "vous élevez seul·e votre enfant"),
        (aeeh, "cmg.majoration_aeeh", "votre famille perçoit l'AEEH"),
        (aah, "cmg.majoration_aah", "vous ou votre conjoint·e percevez l'AAH"),
        (
            atypical,
            "cmg.majoration_horaires_specifiques",
            "la garde a lieu en horaires spécifiques",
        ),
    ):
        if applies and read(name):
            found.append((read(name), reason))
    if not found:
        return _ZERO, ""
    if len(found) > 1 and not read("cmg.majorations_cumulables"):
        best = max(found, key=lambda item: item[0])
        others = [reason for _, reason in found if reason != best[1]]
        return best[0], (
            f"majoré de {format_number(best[0] * 100)} % car {best[1]} (les majorations ne se "
            f"cumulent pas : pas de majoration en plus parce que {' et '.join(others)})"
        )
    total = sum((rate for rate, _ in found), _ZERO)
    return total, f"majoré de {format_number(total * 100)} % car " + " et ".join(
        reason for _, reason in found
    )


def _cmg(
    read: Reader,
    *,
    monthly_cost: Decimal,
    hours: Decimal,
    resources: Decimal,
    children: int,
    child_age: Decimal | int,
    isolated: bool,
    aeeh: bool,
    aah: bool = False,
    atypical: bool = False,
    scolarise: bool | None = None,
    birth_month: int | None = None,
    hourly_cap_name: str = "cmg.cout_horaire_maximum_assistant_maternel",
    structure: bool = False,
) -> tuple[Decimal, list[str], list[str]]:
    """CMG per month, the sentences explaining it, and the sentences to show next to the figure
    (a second figure when the answer depends on something we do not know)."""
    notes: list[str] = []
    beside: list[str] = []
    name = "Le CMG (complément de libre choix du mode de garde, versé par la Caf)"
    limit = read("cmg.age_maximum_parent_isole" if isolated else "cmg.age_maximum")
    if child_age >= limit:
        reason = f"le CMG est versé pour un enfant de moins de {limit} ans"
        if isolated:
            reason += " quand on élève seul·e son enfant"
        notes.append(f"Pas de CMG : votre enfant a {format_number(child_age)} ans, {reason}.")
        return _ZERO, notes, beside
    if structure or read("cmg.bareme") == "tranches":
        low, high = _ceilings(read, children, isolated)
        annual = resources * 12
        bracket = 0 if annual <= low else 1 if annual <= high else 2
        rate = read("cmg.taux_structure" if structure else "cmg.taux_assistant_maternel")[bracket]
        base = read("bmaf.bmaf") * rate * read("cmg.coefficient_crds")
        increase, why = _majoration(read, isolated=isolated, aeeh=aeeh, aah=aah, atypical=atypical)
        half = _half_rate(read, child_age, scolarise, birth_month)
        share = read(
            "cmg.part_minimale_famille_structure" if structure else "cmg.part_minimale_famille"
        )
        cap = money(monthly_cost * (1 - share))

        def maximum_for(halved: bool) -> Decimal:
            return money(base * (1 + increase) / (2 if halved else 1))

        maximum = maximum_for(half is not False)
        amount = min(maximum, cap)
        if increase:
            notes.append(
                f"Le montant maximum est {why} : {format_euros(money(base * (1 + increase)))} "
                f"au lieu de {format_euros(money(base))}"
                + (" (avant la division par deux)" if half is not False else "")
                + "."
            )
        if cap < maximum:
            notes.append(
                f"Ici, c'est la limite des {format_number(share * 100)} % qui s'applique : le CMG "
                f"est de {format_euros(cap)} ({format_number(100 - share * 100)} % de "
                f"{format_euros(monthly_cost)})."
            )
        bracket_text = ("la plus basse", "intermédiaire", "la plus haute")[bracket]
        half_from = read("cmg.age_demi_montant")
        if half is True and child_age < half_from + 1 and read("cmg.plein_taux_jusqu_a_la_rentree"):
            half_text = (
                f" (la moitié : votre enfant a {half_from} ans et l'année scolaire a commencé "
                "ou il va à l'école)"
            )
        elif half is not False:
            half_text = f" (la moitié, car votre enfant a {half_from} ans ou plus)"
        else:
            half_text = ""
        if half is False and child_age >= half_from:
            half_text = (
                f" (montant plein : votre enfant a eu {half_from} ans cette année et ne va pas "
                "encore à l'école, le CMG reste plein jusqu'à la rentrée de septembre)"
            )
        notes.append(
            f"{name} : vos revenus annuels de référence ({format_euros(annual)}, ceux d'il y a 2 "
            f"ans) sont dans la tranche {bracket_text} pour {children} "
            f"{'enfant' if children == 1 else 'enfants'}"
            + (" (limites majorées pour un parent isolé)" if isolated else "")
            + f" ; le CMG est au plus de {format_euros(maximum)} par mois"
            + half_text
            + f", et au moins {format_number(share * 100)} % du coût reste à votre charge."
        )
        if half is None:
            full = min(maximum_for(False), cap)
            beside.append(
                f"Si votre enfant a eu {half_from} ans depuis le 1er janvier et ne va pas encore à "
                f"l'école, le CMG reste plein jusqu'à la rentrée : {format_euros(full)} par mois "
                f"au lieu de {format_euros(amount)}."
            )
        return amount, notes, beside
    # « Taux d'effort » formula, from 1 September 2025.
    hourly_cap = read(hourly_cap_name)
    counted = min(monthly_cost, money(hourly_cap * hours))
    used, floor, ceiling = _clamped_resources(
        read, resources, "cmg.ressources_plancher_mensuel", "cmg.ressources_plafond_mensuel"
    )
    rate_pct = _effort_rate_pct(read, children + (1 if aeeh else 0))
    reference = read("cmg.cout_horaire_reference")
    ratio = used * rate_pct / 100 / reference
    amount = money(max(Decimal(0), counted * (1 - ratio)))
    start = format_date(read.entry("cmg.bareme").start)
    notes.append(
        f"{name} est calculé avec la formule en vigueur depuis le {start} : coût retenu × (1 − "
        f"ressources × taux d'effort ÷ coût horaire de référence), soit {format_euros(counted)} × "
        f"(1 − {format_euros(used)} × {format_number(rate_pct)} % ÷ {format_euros(reference)}) = "
        f"{format_euros(amount)}."
    )
    if aeeh:
        notes.append(
            "Votre famille perçoit l'AEEH : le taux d'effort d'une famille avec un enfant de plus "
            "s'applique."
        )
    if counted < monthly_cost:
        notes.append(
            f"Le coût retenu pour le CMG est limité à {format_euros(hourly_cap)} de l'heure, soit "
            f"{format_euros(counted)} pour {format_number(hours)} heures."
        )
    if resources != used:
        side = (
            f"en dessous du plancher ({format_euros(floor)})"
            if resources < floor
            else f"au-dessus du plafond ({format_euros(ceiling)})"
        )
        notes.append(f"Pour le CMG, vos ressources sont {side} : c'est ce montant qui est retenu.")
    if amount == 0:
        notes.append("Avec vos ressources, la formule donne un CMG nul.")
    return amount, notes, beside


def _family_cmg(
    read: Reader, inputs: CareInput, monthly_cost: Decimal, **mode: Any
) -> tuple[Decimal, list[str], list[str]]:
    """:func:`_cmg` for the family and child of ``inputs``; ``mode``: the structure rates or the
    home carer's hourly cap."""
    return _cmg(
        read,
        monthly_cost=monthly_cost,
        hours=inputs.heures_par_mois,
        resources=inputs.ressources_mensuelles,
        children=inputs.nombre_enfants,
        child_age=inputs.age_enfant,
        isolated=inputs.parent_isole,
        aeeh=inputs.enfant_aeeh,
        aah=inputs.parent_aah,
        atypical=inputs.horaires_atypiques,
        scolarise=inputs.scolarise,
        birth_month=inputs.mois_naissance,
        **mode,
    )


def cmg_monthly(
    on: date,
    *,
    monthly_cost: Decimal | float,
    hours: Decimal | float,
    resources: Decimal | float,
    children: int,
    child_age: int,
    isolated: bool = False,
    aeeh: bool = False,
    aah: bool = False,
    atypical: bool = False,
    scolarise: bool | None = None,
    birth_month: int | None = None,
) -> Decimal:
    """CMG per month for an assistant·e maternel·le (``monthly_cost``: net wage + upkeep + meals),
    for the month of care ``on``.

    Before 1 September 2025: min(BMAF × rate of the income bracket × 0.995 × (1 + increase)
    (halved from 3 years, except a child who turned 3 this year and is not yet at school, until
    1 September), 85 % of the cost); increase +30 % for a single parent (from October 2018), a
    family receiving the AEEH (from November 2019) or a parent receiving the AAH, +10 % for
    atypical hours. From 1 September 2025: min(cost, 8 €/h × hours) × (1 − clamp(resources) ×
    taux d'effort ÷ 4.85 €), never negative. Zero for a child too old (6 years; 12 for an
    isolated parent from September 2025). When the half rate cannot be judged, the half.
    """
    return _cmg(
        Reader(on),
        monthly_cost=to_decimal(monthly_cost),
        hours=to_decimal(hours),
        resources=to_decimal(resources),
        children=children,
        child_age=child_age,
        isolated=isolated,
        aeeh=aeeh,
        aah=aah,
        atypical=atypical,
        scolarise=scolarise,
        birth_month=birth_month,
    )[0]


@dataclass(frozen=True)
class _Credit:
    monthly: Decimal
    annual: Decimal
    paid_in: int
    text: str
    beside: str = ""
    first_year: Decimal = _ZERO
    first_year_months: int = 12


def _tax_credit_eligible(
    read: Reader, child_age: Decimal | int, birth_month: int | None
) -> bool | None:
    """Under 6 on 1 January of the year of care: True, False, or None (a child of 6 whose month
    of birth we do not know: turned 6 this year or last year?)."""
    limit = read("credit_impot.age_maximum")
    if child_age < limit:
        return True
    if child_age >= limit + 1:
        return False
    if birth_month is None:
        return None
    return birth_month <= read.on.month  # turned 6 this year, after 1 January


def _tax_credit(
    read: Reader,
    monthly_expenses: Decimal,
    child_age: Decimal | int,
    birth_month: int | None = None,
) -> _Credit:
    age_limit = read("credit_impot.age_maximum")
    ceiling = read("credit_impot.plafond_depenses_par_enfant")
    rate = read("credit_impot.taux")
    box = read("credit_impot.case_declaration")
    year = read.on.year
    annual_expenses = max(monthly_expenses, Decimal(0)) * 12
    annual = money(min(annual_expenses, ceiling) * rate)
    eligible = _tax_credit_eligible(read, child_age, birth_month)
    if not eligible:
        text = (
            "Pas de crédit d'impôt pour frais de garde compté : il concerne les enfants de moins "
            f"de {age_limit} ans au 1er janvier de l'année ({year})."
        )
        beside = ""
        if eligible is None:
            beside = (
                f"Si votre enfant a eu {age_limit} ans après le 1er janvier {year}, vous avez "
                f"encore droit au crédit d'impôt pour {year} : environ "
                f"{format_euros(annual)}, versés en {year + 1}."
            )
        return _Credit(_ZERO, _ZERO, year + 1, text, beside, _ZERO, 13 - read.on.month)
    months = 13 - read.on.month  # the months of care left in the year it starts
    first_year = money(min(max(monthly_expenses, Decimal(0)) * months, ceiling) * rate)
    text = (
        f"Crédit d'impôt pour frais de garde : {format_number(rate * 100)} % des dépenses qui "
        f"restent à votre charge, dans la limite de {format_euros(ceiling)} de dépenses par enfant "
        f"et par an (la moitié en résidence alternée). Déclarez les frais de {year} en case {box} "
        f"de votre déclaration de revenus : le crédit d'impôt est versé en {year + 1}."
    )
    return _Credit(money(annual / 12), annual, year + 1, text, "", first_year, months)


def tax_credit_monthly(
    on: date, monthly_expenses: Decimal | float, child_age: int, birth_month: int | None = None
) -> Decimal:
    """Monthly tax credit: min(12 × expenses, ceiling) × 50 % ÷ 12, for a child under 6 on
    1 January of the year of ``on`` (a child of 6 counts when born in a month ≤ ``on``'s)."""
    return _tax_credit(Reader(on), to_decimal(monthly_expenses), child_age, birth_month).monthly


def _credit_line(credit: _Credit) -> AidLine:
    return AidLine(
        "credit_impot",
        "Crédit d’impôt pour frais de garde",
        credit.monthly,
        typography(credit.text),
        annual_amount=credit.annual,
        paid_in=credit.paid_in,
        first_year_amount=credit.first_year,
        first_year_months=credit.first_year_months,
    )


# ---- Modes ------------------------------------------------------------------------------------


@dataclass
class _Draft:
    """A mode's figures as they are computed."""

    mode: str
    hourly_price: Decimal
    monthly_cost: Decimal
    aids: list[AidLine]
    hypotheses: list[str]
    not_counted: list[str]
    next_steps: list[str]
    psu: bool | None = None


def _finish(read: Reader, inputs: CareInput, draft: _Draft) -> ModeCost:
    aids = draft.aids
    out_of_pocket = max(
        draft.monthly_cost - sum((aid.monthly_amount for aid in aids), _ZERO), _ZERO
    )
    cmg = sum((aid.monthly_amount for aid in aids if aid.code == "cmg"), _ZERO)
    hypotheses = [
        *draft.hypotheses,
        "Ceci est une estimation : les montants exacts dépendent de votre contrat et de la Caf, "
        "qui seule calcule vos droits.",
    ]
    return ModeCost(
        mode=draft.mode,
        label=_MODE_LABEL[draft.mode],
        hours_per_month=inputs.heures_par_mois,
        hourly_price=draft.hourly_price,
        monthly_cost=draft.monthly_cost,
        aids=tuple(aids),
        monthly_out_of_pocket=out_of_pocket,
        hourly_out_of_pocket=money(out_of_pocket / inputs.heures_par_mois),
        hypotheses=tuple(typography(text) for text in hypotheses),
        parameters_used=read.used,
        monthly_cash=max(draft.monthly_cost - cmg, _ZERO),
        reference_date=inputs.as_of,
        not_counted=tuple(typography(text) for text in draft.not_counted if text),
        next_steps=tuple(typography(text) for text in draft.next_steps),
        psu=draft.psu,
    )


def _tax_credit_step(read: Reader) -> str:
    year = read.on.year
    return (
        f"Crédit d'impôt : au printemps {year + 1}, déclarez sur impots.gouv.fr les frais de garde "
        f"payés en {year} (case {read('credit_impot.case_declaration')}, montant net du CMG) ; il "
        f"est versé en {year + 1}."
    )


def creche_cost(inputs: CareInput) -> ModeCost:
    """Crèche at the PSU price (collective crèche or PSU micro-crèche), for a child under 6."""
    read = Reader(inputs.as_of)
    limit = read("psu.age_maximum")
    if inputs.age_enfant >= limit:
        raise InvalidInput(
            "enfants", f"Les crèches accueillent les enfants de moins de {limit} ans."
        )
    family = inputs.nombre_enfants + (1 if inputs.enfant_aeeh else 0)
    hourly, used, floor, ceiling, rate_pct = _psu(read, inputs.ressources_mensuelles, family)
    monthly = money(hourly * inputs.heures_par_mois)
    children = f"{family} {'enfant' if family == 1 else 'enfants'} à charge"
    hypotheses = [
        f"Tarif horaire du barème national de la Caf (PSU) : {format_euros(used)} de ressources "
        f"par mois × {format_number(rate_pct)} % (taux pour {children}) = {format_euros(hourly)} "
        f"de l'heure, pour {format_number(inputs.heures_par_mois)} heures par mois.",
    ]
    if inputs.enfant_aeeh:
        hypotheses.append(
            "Un enfant de la famille touche l'AEEH (allocation d'éducation de l'enfant handicapé) "
            ": le taux d'une famille avec un enfant de plus s'applique."
        )
    if inputs.ressources_mensuelles < floor:
        hypotheses.append(
            f"Vos ressources sont en dessous du plancher du barème ({format_euros(floor)}) : le "
            "plancher est retenu."
        )
    elif inputs.ressources_mensuelles > ceiling:
        hypotheses.append(
            f"Vos ressources sont au-dessus du plafond du barème ({format_euros(ceiling)}) : le "
            "plafond est retenu."
        )
    hypotheses.append(
        "Ce tarif comprend les repas et les couches fournis par la crèche ; la Caf paie "
        "directement une grande partie du coût de la place à la crèche. Le montant réel dépend "
        "des heures réservées dans votre contrat."
    )
    credit = _tax_credit(read, monthly, inputs.age_enfant, inputs.mois_naissance)
    hypotheses.append(credit.text)
    not_counted = [
        "Prix PSU : le barème national de la Caf, appliqué par les crèches financées par la "
        "prestation de service unique (la plupart des crèches municipales et associatives, "
        "certaines micro-crèches). Une micro-crèche hors PSU fixe librement son prix.",
        credit.beside,
    ]
    school_age = read("psu.age_scolarisation")
    if inputs.age_enfant >= school_age:
        not_counted.insert(
            0,
            f"À partir de {school_age} ans, un enfant va en général à l'école : la crèche "
            "n'accueille alors que rarement, hors temps scolaire (pensez à l'accueil "
            "périscolaire).",
        )
    steps = [
        "Demandez une place à la crèche (ou au relais petite enfance de votre commune) : elle "
        "calcule votre prix avec le barème de la Caf, d'après vos revenus (numéro d'allocataire "
        "Caf ou MSA).",
        _tax_credit_step(read),
    ]
    return _finish(
        read,
        inputs,
        _Draft(
            "creche", hourly, monthly, [_credit_line(credit)], hypotheses, not_counted, steps, True
        ),
    )


def _upkeep(read: Reader, inputs: CareInput) -> tuple[Decimal, str]:
    """The maintenance allowance per month: the parent's figure, or the legal minimum estimated
    (a fraction of the « minimum garanti » per reference day, in proportion to the hours)."""
    if inputs.frais_entretien_mensuels is not None:
        return money(inputs.frais_entretien_mensuels), ""
    mg = read("assistant_maternel.minimum_garanti")
    fraction = read("assistant_maternel.indemnite_entretien_fraction_mg")
    day = read("assistant_maternel.journee_reference_heures")
    amount = money(inputs.heures_par_mois * mg * fraction / day)
    return amount, (
        f"Indemnité d'entretien estimée à {format_euros(amount)} par mois (au moins "
        f"{format_number(fraction * 100)} % du minimum garanti de {format_euros(mg)} par journée "
        f"de {day} heures) : indiquez celle de votre contrat pour un calcul exact."
    )


def childminder_cost(inputs: CareInput, mode: str = "assistant_maternel") -> ModeCost:
    """Assistant·e maternel·le employed by the parent (``mode="mam"``: a MAM, same computation)."""
    if mode not in ("assistant_maternel", "mam"):
        raise ValueError(f"unknown childminder mode {mode!r}")
    if inputs.tarif_horaire is None:
        raise InvalidInput(
            "garde.tarif_horaire", "Indiquez le salaire horaire net de l'assistant·e maternel·le."
        )
    read = Reader(inputs.as_of)
    hours = inputs.heures_par_mois
    salary = money(inputs.tarif_horaire * hours)
    upkeep, upkeep_estimate = _upkeep(read, inputs)
    meals = money(inputs.frais_repas_mensuels)
    monthly = salary + upkeep + meals
    hypotheses = [
        f"Salaire net de {format_euros(inputs.tarif_horaire)} de l'heure pour "
        f"{format_number(hours)} heures par mois : {format_euros(salary)}.",
        f"Indemnités d'entretien : {format_euros(upkeep)} par mois"
        + (" (estimation)" if upkeep_estimate else "")
        + f" ; repas : {format_euros(meals)} par mois.",
    ]
    not_counted = [upkeep_estimate]
    if not meals:
        not_counted.append(
            "Repas non comptés : si l'assistant·e maternel·le fournit les repas, ajoutez leur prix "
            "par mois."
        )
    if mode == "mam":
        hypotheses.append(
            "En MAM, chaque assistant·e maternel·le reste employé·e par les parents : le calcul "
            "est le même qu'avec un·e assistant·e maternel·le qui garde chez elle ou chez lui."
        )
    hypotheses.append(
        "Les cotisations sociales de l'assistant·e maternel·le sont prises en charge en totalité "
        "par la Caf (déclaration sur Pajemploi) : elles ne sont pas comptées."
    )
    cmg, cmg_notes, beside = _family_cmg(read, inputs, monthly)
    hypotheses += cmg_notes
    credit = _tax_credit(read, salary + upkeep - cmg, inputs.age_enfant, inputs.mois_naissance)
    hypotheses.append(credit.text)
    if meals and credit.annual:
        hypotheses.append("Les repas ne comptent pas dans les dépenses du crédit d'impôt.")
    not_counted += [*beside, credit.beside]
    aids = [
        AidLine(
            "cmg",
            "CMG (aide de la Caf pour l’emploi d’un·e assistant·e maternel·le)",
            cmg,
            typography(" ".join(cmg_notes)),
        ),
        _credit_line(credit),
    ]
    steps = [
        "CMG : faites la demande à la Caf (ou à la MSA) sur caf.fr dès l'embauche, puis déclarez "
        "chaque mois le salaire sur Pajemploi (pajemploi.urssaf.fr) : le CMG est versé après "
        "chaque déclaration.",
        _tax_credit_step(read),
    ]
    return _finish(
        read,
        inputs,
        _Draft(mode, money(inputs.tarif_horaire), monthly, aids, hypotheses, not_counted, steps),
    )


def micro_creche_cost(inputs: CareInput) -> ModeCost:
    """Micro-crèche outside the PSU: a free hourly price, the CMG « structure » (by income
    bracket, at least 15 % of the price left to the family, at least 16 hours a month)."""
    if inputs.prix_horaire_micro_creche is None:
        raise InvalidInput(
            "garde.prix_horaire_micro_creche", "Indiquez le prix horaire de la micro-crèche."
        )
    read = Reader(inputs.as_of)
    hours = inputs.heures_par_mois
    price = money(inputs.prix_horaire_micro_creche)
    monthly = money(price * hours)
    minimum = read("cmg.heures_minimum_structure")
    hypotheses = [
        f"Prix de la micro-crèche : {format_euros(price)} de l'heure pour {format_number(hours)} "
        f"heures par mois, soit {format_euros(monthly)}. Hors barème de la Caf (PSU), la "
        "micro-crèche fixe librement son prix."
    ]
    beside: list[str]
    if hours < minimum:
        cmg, cmg_notes, beside = (
            _ZERO,
            [f"Pas de CMG : il faut au moins {minimum} heures de garde par mois en micro-crèche."],
            [],
        )
    else:
        cmg, cmg_notes, beside = _family_cmg(read, inputs, monthly, structure=True)
    hypotheses += cmg_notes
    credit = _tax_credit(read, monthly - cmg, inputs.age_enfant, inputs.mois_naissance)
    hypotheses.append(credit.text)
    aids = [
        AidLine(
            "cmg",
            "CMG « structure » (aide de la Caf pour une micro-crèche)",
            cmg,
            typography(" ".join(cmg_notes)),
        ),
        _credit_line(credit),
    ]
    not_counted = [
        "Prix libre, hors barème PSU : la Caf verse le CMG « structure » à la micro-crèche ou à "
        "vous, au moins 15 % du prix restent à votre charge.",
        *beside,
        credit.beside,
    ]
    steps = [
        "CMG « structure » : demandez-le à la Caf (ou à la MSA) sur caf.fr ; la micro-crèche "
        "déclare chaque mois la garde (Pajemploi+ ou sa facture) et la Caf verse l'aide.",
        _tax_credit_step(read),
    ]
    return _finish(
        read,
        inputs,
        _Draft("micro_creche", price, monthly, aids, hypotheses, not_counted, steps, False),
    )


def home_care_cost(inputs: CareInput) -> ModeCost:
    """A home carer employed by the parent (« garde à domicile », CMG emploi direct), for the
    ``enfants_garde_domicile`` children cared for together: one salary for all of them."""
    if inputs.tarif_horaire_domicile is None:
        raise InvalidInput(
            "garde.tarif_horaire_domicile",
            "Indiquez le salaire horaire net de la garde à domicile.",
        )
    read = Reader(inputs.as_of)
    hours = inputs.heures_par_mois
    wage = money(inputs.tarif_horaire_domicile)
    monthly = money(wage * hours)
    together = max(inputs.enfants_garde_domicile, 1)
    share = read("cmg.taux_prise_en_charge_cotisations_garde_domicile")
    hypotheses = [
        f"Salaire net de {format_euros(wage)} de l'heure pour {format_number(hours)} heures par "
        f"mois : {format_euros(monthly)}"
        + (f", pour vos {together} enfants gardés ensemble." if together > 1 else ".")
    ]
    cmg, cmg_notes, beside = _family_cmg(
        read, inputs, monthly, hourly_cap_name="cmg.cout_horaire_maximum_garde_domicile"
    )
    hypotheses += cmg_notes
    hypotheses.append(
        "Une garde à domicile ouvre droit au crédit d'impôt pour l'emploi d'un salarié à domicile "
        "(50 %, autre plafond), que nous ne calculons pas : nous ne le comptons pas."
    )
    aids = [
        AidLine(
            "cmg",
            "CMG (aide de la Caf pour l’emploi d’une garde à domicile)",
            cmg,
            typography(" ".join(cmg_notes)),
        )
    ]
    not_counted = [
        f"Cotisations sociales de l'employeur non comptées : le CMG en prend en charge "
        f"{format_number(share * 100)} % (dans une limite), le reste est à votre charge.",
        "Crédit d'impôt pour l'emploi d'un salarié à domicile (case 7DB) non compté.",
        *beside,
    ]
    if together > 1:
        not_counted.insert(
            0,
            f"Un seul salaire pour vos {together} enfants gardés ensemble : ce coût n'est compté "
            "qu'une fois.",
        )
    steps = [
        "CMG : faites la demande à la Caf (ou à la MSA) sur caf.fr, puis déclarez chaque mois "
        "le salaire sur Pajemploi (pajemploi.urssaf.fr).",
        "Crédit d'impôt pour l'emploi d'un salarié à domicile : déclarez les sommes versées "
        "(nettes du CMG) l'année suivante.",
    ]
    return _finish(
        read,
        inputs,
        _Draft("garde_domicile", wage, monthly, aids, hypotheses, not_counted, steps, False),
    )


def care_costs(inputs: CareInput) -> tuple[ModeCost, ...]:
    """Every mode the inputs allow: the crèche for a child under 6 (and a micro-crèche outside
    the PSU when its price is given), the childminder and MAM when a wage is given, the home
    carer when a wage and the children cared for together are given."""
    costs = []
    under_limit = inputs.age_enfant < Reader(inputs.as_of)("psu.age_maximum")
    if under_limit:
        costs.append(creche_cost(inputs))
    if under_limit and inputs.prix_horaire_micro_creche is not None:
        costs.append(micro_creche_cost(inputs))
    if inputs.tarif_horaire is not None:
        costs += [childminder_cost(inputs, "assistant_maternel"), childminder_cost(inputs, "mam")]
    if inputs.tarif_horaire_domicile is not None and inputs.enfants_garde_domicile:
        costs.append(home_care_cost(inputs))
    return tuple(costs)


def child_notes(inputs: CareInput) -> tuple[str, ...]:
    """What the parent should know about this child's care besides the modes' figures."""
    read = Reader(inputs.as_of)
    limit = read("psu.age_maximum")
    if inputs.age_enfant >= limit:
        return (
            typography(
                f"Pas de crèche : elles accueillent les enfants de moins de {limit} ans. Pour un "
                "enfant à l'école, la garde suivante est l'accueil périscolaire (matin, soir, "
                "mercredi) et l'accueil de loisirs (vacances) : renseignez-vous auprès de la "
                "mairie."
            ),
        )
    return ()
