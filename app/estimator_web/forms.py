"""The estimator form (GET, so that the URL is the shareable link and nothing is stored).

Each field is read the French way (« 4,50 », « 1/12/2026 »), checked with a message a parent
understands, and the answers become the payload of ``POST /api/v1/estimations``: the page and the
API go through the same gate (:func:`app.api.estimations.run_estimation`), and the API's field
paths are mapped back to the form's fields for the messages.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from wtforms import FieldList, HiddenField, StringField
from wtforms.fields.choices import SelectChoice

from app.core.fields import CheckboxesField, DateText, DecimalText, FrenchRadio, FrenchSelect
from app.core.forms import FrenchQueryForm
from app.core.french import MONTHS_FR, parse_date_fr
from app.directory.forms import DaysField, TimeField
from app.estimator.parameters import ParameterNotFound, value
from app.geo import Commune
from app.geo.lookup import resolve_place

MAX_CHILDREN = 8
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
YES_NO = [SelectChoice("oui", "Oui"), SelectChoice("non", "Non")]
ACTIVITIES = [
    SelectChoice("cdi", "Un CDI (contrat à durée indéterminée)"),
    SelectChoice("cdd", "Un CDD (contrat à durée déterminée)"),
    SelectChoice("interim", "Une mission d’intérim"),
    SelectChoice("formation", "Une formation"),
    SelectChoice("creation_entreprise", "Une création ou une reprise d’entreprise"),
]
CATEGORIES = (
    [SelectChoice("", "Je ne sais pas")]
    + [
        SelectChoice(str(n), label)
        for n, label in (
            (1, "Catégorie 1 : je cherche un emploi à temps plein"),
            (2, "Catégorie 2 : je cherche un emploi à temps partiel"),
            (3, "Catégorie 3 : je cherche un emploi temporaire ou saisonnier"),
            (4, "Catégorie 4 : je suis en formation ou en arrêt"),
            (5, "Catégorie 5 : j’ai un contrat aidé (PEC, CDDI) ou je crée mon entreprise"),
            (6, "Catégorie 6"),
            (7, "Catégorie 7"),
            (8, "Catégorie 8"),
        )
    ]
    + [
        SelectChoice("csp", "Contrat de sécurisation professionnelle (CSP)"),
        SelectChoice("pap", "Parcours d’accompagnement personnalisé (PAP)"),
    ]
)
CHILD_AGES = [SelectChoice("", "—")] + [
    SelectChoice(str(n), "Moins de 1 an" if n == 0 else f"{n} an{'s' if n > 1 else ''}")
    for n in range(18)
]
MONTHS = MONTHS_FR
BIRTH_MONTHS = [SelectChoice("", "Je préfère ne pas le dire")] + [
    SelectChoice(str(n), name.capitalize()) for n, name in enumerate(MONTHS, start=1)
]
NEEDS_CARE = [
    SelectChoice("", "Oui s’il a moins de 6 ans"),
    SelectChoice("oui", "Oui"),
    SelectChoice("non", "Non"),
]
SITUATIONS = [
    SelectChoice(
        "aah", "Vous ou votre conjoint·e touchez l’AAH (allocation aux adultes handicapés)"
    ),
    SelectChoice(
        "aeeh", "Un enfant du foyer touche l’AEEH (allocation d’éducation de l’enfant handicapé)"
    ),
]
#: Modes an offer page may name in ``?mode=`` to put its card first.
MODE_PARAMS = ("creche", "micro_creche", "assistant_maternel", "mam", "garde_domicile")
#: ``?mode=…&prix=…`` (an offer page's kind and hourly price) fills this field.
PRICE_FIELD = {
    "micro_creche": "prix_micro_creche",
    "assistant_maternel": "tarif",
    "mam": "tarif",
    "garde_domicile": "tarif_domicile",
}
#: « Horaires spécifiques » of the CMG: care between these hours, or on Sundays.
NIGHT = (time(22, 0), time(6, 0))
STEPS = (
    ("emploi", "Votre emploi ou votre formation"),
    ("situation", "Votre situation"),
    ("enfants", "Vos enfants"),
    ("garde", "La garde et vos ressources"),
)
CONTRACTS = ("cdd", "interim")

# API field path → form field shown with the message.
_API_TO_FORM = {
    "date": "date",
    "territoire": "lieu",
    "parent_isole": "parent_isole",
    "inscrit_france_travail": "inscrit",
    "categorie_demandeur": "categorie",
    "allocation_journaliere": "montant_allocation",
    "enfants": "enfants",
    "date_derniere_aide": "date_derniere_aide",
    "ressources_mensuelles": "ressources",
    "activite": "activite",
    "activite.type": "activite",
    "activite.date_debut": "date_debut",
    "activite.duree_jours": "date_fin",
    "activite.duree_heures": "duree_heures",
    "activite.heures_par_semaine": "heures_semaine",
    "garde": "de",
    "garde.heures_par_mois": "de",
    "garde.tarif_horaire": "tarif",
    "garde.frais_entretien_mensuels": "entretien",
    "garde.frais_repas_mensuels": "repas",
    "garde.prix_horaire_micro_creche": "prix_micro_creche",
    "garde.tarif_horaire_domicile": "tarif_domicile",
    "garde.age_enfant": "enfants",
}


def _text(field) -> str:
    return (field.data or "").strip() if isinstance(field.data, str) else ""


class EstimatorForm(FrenchQueryForm):
    """The parent's answers. ``validate(complete=False)`` checks only what was typed (the inline
    check as the parent answers); ``complete=True`` also asks for what is missing."""

    date = HiddenField()
    # 1. The job or course
    activite = FrenchRadio("Qu’allez-vous commencer ?", choices=ACTIVITIES)
    date_debut = DateText("Date de début", description="Exemple : 01/12/2026")
    date_fin = DateText(
        "Date de fin du contrat", description="Pour un CDD ou une mission d’intérim"
    )
    duree_heures = DecimalText(
        "Durée totale de la formation, en heures",
        message="Indiquez la durée de la formation en heures, par exemple 120.",
        low=Decimal(1),
        high=Decimal(10_000),
    )
    heures_semaine = DecimalText(
        "Nombre d’heures par semaine",
        description="Heures de travail ou de formation, par exemple 35 ou 20,5",
        message="Indiquez un nombre d’heures par semaine entre 1 et 168, par exemple 35.",
        low=Decimal(1),
        high=Decimal(168),
    )
    # 2. The parent's situation
    lieu = StringField(
        "Votre commune", description="Commune ou code postal, par exemple Toulon ou 83000"
    )
    inscrit = FrenchRadio("Êtes-vous inscrit·e à France Travail ?", choices=YES_NO)
    categorie = FrenchSelect("Votre catégorie d’inscription", choices=CATEGORIES, default="")
    allocation = FrenchRadio(
        "Touchez-vous une allocation de France Travail ?",
        description="ARE, ASP d’un contrat de sécurisation professionnelle (CSP), ASS ou "
        "allocation du contrat d’engagement jeune (CEJ). Le RSA n’en est pas une.",
        choices=YES_NO,
    )
    montant_allocation = DecimalText(
        "Montant net de l’allocation par jour, en euros",
        description="Sur votre avis de paiement, par exemple 38,50. Le RSA ne compte pas.",
        message="Indiquez le montant par jour en euros, par exemple 38,50.",
        low=Decimal(0),
        high=Decimal(1000),
    )
    parent_isole = FrenchRadio("Élevez-vous seul·e votre ou vos enfants ?", choices=YES_NO)
    deja_aide = FrenchRadio(
        "Avez-vous eu l’AGE ou l’AGEPI de France Travail ces 12 derniers mois ?",
        choices=YES_NO,
        default="non",
    )
    date_derniere_aide = DateText(
        "Date de début de l’emploi ou de la formation pour lequel vous l’avez eue",
        description="Exemple : 15/03/2026",
    )
    # 3. Children
    enfants = FieldList(
        FrenchSelect("Âge", choices=CHILD_AGES, default=""), min_entries=1, max_entries=MAX_CHILDREN
    )
    naissance = FieldList(
        FrenchSelect("Mois de naissance (facultatif)", choices=BIRTH_MONTHS, default=""),
        min_entries=1,
        max_entries=MAX_CHILDREN,
    )
    besoin = FieldList(
        FrenchSelect("À faire garder ?", choices=NEEDS_CARE, default=""),
        min_entries=1,
        max_entries=MAX_CHILDREN,
    )
    # 4. Care and resources
    jours = DaysField("Jours de garde")
    de = TimeField("De", description="Exemple : 7:30")
    a = TimeField("À", description="Exemple : 18:30")
    ressources = DecimalText(
        "Revenus mensuels de votre foyer, en euros",
        description="Les revenus de l’année N-2 avant abattements, divisés par 12.",
        message="Indiquez vos revenus mensuels en euros, par exemple 1 800.",
        low=Decimal(0),
        high=Decimal(1_000_000),
    )
    heures_mois = DecimalText(
        "Ou nombre d’heures de garde par mois",
        description="Si vous le connaissez, par exemple 120. Il remplace les horaires ci-dessus.",
        message="Indiquez un nombre d’heures par mois entre 1 et 744, par exemple 120.",
        low=Decimal(1),
        high=Decimal(744),
    )
    situations = CheckboxesField("Votre situation (facultatif)", choices=SITUATIONS)
    tarif = DecimalText(
        "Salaire horaire net d’un·e assistant·e maternel·le, en euros",
        description=(
            "Si vous le connaissez, par exemple 4,50. Sinon nous estimons seulement la crèche."
        ),
        message="Indiquez un salaire horaire entre 0 et 100 euros, par exemple 4,50.",
        low=Decimal(0),
        high=Decimal(100),
    )
    entretien = DecimalText(
        "Indemnité d’entretien par jour, en euros (facultatif)",
        description="Prévue au contrat, par exemple 4,00. Sinon nous l’estimons au minimum légal.",
        message="Indiquez un montant par jour entre 0 et 100 euros, par exemple 4,00.",
        low=Decimal(0),
        high=Decimal(100),
    )
    repas = DecimalText(
        "Repas fournis par l’assistant·e maternel·le, en euros par jour (facultatif)",
        description="Par exemple 3,50. Laissez vide si vous fournissez les repas.",
        message="Indiquez un montant par jour entre 0 et 100 euros, par exemple 3,50.",
        low=Decimal(0),
        high=Decimal(100),
    )
    prix_micro_creche = DecimalText(
        "Prix horaire d’une micro-crèche hors barème de la Caf, en euros (facultatif)",
        description="Si une micro-crèche vous annonce son prix, par exemple 9,50.",
        message="Indiquez un prix horaire entre 0 et 100 euros, par exemple 9,50.",
        low=Decimal(0),
        high=Decimal(100),
    )
    tarif_domicile = DecimalText(
        "Salaire horaire net d’une garde à domicile, en euros (facultatif)",
        description="Un seul salaire pour les enfants gardés ensemble chez vous, par exemple 11.",
        message="Indiquez un salaire horaire entre 0 et 100 euros, par exemple 11.",
        low=Decimal(0),
        high=Decimal(100),
    )
    mode = HiddenField()
    prix = HiddenField()

    def __init__(self, formdata=None, *, today: dt.date, **kwargs):
        super().__init__(formdata, **kwargs)
        self.today = today
        self.commune: Commune | None = None
        self.place_suggestions: list = []
        self.form_errors: list[str] = []
        self.align_children(formdata)
        self._prefill_price()
        year = self.as_of().year - 2
        self.ressources.description = (
            f"Les revenus de l’année {year} (année N-2) avant abattements, divisés par 12 : "
            "c’est ce que retient la Caf. Par exemple 1 800."
        )

    def _prefill_price(self) -> None:
        """An offer page links here with ``mode`` (its kind) and ``prix`` (its hourly price):
        the price goes to the field of that mode unless the parent typed one."""
        target = PRICE_FIELD.get(self.mode.data or "")
        price = (self.prix.data or "").strip()[:20]
        if target and price and not (self[target].data or "").strip():
            self[target].process_formdata([price])
        self.prix.data = ""

    def align_children(self, formdata=None) -> None:
        """One birth month and one « à faire garder ? » per child, read with the index the
        child's age was sent with (``naissance-2`` goes with ``enfants-2``): WTForms renumbers
        each list from 0, so a month sent alone would otherwise go to the first child."""
        sent = sorted(
            {
                int(key.rsplit("-", 1)[1])
                for key in (formdata.keys() if formdata is not None else ())
                if key.startswith("enfants-") and key.rsplit("-", 1)[1].isdigit()
            }
        )
        for extra in (self.naissance, self.besoin):
            known = [entry.data or "" for entry in extra.entries]
            extra.entries = []
            extra.last_index = -1
            for position in range(len(self.enfants.entries)):
                if formdata is not None and position < len(sent):
                    raw = formdata.get(f"{extra.name}-{sent[position]}", "")
                else:
                    raw = known[position] if position < len(known) else ""
                valid = {choice.value for choice in extra.unbound_field.kwargs["choices"]}
                extra.append_entry(raw if raw in valid else "")  # optional: unknown is blank

    def child_rows(self) -> list[tuple[Any, Any, Any]]:
        """(age, month of birth, needs care) fields of each child."""
        return list(
            zip(self.enfants.entries, self.naissance.entries, self.besoin.entries, strict=True)
        )

    # -- validation ----------------------------------------------------------------------------

    def validate(self, extra_validators=None, *, complete: bool = True) -> bool:
        super().validate(extra_validators)
        for entry in self.enfants.entries:
            if entry.errors:
                entry.errors = ["Choisissez un âge dans la liste."]
        self._check_place()
        self._check_activity(complete)
        self._check_situation(complete)
        if complete and not self.children_ages() and not self._has_errors(self.enfants):
            self.enfants.entries[0].errors = ["Indiquez l’âge d’au moins un enfant."]
        self._check_schedule()
        return not self.error_fields()

    def _has_errors(self, field) -> bool:
        return bool(field.errors)

    def _require(self, field, message: str, complete: bool) -> None:
        if complete and not field.errors and not _text(field):
            field.errors = [message]

    def _check_place(self) -> None:
        text = _text(self.lieu)[:120]
        if not text:
            return
        resolution = resolve_place(text)
        self.commune = resolution.commune
        if resolution.commune is None:
            self.place_suggestions = resolution.suggestions
            self.lieu.errors = [resolution.message or "Commune introuvable."]

    def _check_activity(self, complete: bool) -> None:
        self._require(self.activite, "Choisissez ce que vous allez commencer.", complete)
        self._require(
            self.date_debut, "Indiquez la date de début, par exemple 01/12/2026.", complete
        )
        self._require(
            self.heures_semaine,
            "Indiquez le nombre d’heures par semaine, par exemple 35.",
            complete,
        )
        kind = self.activite.data
        if kind in CONTRACTS:
            self._require(self.date_fin, "Indiquez la date de fin du contrat.", complete)
            start, end = self.date_debut.date_value, self.date_fin.date_value
            if start and end and end < start:
                self.date_fin.errors = ["La date de fin doit être après la date de début."]
        if kind == "formation":
            self._require(
                self.duree_heures, "Indiquez la durée de la formation en heures.", complete
            )

    def _check_situation(self, complete: bool) -> None:
        self._require(self.inscrit, "Répondez oui ou non.", complete)
        if self.inscrit.data == "oui":
            self._require(self.allocation, "Répondez oui ou non.", complete)
        if self.inscrit.data == "oui" and self.allocation.data == "oui":
            self._require(
                self.montant_allocation,
                "Indiquez le montant par jour, par exemple 38,50.",
                complete,
            )
        if self.deja_aide.data == "oui":
            self._require(
                self.date_derniere_aide,
                "Indiquez la date de début de l’emploi ou de la formation aidé.",
                complete,
            )

    def _check_schedule(self) -> None:
        if self.de.errors or self.a.errors:
            return
        start, end = self.de.time_value, self.a.time_value
        if (start is None) != (end is None):
            missing = self.a if end is None else self.de
            missing.errors = ["Indiquez aussi cette heure."]
        elif start is not None and start == end:
            self.a.errors = ["L’heure de fin doit être différente de l’heure de début."]
        elif start is not None and not self.jours.data and not self.jours.errors:
            self.jours.errors = ["Cochez les jours où vous avez besoin de la garde."]

    def error_fields(self) -> dict[str, list[str]]:
        """Field name → messages, in the order of the form (children as ``enfants-0``…)."""
        found: dict[str, list[str]] = {}
        for field in self:
            if field.name in ("enfants", "naissance", "besoin"):
                for entry in field.entries:
                    if entry.errors:
                        found[entry.id] = list(entry.errors)
            elif field.errors:
                found[field.name] = list(field.errors)
        return found

    def add_api_errors(self, errors: dict[str, str]) -> None:
        """Show the messages of :class:`~app.api.estimations.EstimationErrors` on the fields."""
        for path, message in errors.items():
            name = _API_TO_FORM.get(path, path.split("[")[0])
            if name == "enfants" or path.startswith("enfants"):
                self.enfants.entries[0].errors = [message]
            elif name in self._fields:
                self[name].errors = [*list(self[name].errors or []), message]
            else:
                self.form_errors.append(message)

    # -- values ------------------------------------------------------------------------------

    def as_of(self) -> dt.date:
        try:
            value = parse_date_fr((self.date.data or "")[:20])
        except ValueError:
            return self.today
        return value if date(2014, 1, 20) <= value <= date(2100, 12, 31) else self.today

    def children_ages(self) -> list[int]:
        return [age for age, _, _ in self.children()]

    def children(self) -> list[tuple[int, int | None, bool | None]]:
        """(age, month of birth, needs care) of each child whose age is given."""
        found = []
        for age, month, need in self.child_rows():
            if age.data and not age.errors and str(age.data).isdigit():
                birth = int(month.data) if month.data and str(month.data).isdigit() else None
                care = {"oui": True, "non": False}.get(need.data or "")
                found.append((int(age.data), birth, care))
        return found

    def steps_done(self) -> int:
        """How many steps in a row are answered (for showing the next one)."""
        kind = self.activite.data
        step1 = (
            all(
                f.data and not f.errors
                for f in (self.activite, self.date_debut, self.heures_semaine)
            )
            and (kind not in CONTRACTS or (self.date_fin.data and not self.date_fin.errors))
            and (kind != "formation" or (self.duree_heures.data and not self.duree_heures.errors))
        )
        registered = self.inscrit.data == "oui"
        step2 = bool(
            self.inscrit.data
            and (self.allocation.data or not registered)
            and not self.montant_allocation.errors
        ) and (
            not registered
            or self.allocation.data != "oui"
            or bool(self.montant_allocation.number is not None)
        )
        step3 = bool(self.children_ages())
        done = 0
        for ok in (step1, step2, step3):
            if not ok:
                break
            done += 1
        return done

    def _schedule(self) -> bool:
        return bool(
            self.de.time_value is not None
            and self.a.time_value is not None
            and self.jours.data
            and not self.jours.errors
        )

    def care_days(self) -> Decimal | None:
        """Days of care per month, from the days ticked."""
        if not self._schedule():
            return None
        return Decimal(len(self.jours.data)) * WEEKS_PER_MONTH

    def atypical_hours(self) -> Decimal:
        """Hours of care per month between 22:00 and 6:00, or on a Sunday (the CMG's
        « horaires spécifiques »)."""
        if not self._schedule():
            return Decimal(0)
        start, end = self.de.time_value, self.a.time_value
        assert start is not None and end is not None
        total = _minutes(start, end)
        night = _night_minutes(start, total)
        per_week = Decimal(0)
        for day in self.jours.data:
            per_week += Decimal(total if day == "di" else night) / 60
        return (per_week * WEEKS_PER_MONTH).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def care_hours(self) -> tuple[Decimal | None, bool]:
        """Hours of care per month, and whether they come from the parent (hours per month or
        schedule; else from the weekly hours of the job or course)."""
        if self.heures_mois.number and not self.heures_mois.errors:
            return self.heures_mois.number, True
        if (
            self.de.time_value is not None
            and self.a.time_value is not None
            and self.jours.data
            and not self.jours.errors
        ):
            minutes = _minutes(self.de.time_value, self.a.time_value)
            weekly = Decimal(minutes * len(self.jours.data)) / 60
            return (weekly * WEEKS_PER_MONTH).quantize(Decimal("0.01"), ROUND_HALF_UP), True
        if self.heures_semaine.number:
            return (self.heures_semaine.number * WEEKS_PER_MONTH).quantize(
                Decimal("0.01"), ROUND_HALF_UP
            ), False
        return None, False

    def payload(self) -> dict[str, Any]:
        """The answers as the body of ``POST /api/v1/estimations``."""
        activity: dict[str, Any] | None = None
        kind = self.activite.data
        if kind and self.date_debut.date_value:
            activity = {
                "type": kind,
                "date_debut": self.date_debut.date_value,
                "heures_par_semaine": self.heures_semaine.number,
            }
            if kind in CONTRACTS and self.date_fin.date_value:
                activity["duree_jours"] = (
                    self.date_fin.date_value - self.date_debut.date_value
                ).days + 1
            if kind == "formation":
                activity["duree_heures"] = self.duree_heures.number
        hours, _ = self.care_hours()
        care: dict[str, Any] | None = None
        if hours:
            care = {
                "heures_par_mois": hours,
                "tarif_horaire": self.tarif.number,
                "prix_horaire_micro_creche": self.prix_micro_creche.number,
                "tarif_horaire_domicile": self.tarif_domicile.number,
            }
            days = self.care_days() or hours / 9
            for name, field in (
                ("frais_entretien_mensuels", self.entretien),
                ("frais_repas_mensuels", self.repas),
            ):
                if field.number is not None and not field.errors:
                    care[name] = (field.number * days).quantize(Decimal("0.01"), ROUND_HALF_UP)
        situations = self.situations.data or []
        return {
            "date": self.as_of(),
            "territoire": "mayotte"
            if self.commune and self.commune.departement_code == "976"
            else "metropole",
            "parent_isole": self.parent_isole.data == "oui",
            "inscrit_france_travail": self.inscrit.data == "oui",
            "categorie_demandeur": self.categorie.data or None,
            "allocation_journaliere": self.montant_allocation.number
            if self.inscrit.data == "oui" and self.allocation.data == "oui"
            else None,
            "enfants": [
                {"age": age, "mois_naissance": birth, "garde": care_needed}
                for age, birth, care_needed in self.children()
            ],
            "parent_aah": "aah" in situations,
            "enfant_aeeh": "aeeh" in situations,
            "horaires_atypiques": self.atypical_hours() >= _atypical_minimum(self.as_of()),
            "activite": activity,
            "date_derniere_aide": self.date_derniere_aide.date_value
            if self.deja_aide.data == "oui"
            else None,
            "ressources_mensuelles": self.ressources.number,
            "garde": care,
        }


def _atypical_minimum(on: date) -> Decimal:
    """Hours a month of « horaires spécifiques » that open the CMG's increase."""
    try:
        return Decimal(value("cmg.horaires_specifiques_heures_minimum", on))
    except ParameterNotFound:
        return Decimal(744)  # unknown on that date: never atypical


def _night_minutes(start: time, length: int) -> int:
    """Minutes between 22:00 and 6:00 in a span of ``length`` minutes from ``start``."""
    first = start.hour * 60 + start.minute
    night_start, night_end = (NIGHT[0].hour * 60, NIGHT[1].hour * 60 + 24 * 60)
    count = 0
    for offset in range(0, length, 15):
        minute = (first + offset) % (24 * 60)
        if minute >= night_start or minute + 24 * 60 < night_end:
            count += 15
    return min(count, length)


def _minutes(start: time, end: time) -> int:
    """Minutes from ``start`` to ``end``, across midnight when ``end`` comes first."""
    base = datetime(2000, 1, 1)
    delta = datetime.combine(base, end) - datetime.combine(base, start)
    if delta <= timedelta(0):
        delta += timedelta(days=1)
    return int(delta.total_seconds() // 60)
