"""One call for the whole answer: the AGE / AGEPI and the cost of each mode of care."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.core.french import format_date, money, typography

from .age import AgeInput, AgeResult, estimate_age
from .costs import CareInput, ModeCost, care_costs, child_notes
from .errors import InvalidInput, parse_date, parse_decimal, parse_monthly_resources
from .parameters import ParameterNotFound

__all__ = ["CareNeed", "Child", "ChildCare", "Estimate", "EstimateInput", "ModeTotal", "estimate"]

_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Child:
    """One child of the family (the API's ``enfants[i]``).

    ``garde``: whether this child needs care (None: yes under 6, the crèche age); ``scolarise``:
    already at school (None: unknown); ``mois_naissance``: month of birth, 1–12 (None: unknown).
    """

    age: int
    garde: bool | None = None
    scolarise: bool | None = None
    mois_naissance: int | None = None


@dataclass(frozen=True)
class CareNeed:
    """The care the parent needs (the API's ``garde``).

    ``heures_par_mois``: hours of care per month (None: the activity's hours are used);
    ``tarif_horaire``: a childminder's net hourly wage (None: only the crèche is estimated);
    ``age_enfant``: the child to be cared for (None: the children of :class:`Child`);
    ``frais_entretien_mensuels``: the childminder's maintenance allowance per month (None:
    estimated from the legal minimum); ``prix_horaire_micro_creche``: the hourly price of a
    micro-crèche outside the PSU; ``tarif_horaire_domicile``: a home carer's net hourly wage
    (one salary for all the children cared for); ``date_debut``: first day of care (None: the
    start of the job or course, else the day of the estimate) — the Caf scales of that month
    apply.
    """

    heures_par_mois: Decimal | None = None
    tarif_horaire: Decimal | None = None
    frais_entretien_mensuels: Decimal | None = None
    frais_repas_mensuels: Decimal = Decimal(0)
    age_enfant: int | None = None
    date_debut: date | None = None
    prix_horaire_micro_creche: Decimal | None = None
    tarif_horaire_domicile: Decimal | None = None

    def __post_init__(self) -> None:
        checks = (
            ("heures_par_mois", "Indiquez le nombre d'heures de garde par mois.", True),
            ("tarif_horaire", "Indiquez le salaire horaire net, en euros.", False),
            ("frais_entretien_mensuels", "Indiquez les indemnités d'entretien par mois.", False),
            ("frais_repas_mensuels", "Indiquez les frais de repas par mois, en euros.", False),
            ("prix_horaire_micro_creche", "Indiquez le prix horaire de la micro-crèche.", False),
            ("tarif_horaire_domicile", "Indiquez le salaire horaire net, en euros.", False),
        )
        for name, message, positive in checks:
            raw = getattr(self, name)
            if raw is not None:
                number = parse_decimal(f"garde.{name}", raw, message, positive=positive)
                object.__setattr__(self, name, number)
        object.__setattr__(self, "date_debut", parse_date("garde.date_debut", self.date_debut))
        age = self.age_enfant
        if age is not None and (
            isinstance(age, bool) or not isinstance(age, int | float | Decimal) or not 0 <= age < 30
        ):
            raise InvalidInput("garde.age_enfant", "Indiquez l'âge de l'enfant en années.")


@dataclass(frozen=True)
class EstimateInput(AgeInput):
    """Everything :func:`estimate` uses: the fields of :class:`~app.estimator.age.AgeInput`, plus

    ``ressources_mensuelles``: the family's N-2 annual resources ÷ 12 (None: no costs);
    ``garde``: the care needed; ``enfant_aeeh``: a child of the family receives the AEEH;
    ``parent_aah``: a parent receives the AAH; ``horaires_atypiques``: at least 25 h of care a
    month at night, on Sundays or holidays; ``enfants_details``: what we know of each child of
    ``enfants`` (same order; empty: only their ages).
    """

    ressources_mensuelles: Decimal | None = None
    garde: CareNeed | None = None
    enfant_aeeh: bool = False
    parent_aah: bool = False
    horaires_atypiques: bool = False
    enfants_details: tuple[Child, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        details = tuple(self.enfants_details)
        if details and (
            len(details) != len(self.enfants) or not all(isinstance(c, Child) for c in details)
        ):
            raise InvalidInput("enfants", "Décrivez chaque enfant, dans le même ordre.")
        object.__setattr__(self, "enfants_details", details)
        if self.ressources_mensuelles is not None:
            resources = parse_monthly_resources(self.ressources_mensuelles)
            object.__setattr__(self, "ressources_mensuelles", resources)
        if self.garde is not None and not isinstance(self.garde, CareNeed):
            raise InvalidInput("garde", "Décrivez la garde dont vous avez besoin.")


@dataclass(frozen=True)
class ChildCare:
    """The modes of care of one child: ``position`` among the family's children (1 for the
    first), ``age``, ``costs`` (one per mode, crèche first) and ``notes`` (e.g. no crèche)."""

    position: int
    age: int
    costs: tuple[ModeCost, ...]
    notes: tuple[str, ...]

    def cost(self, mode: str) -> ModeCost:
        for item in self.costs:
            if item.mode == mode:
                return item
        raise KeyError(mode)


@dataclass(frozen=True)
class ModeTotal:
    """One mode of care for every child who can use it (``children``: their positions), per
    month: cost, CMG, cash paid; the tax credit for the year, paid in ``tax_credit_paid_in``."""

    mode: str
    label: str
    children: tuple[int, ...]
    monthly_cost: Decimal
    monthly_cmg: Decimal
    monthly_cash: Decimal
    tax_credit_annual: Decimal
    tax_credit_paid_in: int | None


@dataclass(frozen=True)
class Estimate:
    """The answer: ``age`` (AGE or AGEPI), ``children`` (the modes of care of each child who
    needs care), ``totals`` (each mode for all of them), ``costs`` (the first child's modes, kept
    for the API's ``couts``), ``care_reference_date`` (the month of care whose Caf scales were
    read) and ``notes`` (why a part is missing, in French)."""

    as_of: date
    age: AgeResult
    costs: tuple[ModeCost, ...]
    notes: tuple[str, ...]
    children: tuple[ChildCare, ...] = ()
    totals: tuple[ModeTotal, ...] = ()
    care_reference_date: date | None = None

    def cost(self, mode: str) -> ModeCost:
        """The cost of ``mode`` ("creche", "assistant_maternel", "mam"); KeyError if absent."""
        for item in self.costs:
            if item.mode == mode:
                return item
        raise KeyError(mode)


def _children_in_care(inputs: EstimateInput) -> list[tuple[int, Child]]:
    """(position, child) of each child who needs care: those marked ``garde``, and those under
    the crèche age (6) unless marked otherwise; with no answer and no child under 6, the
    youngest. ``garde.age_enfant`` names a single child."""
    need = inputs.garde or CareNeed()
    if need.age_enfant is not None:
        return [(1, Child(int(need.age_enfant)))]
    details = inputs.enfants_details or tuple(Child(int(age)) for age in inputs.enfants)
    numbered = list(enumerate(details, start=1))
    chosen = [(i, c) for i, c in numbered if c.garde or (c.garde is None and c.age < 6)]
    if chosen or any(c.garde is not None for c in details):
        return chosen
    return [min(numbered, key=lambda item: item[1].age)] if numbered else []


def _care_reference(inputs: EstimateInput) -> date:
    """The first day of the month of care: the Caf scales of that month apply."""
    need = inputs.garde or CareNeed()
    start = need.date_debut or (inputs.activite.date_debut if inputs.activite else None)
    return (start or inputs.as_of).replace(day=1)


def _care_inputs(inputs: EstimateInput) -> tuple[list[tuple[int, CareInput]], list[str]]:
    notes: list[str] = []
    need = inputs.garde or CareNeed()
    hours = need.heures_par_mois
    if hours is None and inputs.activite is not None and inputs.activite.heures_par_mois:
        hours = inputs.activite.heures_par_mois
        notes.append(
            "Pour le coût de la garde, nous avons compté autant d'heures que celles de votre "
            "emploi ou de votre formation."
        )
    children = _children_in_care(inputs)
    missing = []
    if inputs.ressources_mensuelles is None:
        missing.append("vos ressources mensuelles")
    if not hours:
        missing.append("le nombre d'heures de garde par mois")
    if not children:
        missing.append("l'âge de votre enfant" if not inputs.enfants else "l'enfant à faire garder")
    if missing:
        listed = ", ".join(missing[:-1]) + (" et " if len(missing) > 1 else "") + missing[-1]
        return [], [typography(f"Indiquez {listed} pour estimer le coût de chaque mode de garde.")]
    # Nothing is missing: mypy cannot see it from the list above.
    assert hours and inputs.ressources_mensuelles is not None
    reference = _care_reference(inputs)
    youngest = min(children, key=lambda item: item[1].age)[0]
    cares = [
        (
            position,
            CareInput(
                as_of=reference,
                heures_par_mois=hours,
                ressources_mensuelles=inputs.ressources_mensuelles,
                nombre_enfants=max(len(inputs.enfants), 1),
                age_enfant=child.age,
                parent_isole=inputs.parent_isole,
                tarif_horaire=need.tarif_horaire,
                frais_entretien_mensuels=need.frais_entretien_mensuels,
                frais_repas_mensuels=need.frais_repas_mensuels,
                enfant_aeeh=inputs.enfant_aeeh,
                parent_aah=inputs.parent_aah,
                horaires_atypiques=inputs.horaires_atypiques,
                scolarise=child.scolarise,
                mois_naissance=child.mois_naissance,
                prix_horaire_micro_creche=need.prix_horaire_micro_creche,
                tarif_horaire_domicile=need.tarif_horaire_domicile,
                enfants_garde_domicile=len(children) if position == youngest else 0,
            ),
        )
        for position, child in children
    ]
    if need.tarif_horaire is None:
        notes.append(
            "Indiquez le salaire horaire net d'un·e assistant·e maternel·le pour estimer aussi ce "
            "mode de garde et la MAM."
        )
    if reference != inputs.as_of.replace(day=1):
        notes.append(
            "Les barèmes de la Caf sont ceux du mois où la garde commence "
            f"({format_date(reference)})."
        )
    return cares, [typography(note) for note in notes]


#: Modes paid once for all the children cared for together.
_SHARED_MODES = ("garde_domicile",)


def _totals(children: tuple[ChildCare, ...]) -> tuple[ModeTotal, ...]:
    modes: dict[str, list[tuple[int, ModeCost]]] = {}
    for child in children:
        for cost in child.costs:
            modes.setdefault(cost.mode, []).append((child.position, cost))
    totals = []
    for mode, items in modes.items():
        costs = [cost for _, cost in items]
        credits = [cost.tax_credit for cost in costs if cost.tax_credit is not None]
        totals.append(
            ModeTotal(
                mode=mode,
                label=costs[0].label,
                children=tuple(child.position for child in children)
                if mode in _SHARED_MODES
                else tuple(position for position, _ in items),
                monthly_cost=sum((c.monthly_cost for c in costs), _ZERO),
                monthly_cmg=sum(
                    (a.monthly_amount for c in costs for a in c.aids if a.code == "cmg"), _ZERO
                ),
                monthly_cash=sum((c.monthly_cash for c in costs), _ZERO),
                tax_credit_annual=money(sum((a.annual_amount or _ZERO for a in credits), _ZERO)),
                tax_credit_paid_in=credits[0].paid_in if credits else None,
            )
        )
    return tuple(totals)


def estimate(inputs: EstimateInput) -> Estimate:
    """The AGE / AGEPI verdict and the cost of each mode of care for each child who needs care.

    Each rule is read on its own date: the AGE's conditions on the day the job or course starts,
    the Caf scales on the month the care starts. Raises
    :class:`~app.estimator.age.InvalidInput` (``field``, French ``message``) for unusable input,
    including :class:`~app.estimator.age.DateOutOfRange` before 20 January 2014. Costs need the
    Caf scales, recorded from 1 January 2022: for an older month they are left out with a note.
    """
    age = estimate_age(inputs)
    cares, notes = _care_inputs(inputs)
    if cares and inputs.territoire == "mayotte":
        notes.append(
            typography(
                "À Mayotte, les prestations familiales sont versées par la Caisse de sécurité "
                "sociale de Mayotte (CSSM), avec des règles en partie différentes : les coûts "
                "ci-dessous suivent les barèmes nationaux, vérifiez-les auprès de la CSSM."
            )
        )
    children: tuple[ChildCare, ...] = ()
    reference = cares[0][1].as_of if cares else None
    try:
        children = tuple(
            ChildCare(position, int(care.age_enfant), care_costs(care), child_notes(care))
            for position, care in cares
        )
    except ParameterNotFound:
        notes.append(
            typography(
                "Le coût de la garde n'est pas estimé pour cette date : les barèmes de la Caf "
                "enregistrés ne remontent pas si loin."
            )
        )
        reference = None
    return Estimate(
        as_of=inputs.as_of,
        age=age,
        costs=children[0].costs if children else (),
        notes=tuple(notes),
        children=children,
        totals=_totals(children),
        care_reference_date=reference,
    )
