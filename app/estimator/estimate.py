"""One call for the whole answer: the AGE / AGEPI and the cost of each mode of care."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.core.french import typography

from .age import AgeInput, AgeResult, estimate_age
from .costs import CareInput, ModeCost, care_costs
from .errors import InvalidInput, parse_decimal, parse_monthly_resources
from .parameters import ParameterNotFound

__all__ = ["CareNeed", "Estimate", "EstimateInput", "estimate"]


@dataclass(frozen=True)
class CareNeed:
    """The care the parent needs (the API's ``garde``).

    ``heures_par_mois``: hours of care per month (None: the activity's hours are used);
    ``tarif_horaire``: a childminder's net hourly wage (None: only the crèche is estimated);
    ``age_enfant``: the child to be cared for (None: the youngest child).
    """

    heures_par_mois: Decimal | None = None
    tarif_horaire: Decimal | None = None
    frais_entretien_mensuels: Decimal = Decimal(0)
    frais_repas_mensuels: Decimal = Decimal(0)
    age_enfant: int | None = None

    def __post_init__(self) -> None:
        checks = (
            ("heures_par_mois", "Indiquez le nombre d'heures de garde par mois.", True),
            ("tarif_horaire", "Indiquez le salaire horaire net, en euros.", False),
            ("frais_entretien_mensuels", "Indiquez les indemnités d'entretien par mois.", False),
            ("frais_repas_mensuels", "Indiquez les frais de repas par mois, en euros.", False),
        )
        for name, message, positive in checks:
            raw = getattr(self, name)
            if raw is not None:
                number = parse_decimal(f"garde.{name}", raw, message, positive=positive)
                object.__setattr__(self, name, number)
        age = self.age_enfant
        if age is not None and (
            isinstance(age, bool) or not isinstance(age, int | float | Decimal) or not 0 <= age < 30
        ):
            raise InvalidInput("garde.age_enfant", "Indiquez l'âge de l'enfant en années.")


@dataclass(frozen=True)
class EstimateInput(AgeInput):
    """Everything :func:`estimate` uses: the fields of :class:`~app.estimator.age.AgeInput`, plus

    ``ressources_mensuelles``: the family's N-2 annual resources ÷ 12 (None: no costs);
    ``garde``: the care needed; ``enfant_aeeh``: a child of the family receives the AEEH.
    """

    ressources_mensuelles: Decimal | None = None
    garde: CareNeed | None = None
    enfant_aeeh: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.ressources_mensuelles is not None:
            resources = parse_monthly_resources(self.ressources_mensuelles)
            object.__setattr__(self, "ressources_mensuelles", resources)
        if self.garde is not None and not isinstance(self.garde, CareNeed):
            raise InvalidInput("garde", "Décrivez la garde dont vous avez besoin.")


@dataclass(frozen=True)
class Estimate:
    """The answer: ``age`` (AGE or AGEPI), ``costs`` (one entry per mode of care that could be
    estimated, crèche first) and ``notes`` (why a part is missing, in French)."""

    as_of: date
    age: AgeResult
    costs: tuple[ModeCost, ...]
    notes: tuple[str, ...]

    def cost(self, mode: str) -> ModeCost:
        """The cost of ``mode`` ("creche", "assistant_maternel", "mam"); KeyError if absent."""
        for item in self.costs:
            if item.mode == mode:
                return item
        raise KeyError(mode)


def _care_input(inputs: EstimateInput) -> tuple[CareInput | None, list[str]]:
    notes: list[str] = []
    need = inputs.garde or CareNeed()
    hours = need.heures_par_mois
    if hours is None and inputs.activite is not None and inputs.activite.heures_par_mois:
        hours = inputs.activite.heures_par_mois
        notes.append(
            "Pour le coût de la garde, nous avons compté autant d'heures que celles de votre "
            "emploi ou de votre formation."
        )
    child_age = (
        need.age_enfant if need.age_enfant is not None else min(inputs.enfants, default=None)
    )
    missing = []
    if inputs.ressources_mensuelles is None:
        missing.append("vos ressources mensuelles")
    if not hours:
        missing.append("le nombre d'heures de garde par mois")
    if child_age is None:
        missing.append("l'âge de votre enfant")
    if missing:
        listed = ", ".join(missing[:-1]) + (" et " if len(missing) > 1 else "") + missing[-1]
        return None, [
            typography(f"Indiquez {listed} pour estimer le coût de chaque mode de garde.")
        ]
    # Nothing is missing: mypy cannot see it from the list above.
    assert hours and inputs.ressources_mensuelles is not None and child_age is not None
    care = CareInput(
        as_of=inputs.as_of,
        heures_par_mois=hours,
        ressources_mensuelles=inputs.ressources_mensuelles,
        nombre_enfants=max(len(inputs.enfants), 1),
        age_enfant=child_age,
        parent_isole=inputs.parent_isole,
        tarif_horaire=need.tarif_horaire,
        frais_entretien_mensuels=need.frais_entretien_mensuels,
        frais_repas_mensuels=need.frais_repas_mensuels,
        enfant_aeeh=inputs.enfant_aeeh,
    )
    if need.tarif_horaire is None:
        notes.append(
            "Indiquez le salaire horaire net d'un·e assistant·e maternel·le pour estimer aussi ce "
            "mode de garde et la MAM."
        )
    return care, [typography(note) for note in notes]


def estimate(inputs: EstimateInput) -> Estimate:
    """The AGE / AGEPI verdict and the out-of-pocket cost of each mode of care, on ``inputs.as_of``.

    Raises :class:`~app.estimator.age.InvalidInput` (``field``, French ``message``) for unusable
    input, including :class:`~app.estimator.age.DateOutOfRange` before 20 January 2014. Costs
    need the CAF scales, recorded from 1 January 2022: for an older date they are left out with
    a note.
    """
    age = estimate_age(inputs)
    care, notes = _care_input(inputs)
    if care is not None and inputs.territoire == "mayotte":
        notes.append(
            typography(
                "À Mayotte, les prestations familiales sont versées par la Caisse de sécurité "
                "sociale de Mayotte (CSSM), avec des règles en partie différentes : les coûts "
                "ci-dessous suivent les barèmes nationaux, vérifiez-les auprès de la CSSM."
            )
        )
    costs: tuple[ModeCost, ...] = ()
    if care is not None:
        try:
            costs = care_costs(care)
        except ParameterNotFound:
            notes.append(
                typography(
                    "Le coût de la garde n'est pas estimé pour cette date : les barèmes de la Caf "
                    "enregistrés ne remontent pas si loin."
                )
            )
    return Estimate(as_of=inputs.as_of, age=age, costs=costs, notes=tuple(notes))
