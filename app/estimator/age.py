"""France Travail's childcare aid: AGE (from 1 May 2024), formerly AGEPI (2014 – April 2024).

:func:`estimate_age` takes an :class:`AgeInput` and returns an :class:`AgeResult`: a verdict and a
plain-French reason for each condition, the amount, the deadline to apply and what to do next.
Every figure comes from the dated parameters (``age.*``, ``agepi.*``, ``are.*``), read on
``as_of``: the rule set itself (AGEPI or AGE) is the parameter ``age.dispositif`` on that date.

Pure functions: no I/O besides the (cached) parameter files, no global state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from app.core.dates import add_months
from app.core.french import format_date, format_euros, format_number, money, typography

from .errors import DateOutOfRange, InvalidInput, parse_date, parse_decimal
from .parameters import Entry, ParameterNotFound, Reader, RuleOverlay, parameter

__all__ = [
    "ACTIVITY_TYPES",
    "SPECIAL_CATEGORIES",
    "TERRITORIES",
    "Activity",
    "AgeInput",
    "AgeResult",
    "Condition",
    "DateOutOfRange",
    "InvalidInput",
    "estimate_age",
]

ACTIVITY_TYPES = ("cdi", "cdd", "interim", "formation", "creation_entreprise")
TERRITORIES = ("metropole", "mayotte")
SPECIAL_CATEGORIES = ("csp", "pap")

_AID = {"age": "l'AGE", "agepi": "l'AGEPI"}
_AID_NAME = {"age": "AGE", "agepi": "AGEPI"}
_AID_FULL_NAME = {
    "age": "aide à la garde d’enfants",
    "agepi": "aide à la garde d’enfants pour parents isolés",
}
_ACTIVITY_LABEL = {
    "cdi": "CDI",
    "cdd": "CDD",
    "interim": "contrat d’intérim",
    "formation": "formation",
    "creation_entreprise": "création ou reprise d’entreprise",
}
_CATEGORY_DETAIL: dict[int | str, str] = {
    4: " (si vous êtes stagiaire de la formation professionnelle)",
    5: " (contrat aidé : parcours emploi compétences ou CDDI)",
}


@dataclass(frozen=True)
class Activity:
    """The job or course that starts.

    ``type``: "cdi" | "cdd" | "interim" | "formation" | "creation_entreprise";
    ``duree_jours``: length of a CDD / temporary contract in consecutive calendar days;
    ``duree_heures``: total length of a course in hours;
    ``heures_par_semaine`` / ``heures_par_mois``: working or training hours (they choose the tier);
    ``salarie_entreprise``: for a business creation, whether the parent is salaried by it (AGEPI).
    """

    type: str
    date_debut: date
    duree_jours: int | None = None
    duree_heures: Decimal | None = None
    heures_par_semaine: Decimal | None = None
    heures_par_mois: Decimal | None = None
    salarie_entreprise: bool = False

    def __post_init__(self) -> None:
        if self.type not in ACTIVITY_TYPES:
            raise InvalidInput(
                "activite.type",
                "Choisissez le type d'activité : CDI, CDD, intérim, formation ou création "
                "d'entreprise.",
            )
        object.__setattr__(
            self, "date_debut", parse_date("activite.date_debut", self.date_debut, required=True)
        )
        if self.duree_jours is not None and (
            isinstance(self.duree_jours, bool)
            or not isinstance(self.duree_jours, int)
            or self.duree_jours < 0
        ):
            raise InvalidInput(
                "activite.duree_jours",
                "Indiquez la durée du contrat en jours (un nombre entier).",
            )
        for name, message in (
            ("duree_heures", "Indiquez la durée de la formation en heures."),
            ("heures_par_semaine", "Indiquez un nombre d'heures par semaine."),
            ("heures_par_mois", "Indiquez un nombre d'heures par mois."),
        ):
            object.__setattr__(
                self,
                name,
                None
                if getattr(self, name) is None
                else parse_decimal(f"activite.{name}", getattr(self, name), message),
            )
        if self.heures_par_semaine is not None and self.heures_par_semaine > 168:
            raise InvalidInput(
                "activite.heures_par_semaine", "Une semaine compte au plus 168 heures."
            )
        if self.heures_par_mois is not None and self.heures_par_mois > 744:
            raise InvalidInput("activite.heures_par_mois", "Un mois compte au plus 744 heures.")


@dataclass(frozen=True)
class AgeInput:
    """What the AGE / AGEPI rules need to know.

    ``as_of``: date of the estimate (chooses the rules and values; default today);
    ``territoire``: "metropole" | "mayotte";
    ``categorie_demandeur``: 1 to 8, "csp" or "pap"; None when unknown;
    ``allocation_journaliere``: net daily unemployment allowance in euros; None when the parent
    gets none (the RSA is not an unemployment allowance);
    ``enfants``: ages in whole years of the children in the parent's charge;
    ``date_demande``: date of the application (default: ``as_of``);
    ``date_derniere_aide``: start date of the previous AGE / AGEPI, if any;
    ``regles_locales``: local rules (an experiment in the parent's département) that win over
    the national values on their own dates; the caller chooses them, the rules stay pure.
    """

    as_of: date = field(default_factory=date.today)
    territoire: str = "metropole"
    parent_isole: bool = False
    inscrit_france_travail: bool = False
    categorie_demandeur: int | str | None = None
    allocation_journaliere: Decimal | None = None
    enfants: tuple[int, ...] = ()
    activite: Activity | None = None
    date_demande: date | None = None
    date_derniere_aide: date | None = None
    regles_locales: RuleOverlay | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "as_of", parse_date("date", self.as_of, required=True))
        if self.regles_locales is not None and not isinstance(self.regles_locales, RuleOverlay):
            raise InvalidInput("regles_locales", "Règles locales illisibles.")
        if self.territoire not in TERRITORIES:
            raise InvalidInput("territoire", "Choisissez « métropole » ou « Mayotte ».")
        category = self.categorie_demandeur
        if isinstance(category, str) and category.isdigit():
            category = int(category)
        if isinstance(category, str):
            category = category.lower()
        if category is not None and (
            isinstance(category, bool)
            or (category not in range(1, 9) and category not in SPECIAL_CATEGORIES)
        ):
            raise InvalidInput(
                "categorie_demandeur", "Choisissez une catégorie de 1 à 8, « CSP » ou « PAP »."
            )
        object.__setattr__(self, "categorie_demandeur", category)
        object.__setattr__(
            self,
            "allocation_journaliere",
            None
            if self.allocation_journaliere is None
            else parse_decimal(
                "allocation_journaliere",
                self.allocation_journaliere,
                "Indiquez le montant de votre allocation chômage par jour, en euros.",
            ),
        )
        ages = tuple(self.enfants)
        for age in ages:
            if (
                isinstance(age, bool)
                or not isinstance(age, int | float | Decimal)
                or not 0 <= age < 30
            ):
                raise InvalidInput(
                    "enfants", "Indiquez l'âge de chaque enfant en années (0 pour un bébé)."
                )
        object.__setattr__(self, "enfants", ages)
        if self.activite is not None and not isinstance(self.activite, Activity):
            raise InvalidInput("activite", "Décrivez l'emploi ou la formation.")
        object.__setattr__(self, "date_demande", parse_date("date_demande", self.date_demande))
        object.__setattr__(
            self, "date_derniere_aide", parse_date("date_derniere_aide", self.date_derniere_aide)
        )


@dataclass(frozen=True)
class Condition:
    """One condition of the aid: ``code`` (stable identifier), ``ok``, a French ``message`` and
    the ``verdict``: "oui", "non" or "a_verifier" (cannot be judged from the answers: ``ok`` stays
    True, the parent is told what to check)."""

    code: str
    ok: bool
    message: str
    verdict: str = ""

    def __post_init__(self) -> None:
        if not self.verdict:
            object.__setattr__(self, "verdict", "oui" if self.ok else "non")

    @property
    def to_check(self) -> bool:
        """Neither yes nor no from the answers: « à vérifier » (counted as met)."""
        return self.verdict == "a_verifier"


@dataclass(frozen=True)
class AgeResult:
    """The answer for the AGE / AGEPI.

    ``dispositif``: "age" or "agepi" (the rules applied on ``as_of``); ``name``: "AGE" / "AGEPI";
    ``reference_date``: the day the conditions were judged on (the start of the job or course,
    else the day of the estimate) and ``reference_text`` says so in French;
    ``amount``: paid once, 0 when not eligible; ``amount_if_eligible``: what it would be if every
    condition held (e.g. after a derogation); ``deadline``: last day to apply (None without an
    activity); ``parameters_used``: the dated values used, with their sources.
    """

    as_of: date
    dispositif: str
    name: str
    full_name: str
    eligible: bool
    amount: Decimal
    amount_if_eligible: Decimal
    amount_explanation: str
    conditions: tuple[Condition, ...]
    deadline: date | None
    next_steps: str
    notes: tuple[str, ...]
    parameters_used: tuple[Entry, ...]
    reference_date: date | None = None
    reference_text: str = ""
    #: The local values (an experiment) that decided this answer instead of the national ones.
    local_entries: tuple[Entry, ...] = ()

    def condition(self, code: str) -> Condition:
        """The condition with this code (KeyError if absent)."""
        for item in self.conditions:
            if item.code == code:
                return item
        raise KeyError(code)


def _condition(code: str, ok: bool, message: str, *, to_check: bool = False) -> Condition:
    return Condition(code, ok, typography(message), "a_verifier" if to_check else "")


def _plural(count: int, singular: str, plural: str) -> str:
    return singular if count == 1 else plural


def _category_label(category: int | str) -> str:
    if category == "csp":
        return "contrat de sécurisation professionnelle (CSP)"
    if category == "pap":
        return "parcours d'accompagnement personnalisé des collaborateurs parlementaires (PAP)"
    return f"catégorie {category}"


def _category_list(categories: tuple) -> str:
    numbers = [str(c) for c in categories if isinstance(c, int)]
    others = [c.upper() for c in categories if isinstance(c, str)]
    text = f"{', '.join(numbers[:-1])} et {numbers[-1]}" if len(numbers) > 1 else "".join(numbers)
    text = f"catégories {text}" if len(numbers) > 1 else f"catégorie {text}"
    return f"{text}, {' ou '.join(others)}" if others else text


class _Rules:
    """Evaluates the conditions of one estimate (one object per call, no shared state)."""

    def __init__(self, inputs: AgeInput) -> None:
        self.inputs = inputs
        # The conditions are judged on the day the job or training starts (instruction DG
        # n°2024-16 §3.1); without an activity, on the day of the estimate.
        activity = inputs.activite
        self.on = activity.date_debut if activity is not None else inputs.as_of
        self.read = Reader(self.on, inputs.regles_locales)
        try:
            self.dispositif: str = self.read("age.dispositif")
        except ParameterNotFound:
            first = parameter("age.dispositif").entries[0].start
            raise DateOutOfRange(
                "activite.date_debut" if activity is not None else "date",
                "Les règles de l'aide à la garde d'enfants ne sont connues qu'à partir du "
                f"{format_date(first)}.",
            ) from None
        self.aid = _AID[self.dispositif]
        self.organisation: str = self.read("age.organisme")
        self.amount_entries: tuple[Entry, ...] = ()

    def param(self, key: str) -> Any:
        return self.read(f"{self.dispositif}.{key}")

    # -- conditions -----------------------------------------------------------------------

    def registration(self) -> Condition:
        inputs, aid, org = self.inputs, self.aid, self.organisation
        if not inputs.inscrit_france_travail:
            return _condition(
                "registration",
                False,
                f"Vous n'êtes pas inscrit·e à {org}. Pour avoir {aid}, il faut être inscrit·e "
                "comme demandeur ou demandeuse d'emploi le jour où l'emploi ou la formation "
                "commence"
                + (
                    f" : inscrivez-vous avant le {format_date(inputs.activite.date_debut)} sur "
                    "francetravail.fr."
                    if inputs.activite is not None
                    else "."
                ),
            )
        eligible = self.param("categories_eligibles")
        category = inputs.categorie_demandeur
        if category is None:
            return _condition(
                "registration",
                True,
                f"Vous êtes inscrit·e à {org}. Vérifiez votre catégorie d'inscription le jour du "
                f"début : {_category_list(eligible)} ouvrent droit à {aid}"
                + (
                    " (la catégorie 4 pour un·e stagiaire de la formation professionnelle, la 5 "
                    "pour un contrat aidé)."
                    if 4 in eligible and 5 in eligible
                    else "."
                ),
                to_check=True,
            )
        label = _category_label(category)
        if category in eligible:
            detail = _CATEGORY_DETAIL.get(category, "")
            return _condition(
                "registration",
                True,
                f"Vous êtes inscrit·e à {org} en {label}{detail} : cette inscription ouvre droit à "
                f"{aid}.",
            )
        return _condition(
            "registration",
            False,
            f"Vous êtes inscrit·e à {org} en {label} : {aid} est réservée aux "
            f"{_category_list(eligible)}.",
        )

    def resources_threshold(self) -> tuple[Decimal, Decimal, Decimal]:
        minimum = self.read("are.montant_minimum")
        if self.inputs.territoire == "mayotte":
            minimum = money(minimum * self.read("are.coefficient_mayotte"))
        coefficient = self.read("are.coefficient_seuil_ressources")
        return money(minimum * coefficient), minimum, coefficient

    def resources(self) -> Condition:
        allowance = self.inputs.allocation_journaliere
        if allowance is None:
            return _condition(
                "resources",
                True,
                f"Vous ne touchez pas d'allocation de {self.organisation} (ARE, ASP d'un CSP, ASS "
                "ou allocation du CEJ ; le RSA n'en est pas une) : la condition de ressources est "
                "remplie.",
            )
        threshold, minimum, coefficient = self.resources_threshold()
        if coefficient == 1:
            rule = (
                f"le montant minimum de l'allocation chômage, soit {format_euros(threshold)} par "
                "jour"
            )
        else:
            rule = (
                f"{format_euros(threshold)} par jour ({format_number(coefficient)} fois le montant "
                f"minimum de l'allocation chômage, {format_euros(minimum)})"
            )
        if allowance <= threshold:
            return _condition(
                "resources",
                True,
                f"Votre allocation chômage ({format_euros(allowance)} par jour) ne dépasse pas "
                f"{rule} : la condition de ressources est remplie.",
            )
        return _condition(
            "resources",
            False,
            f"Votre allocation chômage ({format_euros(allowance)} par jour) dépasse {rule} : "
            f"{self.aid} est réservée aux personnes sans allocation chômage ou avec une petite "
            "allocation.",
        )

    def eligible_children(self) -> int:
        limit = self.param("age_enfant_maximum")
        return sum(1 for age in self.inputs.enfants if age < limit)

    def child_age(self) -> Condition:
        limit = self.param("age_enfant_maximum")
        count = self.eligible_children()
        if count:
            children = "un enfant" if count == 1 else f"{count} enfants"
            return _condition(
                "child_age",
                True,
                f"Vous avez {children} de moins de {limit} ans à charge : la condition sur l'âge "
                "est remplie.",
            )
        if not self.inputs.enfants:
            return _condition(
                "child_age",
                False,
                f"Vous n'avez indiqué aucun enfant : {self.aid} aide à faire garder un enfant de "
                f"moins de {limit} ans.",
            )
        return _condition(
            "child_age",
            False,
            f"Aucun de vos enfants n'a moins de {limit} ans : {self.aid} aide à faire garder un "
            f"enfant de moins de {limit} ans.",
        )

    def isolated_parent(self) -> Condition:
        if self.inputs.parent_isole:
            return _condition(
                "isolated_parent",
                True,
                f"Vous élevez seul·e vos enfants : {self.aid} est réservée aux parents isolés, la "
                "condition est remplie.",
            )
        return _condition(
            "isolated_parent",
            False,
            f"{self.aid[0].upper()}{self.aid[1:]} est réservée aux parents qui élèvent seuls leurs "
            "enfants.",
        )

    def isolated_parent_note(self) -> str:
        start = format_date(self.read.entry("age.dispositif").start)
        return typography(
            f"Depuis le {start}, il n'est plus nécessaire d'élever seul·e ses enfants pour avoir "
            f"{self.aid}. Certaines pages officielles (service-public.fr) l'indiquent encore : en "
            f"cas de doute, demandez à votre conseiller ou conseillère {self.organisation}."
        )

    def event(self) -> Condition:
        activity = self.inputs.activite
        aid = self.aid
        if activity is None:
            return _condition(
                "event",
                False,
                f"Vous n'avez pas indiqué d'emploi ou de formation : {aid} est versée quand un "
                "emploi ou une formation commence.",
            )
        if activity.type == "cdi":
            return _condition(
                "event",
                True,
                f"Un CDI, à temps plein ou à temps partiel, ouvre droit à {aid}.",
            )
        if activity.type in ("cdd", "interim"):
            return self._contract(activity)
        if activity.type == "formation":
            minimum = self.param("formation_duree_minimum_heures")
            if activity.duree_heures is None:
                return _condition(
                    "event",
                    False,
                    f"Indiquez la durée totale de la formation : il faut au moins {minimum} "
                    f"heures, validées par {self.organisation}.",
                )
            hours = format_number(activity.duree_heures)
            if activity.duree_heures >= minimum:
                return _condition(
                    "event",
                    True,
                    f"Votre formation dure {hours} heures : il faut au moins {minimum} heures, la "
                    f"condition est remplie si {self.organisation} l'a validée (la formation à "
                    "distance compte).",
                    to_check=True,
                )
            return _condition(
                "event",
                False,
                f"Votre formation dure {hours} heures : il faut au moins {minimum} heures.",
            )
        # Business creation or takeover.
        if not self.param("creation_entreprise_eligible"):
            days = self.param("cdd_duree_minimum").get("jours")
            hours = self.param("formation_duree_minimum_heures")
            return _condition(
                "event",
                False,
                "La création ou la reprise d'entreprise ne fait pas partie des situations prévues "
                f"par {aid} (CDI ; CDD ou intérim d'au moins {days} jours ; formation d'au moins "
                f"{hours} heures). Si votre entreprise vous emploie comme salarié·e, indiquez "
                "plutôt votre contrat de travail.",
            )
        if activity.salarie_entreprise:
            return _condition(
                "event",
                True,
                "Vous êtes salarié·e de l'entreprise que vous créez ou reprenez : cette situation "
                f"ouvre droit à {aid}.",
            )
        return _condition(
            "event",
            False,
            f"La création ou la reprise d'entreprise ouvre droit à {aid} seulement si l'entreprise "
            "vous emploie comme salarié·e.",
        )

    def _contract(self, activity: Activity) -> Condition:
        label = _ACTIVITY_LABEL[activity.type]
        rule = self.param("cdd_duree_minimum")
        if "jours" in rule:
            required_days = rule["jours"]
            requirement = f"au moins {required_days} jours de suite"
        else:
            months = rule["mois"]
            required_days = (add_months(activity.date_debut, months) - activity.date_debut).days
            end = add_months(activity.date_debut, months)
            requirement = (
                f"au moins {months} mois de suite, soit {required_days} jours à partir du "
                f"{format_date(activity.date_debut)} (jusqu'au {format_date(end)} non compris)"
            )
        if activity.duree_jours is None:
            return _condition(
                "event", False, f"Indiquez la durée de votre {label} : il faut {requirement}."
            )
        length = f"{activity.duree_jours} {_plural(activity.duree_jours, 'jour', 'jours')}"
        if activity.duree_jours >= required_days:
            return _condition(
                "event",
                True,
                f"Votre {label} dure {length} : il faut {requirement}, la condition est remplie.",
            )
        return _condition("event", False, f"Votre {label} dure {length} : il faut {requirement}.")

    def deadline(self) -> date | None:
        if self.inputs.activite is None:
            return None
        return add_months(self.inputs.activite.date_debut, self.param("delai_demande_mois"))

    def application_delay(self) -> Condition:
        months = self.param("delai_demande_mois")
        deadline = self.deadline()
        if deadline is None:
            return _condition(
                "application_delay",
                False,
                "Indiquez la date de début de l'emploi ou de la formation : la demande doit être "
                f"faite dans les {months} mois qui suivent.",
            )
        asked = self.inputs.date_demande
        after_start = f"{months} mois après le début de votre emploi ou de votre formation"
        when = f"au plus tard le {format_date(deadline)} ({after_start})"
        if asked is None:
            if self.inputs.as_of <= deadline:
                return _condition(
                    "application_delay",
                    True,
                    f"Vous pouvez faire la demande jusqu'au {format_date(deadline)} "
                    f"({after_start}).",
                )
            return _condition(
                "application_delay",
                False,
                f"Le délai est dépassé : il fallait faire la demande {when}.",
            )
        if asked <= deadline:
            return _condition(
                "application_delay",
                True,
                f"Vous faites la demande le {format_date(asked)} : il faut la faire {when}, la "
                "condition est remplie.",
            )
        return _condition(
            "application_delay",
            False,
            f"Vous faites la demande le {format_date(asked)} : il fallait la faire {when}.",
        )

    def once_per_12_months(self) -> Condition:
        months = self.param("delai_entre_deux_aides_mois")
        previous = self.inputs.date_derniere_aide
        if previous is None:
            return _condition(
                "once_per_12_months",
                True,
                f"Vous n'avez pas eu d'aide à la garde d'enfants de {self.organisation} ces "
                f"{months} derniers mois : la condition est remplie.",
            )
        next_allowed = add_months(previous, months)
        activity = self.inputs.activite
        start = activity.date_debut if activity is not None else self.inputs.as_of
        if start >= next_allowed:
            return _condition(
                "once_per_12_months",
                True,
                f"Votre dernière aide a commencé le {format_date(previous)} : une nouvelle aide "
                f"est possible à partir du {format_date(next_allowed)}, la condition est remplie.",
            )
        return _condition(
            "once_per_12_months",
            False,
            f"Votre dernière aide a commencé le {format_date(previous)} : l'aide est versée une "
            f"fois par période de {months} mois, une nouvelle aide est possible pour un emploi ou "
            f"une formation qui commence à partir du {format_date(next_allowed)}.",
        )

    # -- amount ---------------------------------------------------------------------------

    def amount(self) -> tuple[Decimal, str, list[str]]:
        """Amount if eligible, its explanation, and notes. The amounts are those in force when
        the aid is granted: on the application date, not before the start."""
        notes: list[str] = []
        count = self.eligible_children()
        limit = self.param("age_enfant_maximum")
        granted = max(self.inputs.date_demande or self.inputs.as_of, self.on)
        read = Reader(granted, self.inputs.regles_locales)
        tables = read(f"{self.dispositif}.montants")
        self.amount_entries = read.used
        weekly_threshold = self.param("seuil_hebdomadaire_heures")
        monthly_threshold = self.param("seuil_mensuel_heures")
        activity = self.inputs.activite
        weekly = activity.heures_par_semaine if activity else None
        monthly = activity.heures_par_mois if activity else None
        known = weekly is not None or monthly is not None
        full = (
            known
            and (weekly is None or weekly >= weekly_threshold)
            and (monthly is None or monthly >= monthly_threshold)
        )
        if weekly is not None and weekly > self.param("seuil_haut_hebdomadaire_heures"):
            high = self.param("seuil_haut_hebdomadaire_heures")
            notes.append(
                typography(
                    f"Au-delà de {high} heures par semaine, nous appliquons le montant prévu pour "
                    f"{format_number(weekly_threshold)} heures ou plus (à confirmer avec votre "
                    f"conseiller ou conseillère {self.organisation})."
                )
            )
        if count == 0:
            return (
                Decimal("0.00"),
                typography(
                    f"Pas de montant : l'aide dépend du nombre d'enfants de moins de {limit} ans."
                ),
                notes,
            )
        index = min(count, len(tables["plein"])) - 1
        mayotte = self.inputs.territoire == "mayotte"
        coefficient = read(f"{self.dispositif}.coefficient_mayotte") if mayotte else Decimal(1)
        self.amount_entries = read.used
        full_amount = money(tables["plein"][index] * coefficient)
        reduced_amount = money(tables["reduit"][index] * coefficient)
        if count > len(tables["plein"]):
            children = (
                f"{count} enfants de moins de {limit} ans (le montant est le même à partir de "
                f"{len(tables['plein'])} enfants)"
            )
        else:
            children = f"{count} {_plural(count, 'enfant', 'enfants')} de moins de {limit} ans"
        high_tier = f"{format_number(weekly_threshold)} heures ou plus par semaine"
        low_tier = (
            f"moins de {format_number(weekly_threshold)} heures par semaine (ou moins de "
            f"{format_number(monthly_threshold)} heures par mois)"
        )
        if full:
            amount, explanation = (
                full_amount,
                f"Montant pour {children} et une activité de {high_tier} : "
                f"{format_euros(full_amount)}.",
            )
        elif known:
            amount = reduced_amount
            explanation = (
                f"Montant pour {children} et une activité de {low_tier} : "
                f"{format_euros(reduced_amount)}."
            )
            if weekly is not None and weekly >= weekly_threshold and monthly is not None:
                explanation += (
                    f" Même avec {format_number(weekly_threshold)} heures ou plus par semaine, le "
                    "montant réduit s'applique quand le total du mois reste sous "
                    f"{format_number(monthly_threshold)} heures."
                )
        else:
            amount = reduced_amount
            explanation = (
                f"Vous n'avez pas indiqué vos heures : nous retenons le montant pour {children} et "
                f"une activité de {low_tier}, soit {format_euros(reduced_amount)}. Avec "
                f"{high_tier}, il serait de {format_euros(full_amount)}."
            )
        if mayotte:
            explanation += " À Mayotte, le montant est la moitié de celui de la métropole."
        explanation += " L'aide est versée une seule fois, elle n'est pas imposable."
        return amount, typography(explanation), notes

    def reference_text(self) -> str:
        aid = _AID_NAME[self.dispositif]
        if self.inputs.activite is None:
            return typography(
                f"Règles de l'{aid} lues au {format_date(self.on)}, date de l'estimation : "
                "indiquez la date de début de l'emploi ou de la formation, c'est elle qui compte."
            )
        return typography(
            f"Règles de l'{aid} lues au {format_date(self.on)}, date de début de votre emploi ou "
            "de votre formation : c'est ce jour-là que les conditions sont appréciées."
        )

    def proof_step(self) -> str:
        """The second deadline: the proof of care, after the aid is granted (AGE only)."""
        if self.dispositif != "age":
            return ""
        months = self.param("delai_justificatif_garde_mois")
        return (
            f" Une fois l'aide accordée, envoyez à {self.organisation} un justificatif de garde "
            f"(attestation de la crèche ou de l'assistant·e maternel·le) dans les {months} mois : "
            "l'aide est versée après sa réception."
        )

    def next_steps(self, eligible: bool, deadline: date | None) -> str:
        org = self.organisation
        if eligible:
            text = (
                f"Faites la demande à {org}"
                + (f" au plus tard le {format_date(deadline)}" if deadline else "")
                + f", dans votre espace personnel sur le site de {org} ou avec votre conseiller ou "
                "conseillère. Gardez sous la main votre contrat de travail ou votre attestation "
                "d'entrée en formation, et un justificatif de l'âge de vos enfants (livret de "
                "famille ou acte de naissance)."
            ) + self.proof_step()
        elif not self.inputs.inscrit_france_travail and self.inputs.activite is not None:
            text = (
                f"Inscrivez-vous à {org} avant le "
                f"{format_date(self.inputs.activite.date_debut)} (francetravail.fr, rubrique "
                "« S'inscrire »), puis faites la demande"
                + (f" au plus tard le {format_date(deadline)}" if deadline else "")
                + ". Sans inscription le jour du début, l'aide n'est pas possible."
            )
        else:
            text = (
                "D'après vos réponses, toutes les conditions ne sont pas remplies. Parlez-en "
                f"quand même à votre conseiller ou conseillère {org} : dans certaines situations, "
                "une dérogation est possible, décidée localement par l'agence."
            )
        return typography(text)


def estimate_age(inputs: AgeInput) -> AgeResult:
    """Eligibility, amount, deadline and next steps for the AGE (or the AGEPI before 1 May 2024).

    Raises :class:`DateOutOfRange` for a date before the first known rules (20 January 2014).
    """
    rules = _Rules(inputs)
    notes: list[str] = []
    conditions = [rules.registration(), rules.resources(), rules.child_age()]
    if rules.param("parent_isole_requis"):
        conditions.append(rules.isolated_parent())
    else:
        notes.append(rules.isolated_parent_note())
    conditions += [rules.event(), rules.application_delay(), rules.once_per_12_months()]
    eligible = all(item.ok for item in conditions)
    amount_if_eligible, explanation, amount_notes = rules.amount()
    notes += amount_notes
    deadline = rules.deadline()
    used = rules.read.used + tuple(e for e in rules.amount_entries if e not in rules.read.used)
    overlay = inputs.regles_locales
    return AgeResult(
        as_of=inputs.as_of,
        dispositif=rules.dispositif,
        name=_AID_NAME[rules.dispositif],
        full_name=_AID_FULL_NAME[rules.dispositif],
        eligible=eligible,
        amount=amount_if_eligible if eligible else Decimal("0.00"),
        amount_if_eligible=amount_if_eligible,
        amount_explanation=explanation,
        conditions=tuple(conditions),
        deadline=deadline,
        next_steps=rules.next_steps(eligible, deadline),
        notes=tuple(notes),
        parameters_used=used,
        reference_date=rules.on,
        reference_text=rules.reference_text(),
        local_entries=tuple(e for e in used if overlay is not None and overlay.owns(e)),
    )
