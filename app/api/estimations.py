"""The estimations API's wire format, without Flask: JSON payload → :class:`EstimateInput`
(every field checked, one French message per field) and :class:`Estimate` → JSON.

The web form (:mod:`app.estimator_web.forms`) builds the same payload, so both go through one
gate: the bounds below keep absurd numbers (1e9999 euros, 10,000 children) out of the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from app.core.french import typography
from app.estimator import (
    ACTIVITY_TYPES,
    TERRITORIES,
    Activity,
    CareNeed,
    Child,
    Estimate,
    EstimateInput,
    InvalidInput,
    ModeCost,
    estimate,
)
from app.estimator.parameters import RuleOverlay

__all__ = ["EstimationErrors", "estimation_to_json", "parse_estimation", "run_estimation"]

MAX_CHILDREN = 20
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)


class EstimationErrors(ValueError):
    """The payload cannot be used: ``errors`` maps a field path (``"activite.duree_jours"``) to
    a French message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class _Invalid(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


# ---- field readers: each returns the Python value or raises _Invalid ---------------------------


def _boolean(raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise _Invalid("Indiquez true ou false.")
    return raw


def _number(low: Decimal | int, high: Decimal | int, unit: str) -> Callable[[Any], Decimal]:
    def read(raw: Any) -> Decimal:
        if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
            raise _Invalid(f"Indiquez un nombre ({unit}).")
        try:
            number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        except (InvalidOperation, ValueError):
            raise _Invalid(
                f"Indiquez un nombre ({unit}), avec un point pour les décimales."
            ) from None
        if not number.is_finite() or not low <= number <= high:
            raise _Invalid(f"Indiquez un nombre entre {low} et {high} ({unit}).")
        return number

    return read


def _integer(low: int, high: int, unit: str) -> Callable[[Any], int]:
    def read(raw: Any) -> int:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise _Invalid(f"Indiquez un nombre entier ({unit}).")
        if not low <= raw <= high:
            raise _Invalid(f"Indiquez un nombre entier entre {low} et {high} ({unit}).")
        return raw

    return read


def _date(raw: Any) -> date:
    if isinstance(raw, date):
        value = raw
    elif isinstance(raw, str):
        try:
            value = date.fromisoformat(raw.strip())
        except ValueError:
            raise _Invalid(
                "Indiquez une date au format AAAA-MM-JJ, par exemple 2026-11-21."
            ) from None
    else:
        raise _Invalid("Indiquez une date au format AAAA-MM-JJ, par exemple 2026-11-21.")
    if not MIN_DATE <= value <= MAX_DATE:
        raise _Invalid("Indiquez une date entre l'an 2000 et l'an 2100.")
    return value


def _choice(values: tuple[str, ...], message: str) -> Callable[[Any], str]:
    def read(raw: Any) -> str:
        if not isinstance(raw, str) or raw not in values:
            raise _Invalid(message)
        return raw

    return read


def _category(raw: Any) -> int | str:
    if isinstance(raw, int) and not isinstance(raw, bool) and 1 <= raw <= 8:
        return raw
    if isinstance(raw, str) and raw.strip().lower() in {"1", "2", "3", "4", "5", "6", "7", "8"}:
        return int(raw.strip())
    if isinstance(raw, str) and raw.strip().lower() in {"csp", "pap"}:
        return raw.strip().lower()
    raise _Invalid("Choisissez une catégorie de 1 à 8, « csp » ou « pap ».")


_ROOT: dict[str, Callable[[Any], Any]] = {
    "date": _date,
    "territoire": _choice(TERRITORIES, "Choisissez « metropole » ou « mayotte »."),
    "parent_isole": _boolean,
    "inscrit_france_travail": _boolean,
    "categorie_demandeur": _category,
    "allocation_journaliere": _number(0, 1000, "euros par jour"),
    "date_demande": _date,
    "date_derniere_aide": _date,
    "ressources_mensuelles": _number(0, 1_000_000, "euros par mois"),
    "enfant_aeeh": _boolean,
    "parent_aah": _boolean,
    "horaires_atypiques": _boolean,
}
_ACTIVITY: dict[str, Callable[[Any], Any]] = {
    "type": _choice(
        ACTIVITY_TYPES, "Choisissez cdi, cdd, interim, formation ou creation_entreprise."
    ),
    "date_debut": _date,
    "duree_jours": _integer(0, 3660, "jours"),
    "duree_heures": _number(0, 10_000, "heures"),
    "heures_par_semaine": _number(0, 168, "heures par semaine"),
    "heures_par_mois": _number(0, 744, "heures par mois"),
    "salarie_entreprise": _boolean,
}
_CARE: dict[str, Callable[[Any], Any]] = {
    "heures_par_mois": _number(0, 744, "heures par mois"),
    "tarif_horaire": _number(0, 100, "euros de l'heure"),
    "frais_entretien_mensuels": _number(0, 10_000, "euros par mois"),
    "frais_repas_mensuels": _number(0, 10_000, "euros par mois"),
    "age_enfant": _integer(0, 17, "années"),
    "date_debut": _date,
    "prix_horaire_micro_creche": _number(0, 100, "euros de l'heure"),
    "tarif_horaire_domicile": _number(0, 100, "euros de l'heure"),
}
_CHILD: dict[str, Callable[[Any], Any]] = {
    "age": _integer(0, 25, "âge en années"),
    "garde": _boolean,
    "scolarise": _boolean,
    "mois_naissance": _integer(1, 12, "mois de 1 à 12"),
}
_REQUIRED_ACTIVITY = ("type", "date_debut")
# Fields the OpenAPI document does not declare nullable: null there is refused, as any other
# value of the wrong type (omit the field for its default).
_NOT_NULL = frozenset(
    {"date", "territoire", "parent_isole", "inscrit_france_travail", "enfant_aeeh", "enfants"}
    | {"parent_aah", "horaires_atypiques", "age"}
    | {"type", "date_debut", "salarie_entreprise"}
)
NULL_REFUSED = "Ce champ ne peut pas valoir null : omettez-le pour sa valeur par défaut."


@dataclass
class _Reader:
    errors: dict[str, str]

    def fields(
        self,
        data: Mapping[str, Any],
        spec: dict[str, Callable[[Any], Any]],
        prefix: str,
        skip: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, raw in data.items():
            path = f"{prefix}{key}"
            if key in skip:
                continue
            if key not in spec:
                self.errors[path] = typography(
                    "Champ inconnu : vérifiez son nom dans la documentation de l'API."
                )
                continue
            if raw is None:
                if key in _NOT_NULL:
                    self.errors[path] = typography(NULL_REFUSED)
                continue
            try:
                values[key] = spec[key](raw)
            except _Invalid as invalid:
                self.errors[path] = typography(invalid.message)
        return values

    def build(self, factory: Callable[..., Any], **kwargs: Any) -> Any:
        try:
            return factory(**kwargs)
        except InvalidInput as invalid:
            self.errors.setdefault(invalid.field, invalid.message)
            return None


def _children(raw: Any, reader: _Reader) -> tuple[Child, ...]:
    message = typography('Donnez une liste d\'enfants, par exemple [{"age": 3}], 20 au plus.')
    if not isinstance(raw, list) or len(raw) > MAX_CHILDREN:
        reader.errors["enfants"] = message
        return ()
    children = []
    for position, child in enumerate(raw):
        prefix = f"enfants[{position}]."
        if not isinstance(child, Mapping) or "age" not in child:
            reader.errors[f"enfants[{position}]"] = typography(
                'Décrivez l\'enfant par son âge : {"age": 3}.'
            )
            continue
        values = reader.fields(child, _CHILD, prefix)
        if "age" in values:
            children.append(Child(**values))
        elif f"{prefix}age" not in reader.errors:
            reader.errors[f"{prefix}age"] = typography(NULL_REFUSED)
    return tuple(children)


def parse_estimation(payload: Any, *, today: date) -> EstimateInput:
    """The :class:`EstimateInput` described by ``payload`` (the JSON body of
    ``POST /api/v1/estimations``); :class:`EstimationErrors` listing every unusable field."""
    if not isinstance(payload, Mapping):
        raise EstimationErrors(
            {"": 'Envoyez un objet JSON, par exemple {"enfants": [{"age": 3}]}.'}
        )
    reader = _Reader({})
    root = reader.fields(payload, _ROOT, "", skip=("enfants", "activite", "garde"))
    children: tuple[Child, ...] = ()
    if "enfants" in payload:
        if payload["enfants"] is None:
            reader.errors["enfants"] = typography(NULL_REFUSED)
        else:
            children = _children(payload["enfants"], reader)

    activity = None
    if payload.get("activite") is not None:
        raw = payload["activite"]
        if not isinstance(raw, Mapping):
            reader.errors["activite"] = "Décrivez l'emploi ou la formation par un objet JSON."
        else:
            values = reader.fields(raw, _ACTIVITY, "activite.")
            missing = [k for k in _REQUIRED_ACTIVITY if raw.get(k) is None]
            for key in missing:
                reader.errors[f"activite.{key}"] = (
                    "Indiquez le type d'activité."
                    if key == "type"
                    else "Indiquez la date de début de l'emploi ou de la formation."
                )
            if not any(k.startswith("activite.") for k in reader.errors):
                activity = reader.build(Activity, **values)

    care = None
    if payload.get("garde") is not None:
        raw = payload["garde"]
        if not isinstance(raw, Mapping):
            reader.errors["garde"] = "Décrivez la garde par un objet JSON."
        else:
            values = reader.fields(raw, _CARE, "garde.")
            if not any(k.startswith("garde.") for k in reader.errors):
                care = reader.build(CareNeed, **values)

    if reader.errors:
        raise EstimationErrors(reader.errors)
    as_of = root.pop("date", today)
    result = reader.build(
        EstimateInput,
        as_of=as_of,
        enfants=tuple(child.age for child in children),
        enfants_details=children,
        activite=activity,
        garde=care,
        **root,
    )
    if reader.errors:
        raise EstimationErrors(reader.errors)
    return result


def run_estimation(payload: Any, *, today: date, rules: RuleOverlay | None = None) -> Estimate:
    """Parse and estimate; :class:`EstimationErrors` for unusable input (dates out of the known
    rules included). ``rules``: local rules (an experiment in the parent's département) that
    the caller chose; they apply on their own dates only."""
    inputs = parse_estimation(payload, today=today)
    if rules is not None:
        inputs = replace(inputs, regles_locales=rules)
    try:
        return estimate(inputs)
    except InvalidInput as invalid:
        raise EstimationErrors({invalid.field: invalid.message}) from None


# ---- output -------------------------------------------------------------------------------------


def _money(value: Decimal | int) -> float:
    return float(value)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def estimation_to_json(result: Estimate) -> dict[str, Any]:
    """The response body: ``age`` and ``couts``, amounts in euros (numbers with two decimals)."""
    age = result.age
    return {
        "date": result.as_of.isoformat(),
        "age": {
            "dispositif": age.dispositif,
            "nom": age.name,
            "nom_complet": age.full_name,
            "eligible": age.eligible,
            "montant": _money(age.amount),
            "montant_si_eligible": _money(age.amount_if_eligible),
            "explication_montant": age.amount_explanation,
            "conditions": [
                {"code": c.code, "ok": c.ok, "statut": c.verdict, "message": c.message}
                for c in age.conditions
            ],
            "date_limite_demande": _iso(age.deadline),
            "prochaines_etapes": age.next_steps,
            "notes": list(age.notes),
            "sources": _sources(age.parameters_used),
            "date_reference": _iso(age.reference_date),
            "explication_date_reference": age.reference_text,
        },
        "couts": [_cost(cost) for cost in result.costs],
        "date_reference_garde": _iso(result.care_reference_date),
        "enfants": [
            {
                "position": child.position,
                "age": child.age,
                "couts": [_cost(cost) for cost in child.costs],
                "notes": list(child.notes),
            }
            for child in result.children
        ],
        "totaux": [
            {
                "mode": total.mode,
                "libelle": total.label,
                "enfants": list(total.children),
                "cout_mensuel": _money(total.monthly_cost),
                "cmg_mensuel": _money(total.monthly_cmg),
                "a_payer_chaque_mois": _money(total.monthly_cash),
                "credit_impot_annuel": _money(total.tax_credit_annual),
                "credit_impot_verse_en": total.tax_credit_paid_in,
            }
            for total in result.totals
        ],
        "notes": list(result.notes),
    }


def _cost(cost: ModeCost) -> dict[str, Any]:
    credit = cost.tax_credit
    return {
        "mode": cost.mode,
        "libelle": cost.label,
        "heures_par_mois": float(cost.hours_per_month),
        "prix_horaire": _money(cost.hourly_price),
        "cout_mensuel": _money(cost.monthly_cost),
        "aides": [
            {
                "code": aid.code,
                "libelle": aid.label,
                "montant_mensuel": _money(aid.monthly_amount),
                "explication": aid.explanation,
            }
            for aid in cost.aids
        ],
        "a_payer_chaque_mois": _money(cost.monthly_cash),
        "credit_impot_annuel": _money(credit.annual_amount or 0) if credit else 0.0,
        "credit_impot_verse_en": credit.paid_in if credit else None,
        "reste_a_charge_mensuel": _money(cost.monthly_out_of_pocket),
        "reste_a_charge_horaire": _money(cost.hourly_out_of_pocket),
        "tarif_psu": cost.psu,
        "non_compte": list(cost.not_counted),
        "prochaines_etapes": list(cost.next_steps),
        "hypotheses": list(cost.hypotheses),
        "date_reference": _iso(cost.reference_date),
        "sources": _sources(cost.parameters_used),
    }


def _sources(entries) -> list[dict[str, Any]]:
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for item in entries:
        key = (item.name, item.start.isoformat())
        seen.setdefault(
            key,
            {
                "parametre": item.name,
                "depuis": item.start.isoformat(),
                "source": item.source,
                "non_verifie": bool(item.unverified),
            },
        )
    return list(seen.values())
