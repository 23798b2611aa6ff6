"""The search form (GET): the page's fields and what was typed in them. The criteria and
their French messages come from :func:`app.directory.criteria.parse_criteria`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time

from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from app.core.fields import CheckboxesField
from app.core.forms import FrenchQueryForm
from app.directory import hours
from app.directory.criteria import DAY_CODES, DAY_LABELS, LIMITS, SORTS
from app.directory.models import FUNDING_LABELS, OFFER_KIND_LABELS

__all__ = [
    "DAY_CODES",
    "DAY_LABELS",
    "RADII",
    "CheckboxesField",
    "DaysField",
    "SearchForm",
    "TimeField",
]

RADII = LIMITS.radius_choices
AGE_LABELS = ("Moins de 1 an", "1 an", "2 ans", "3 ans", "4 ou 5 ans", "6 ans ou plus")
AGE_CHOICES = [SelectChoice("", "Tous âges")] + [
    SelectChoice(str(months), label)
    for months, label in zip(LIMITS.age_choices, AGE_LABELS, strict=True)
]
SESSION_CHOICES = [SelectChoice("", "Peu importe")] + [
    SelectChoice(str(m), f"D’ici {m}\u00a0mois") for m in LIMITS.session_month_choices
]
SORT_LABELS = ("Le plus proche", "Les mots-clés", "Mis à jour récemment")
SORT_CHOICES = [SelectChoice("", "Le plus pertinent")] + [
    SelectChoice(value, label) for value, label in zip(SORTS, SORT_LABELS, strict=True)
]


class DaysField(CheckboxesField):
    """The days of the week, Monday first (« lu » … « di »)."""

    unknown_message = "Jour inconnu : {}. Cochez des jours dans la liste."

    def __init__(self, label, **kwargs):
        kwargs.setdefault(
            "choices", [SelectChoice(c, day) for c, day in zip(DAY_CODES, DAY_LABELS, strict=True)]
        )
        super().__init__(label, **kwargs)


class TimeField(StringField):
    """A time typed as « 5:30 », « 05:30 » or « 5h30 »; the text typed is kept on error."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.time_value: time | None = None

    def pre_validate(self, form):
        self.time_value = None
        text = (self.data or "").strip()
        if not text:
            return
        try:
            self.time_value = hours.parse_time(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class SearchForm(FrenchQueryForm):
    """Shows the search typed (kept as typed, even when invalid) and each field's message."""

    lieu = StringField("Où ?", description="Commune ou code postal")
    code_insee = StringField()
    rayon = SelectField(
        "Dans un rayon de",
        choices=[SelectChoice(str(r), f"{r}\u00a0km") for r in RADII],
        default=str(LIMITS.default_radius_km),
    )
    type = CheckboxesField(
        "Quoi ?", choices=[SelectChoice(k.value, label) for k, label in OFFER_KIND_LABELS.items()]
    )
    avip = StringField("Crèches et accueils AVIP uniquement")
    places = StringField("Avec des places disponibles")
    handicap = StringField("Accueil adapté aux enfants en situation de handicap")
    age = SelectField("Âge de l’enfant", choices=AGE_CHOICES, default="")
    jours = DaysField("Jours")
    de = StringField("De", description="Exemple : 5:30")
    a = StringField("À", description="Exemple : 19:00")
    q = StringField("Mots-clés")
    financement = CheckboxesField(
        "Financement accepté",
        choices=[SelectChoice(str(k), label) for k, label in FUNDING_LABELS.items()],
    )
    vae = StringField("Accessible par la VAE")
    sans_diplome = StringField("Ouvert sans diplôme")
    session_mois = SelectField("Prochaine session", choices=SESSION_CHOICES, default="")
    tri = SelectField("Trier par", choices=SORT_CHOICES, default="")
    page = StringField(default="1")

    @classmethod
    def showing(cls, args, errors: Mapping[str, str]) -> SearchForm:
        """The form filled from ``args``, with the parser's message (by parameter) on each
        field."""
        form = cls(args)
        for name, message in errors.items():
            form[name].errors = [message]
        return form
