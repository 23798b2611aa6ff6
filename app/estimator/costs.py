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

MODES = ("creche", "assistant_maternel", "mam")
_MODE_LABEL = {
    "creche": "Crèche (tarif national de la Caf)",
    "assistant_maternel": "Assistant·e maternel·le",
    "mam": "Maison d’assistants maternels (MAM)",
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
    to the childminder per month; ``enfant_aeeh``: a child of the family receives the AEEH.
    """

    as_of: date
    heures_par_mois: Decimal
    ressources_mensuelles: Decimal
    nombre_enfants: int = 1
    age_enfant: int = 0
    parent_isole: bool = False
    tarif_horaire: Decimal | None = None
    frais_entretien_mensuels: Decimal = Decimal(0)
    frais_repas_mensuels: Decimal = Decimal(0)
    enfant_aeeh: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "as_of", parse_date("date", self.as_of, required=True))
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


@dataclass(frozen=True)
class ModeCost:
    """Cost of one mode of care for the hours needed.

    ``hourly_price``: price of one hour before aid (PSU price, or the childminder's net wage);
    ``monthly_cost``: what the family pays each month before aid; ``aids``: each aid per month
    (the tax credit comes the following year, shown per month); ``monthly_out_of_pocket`` and
    ``hourly_out_of_pocket``: what remains; ``hypotheses``: what the figures assume, in French.
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

    @property
    def total_aid(self) -> Decimal:
        return sum((aid.monthly_amount for aid in self.aids), _ZERO)


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
) -> tuple[Decimal, list[str]]:
    """CMG per month for a childminder, and the sentences explaining it."""
    notes: list[str] = []
    name = "Le CMG (complément de libre choix du mode de garde, versé par la Caf)"
    limit = read("cmg.age_maximum_parent_isole" if isolated else "cmg.age_maximum")
    if child_age >= limit:
        reason = f"le CMG est versé pour un enfant de moins de {limit} ans"
        if isolated:
            reason += " quand on élève seul·e son enfant"
        notes.append(f"Pas de CMG : votre enfant a {format_number(child_age)} ans, {reason}.")
        return _ZERO, notes
    if read("cmg.bareme") == "tranches":
        low, high = _ceilings(read, children, isolated)
        annual = resources * 12
        bracket = 0 if annual <= low else 1 if annual <= high else 2
        rate = read("cmg.taux_assistant_maternel")[bracket]
        maximum = read("bmaf.bmaf") * rate * read("cmg.coefficient_crds")
        half_from = read("cmg.age_demi_montant")
        if child_age >= half_from:
            maximum /= 2
        maximum = money(maximum)
        share = read("cmg.part_minimale_famille")
        cap = money(monthly_cost * (1 - share))
        amount = min(maximum, cap)
        if cap < maximum:
            notes.append(
                f"Ici, c'est la limite des {format_number(share * 100)} % qui s'applique : le CMG "
                f"est de {format_euros(cap)} ({format_number(100 - share * 100)} % de "
                f"{format_euros(monthly_cost)})."
            )
        bracket_text = ("la plus basse", "intermédiaire", "la plus haute")[bracket]
        notes.append(
            f"{name} : vos revenus annuels de référence ({format_euros(annual)}, ceux d'il y a 2 "
            f"ans) sont dans la tranche {bracket_text} pour {children} "
            f"{'enfant' if children == 1 else 'enfants'}"
            + (" (limites majorées pour un parent isolé)" if isolated else "")
            + f" ; le CMG est au plus de {format_euros(maximum)} par mois"
            + (
                f" (la moitié, car votre enfant a {half_from} ans ou plus)"
                if child_age >= half_from
                else ""
            )
            + f", et au moins {format_number(share * 100)} % du coût reste à votre charge."
        )
        return amount, notes
    # « Taux d'effort » formula, from 1 September 2025.
    hourly_cap = read("cmg.cout_horaire_maximum_assistant_maternel")
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
    return amount, notes


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
) -> Decimal:
    """CMG per month for an assistant·e maternel·le (``monthly_cost``: net wage + upkeep + meals).

    Before 1 September 2025: min(BMAF × rate of the income bracket × 0.995 (halved from 3
    years), 85 % of the cost). From it: min(cost, 8 €/h × hours) × (1 − clamp(resources) ×
    taux d'effort ÷ 4.85 €), never negative. Zero for a child too old (6 years; 12 for an
    isolated parent from September 2025).
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
    )[0]


def _tax_credit(
    read: Reader, monthly_expenses: Decimal, child_age: Decimal | int
) -> tuple[Decimal, str]:
    age_limit = read("credit_impot.age_maximum")
    ceiling = read("credit_impot.plafond_depenses_par_enfant")
    rate = read("credit_impot.taux")
    if child_age >= age_limit:
        text = (
            "Pas de crédit d'impôt pour frais de garde compté : il concerne les enfants de moins "
            f"de {age_limit} ans au 1er janvier de l'année."
        )
        if child_age == age_limit:
            text += (
                f" Si votre enfant a eu {age_limit} ans après le 1er janvier de cette année, vous "
                "y avez encore droit pour cette année."
            )
        return _ZERO, text
    annual = max(monthly_expenses, Decimal(0)) * 12
    credit = min(annual, ceiling) * rate
    text = (
        f"Crédit d'impôt pour frais de garde : {format_number(rate * 100)} % des dépenses qui "
        f"restent à votre charge, dans la limite de {format_euros(ceiling)} de dépenses par enfant "
        "et par an (la moitié en résidence alternée). Il est versé l'année suivante, après la "
        "déclaration de revenus : nous l'avons réparti sur 12 mois."
    )
    return money(credit / 12), text


def tax_credit_monthly(on: date, monthly_expenses: Decimal | float, child_age: int) -> Decimal:
    """Monthly tax credit: min(12 × expenses, ceiling) × 50 % ÷ 12, for a child under 6."""
    return _tax_credit(Reader(on), to_decimal(monthly_expenses), child_age)[0]


# ---- Modes ------------------------------------------------------------------------------------


def _finish(
    mode: str,
    read: Reader,
    inputs: CareInput,
    hourly_price: Decimal,
    monthly_cost: Decimal,
    aids: list[AidLine],
    hypotheses: list[str],
) -> ModeCost:
    out_of_pocket = max(monthly_cost - sum((aid.monthly_amount for aid in aids), _ZERO), _ZERO)
    hypotheses.append(
        "Ceci est une estimation : les montants exacts dépendent de votre contrat et de la Caf, "
        "qui seule calcule vos droits."
    )
    return ModeCost(
        mode=mode,
        label=_MODE_LABEL[mode],
        hours_per_month=inputs.heures_par_mois,
        hourly_price=hourly_price,
        monthly_cost=monthly_cost,
        aids=tuple(aids),
        monthly_out_of_pocket=out_of_pocket,
        hourly_out_of_pocket=money(out_of_pocket / inputs.heures_par_mois),
        hypotheses=tuple(typography(text) for text in hypotheses),
        parameters_used=read.used,
    )


def creche_cost(inputs: CareInput) -> ModeCost:
    """Crèche at the PSU price (collective crèche or PSU micro-crèche)."""
    read = Reader(inputs.as_of)
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
    credit, credit_text = _tax_credit(read, monthly, inputs.age_enfant)
    hypotheses.append(credit_text)
    aids = [
        AidLine(
            "credit_impot", "Crédit d’impôt pour frais de garde", credit, typography(credit_text)
        )
    ]
    return _finish("creche", read, inputs, hourly, monthly, aids, hypotheses)


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
    upkeep, meals = money(inputs.frais_entretien_mensuels), money(inputs.frais_repas_mensuels)
    monthly = salary + upkeep + meals
    hypotheses = [
        f"Salaire net de {format_euros(inputs.tarif_horaire)} de l'heure pour "
        f"{format_number(hours)} heures par mois : {format_euros(salary)}."
    ]
    if upkeep or meals:
        hypotheses.append(
            f"Indemnités d'entretien : {format_euros(upkeep)} par mois ; repas : "
            f"{format_euros(meals)} par mois."
        )
    else:
        hypotheses.append(
            "Les indemnités d'entretien et les repas ne sont pas comptés : ajoutez-les pour un "
            "calcul plus juste."
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
    cmg, cmg_notes = _cmg(
        read,
        monthly_cost=monthly,
        hours=hours,
        resources=inputs.ressources_mensuelles,
        children=inputs.nombre_enfants,
        child_age=inputs.age_enfant,
        isolated=inputs.parent_isole,
        aeeh=inputs.enfant_aeeh,
    )
    hypotheses += cmg_notes
    credit, credit_text = _tax_credit(read, salary + upkeep - cmg, inputs.age_enfant)
    hypotheses.append(credit_text)
    if meals and credit:
        hypotheses.append("Les repas ne comptent pas dans les dépenses du crédit d'impôt.")
    aids = [
        AidLine(
            "cmg",
            "CMG (aide de la Caf pour l’emploi d’un·e assistant·e maternel·le)",
            cmg,
            typography(" ".join(cmg_notes)),
        ),
        AidLine(
            "credit_impot", "Crédit d’impôt pour frais de garde", credit, typography(credit_text)
        ),
    ]
    return _finish(mode, read, inputs, money(inputs.tarif_horaire), monthly, aids, hypotheses)


def care_costs(inputs: CareInput) -> tuple[ModeCost, ...]:
    """Every mode the inputs allow: the crèche, and the childminder and MAM when a wage is given."""
    costs = [creche_cost(inputs)]
    if inputs.tarif_horaire is not None:
        costs += [childminder_cost(inputs, "assistant_maternel"), childminder_cost(inputs, "mam")]
    return tuple(costs)
