"""The search form (GET): every field validated with a French message, nothing typed lost."""

from __future__ import annotations

from datetime import time

from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, Regexp, ValidationError

from app.core.fields import CheckboxesField
from app.core.forms import FrenchQueryForm
from app.directory import hours
from app.directory.models import OFFER_KIND_LABELS

RADII = (1, 2, 5, 10, 20, 30)
DEFAULT_RADIUS = 10
DAY_CODES = ("lu", "ma", "me", "je", "ve", "sa", "di")
DAY_LABELS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
AGE_CHOICES = [
    SelectChoice(v, label)
    for v, label in (
        ("", "Tous âges"),
        ("0", "Moins de 1 an"),
        ("12", "1 an"),
        ("24", "2 ans"),
        ("36", "3 ans"),
        ("48", "4 ou 5 ans"),
        ("72", "6 ans ou plus"),
    )
]
SORT_CHOICES = [
    SelectChoice(v, label)
    for v, label in (
        ("", "Le plus pertinent"),
        ("distance", "Le plus proche"),
        ("pertinence", "Les mots-clés"),
        ("mise_a_jour", "Mis à jour récemment"),
    )
]
MAX_PAGE = 500


class KindsField(CheckboxesField):
    unknown_message = "Type de garde inconnu : {}. Cochez un type dans la liste."


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
    lieu = StringField(
        "Où ?",
        validators=[
            Optional(),
            Length(max=120, message="Le lieu est trop long (120 caractères au plus)."),
        ],
        description="Commune ou code postal",
    )
    code_insee = StringField(
        validators=[Optional(), Regexp(r"^(\d{5}|2[AB]\d{3})$", message="Code commune invalide.")]
    )
    rayon = SelectField(
        "Dans un rayon de",
        choices=[SelectChoice(str(r), f"{r}\u00a0km") for r in RADII],
        default=str(DEFAULT_RADIUS),
    )
    type = KindsField(
        "Quoi ?", choices=[SelectChoice(k.value, label) for k, label in OFFER_KIND_LABELS.items()]
    )
    avip = StringField("Crèches et accueils AVIP uniquement")
    places = StringField("Avec des places disponibles")
    handicap = StringField("Accueil adapté aux enfants en situation de handicap")
    age = SelectField("Âge de l’enfant", choices=AGE_CHOICES, default="")
    jours = DaysField("Jours")
    de = TimeField("De", description="Exemple : 5:30")
    a = TimeField("À", description="Exemple : 19:00")
    q = StringField(
        "Mots-clés",
        validators=[
            Optional(),
            Length(max=200, message="Les mots-clés sont trop longs (200 caractères au plus)."),
        ],
    )
    tri = SelectField("Trier par", choices=SORT_CHOICES, default="")
    page = StringField(default="1")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # WTForms' own "Not a valid choice" is English: say it in French.
        for field, message in (
            (self.rayon, "Choisissez un rayon parmi 1, 2, 5, 10, 20 ou 30 km."),
            (self.age, "Choisissez un âge dans la liste."),
            (self.tri, "Choisissez un ordre de tri dans la liste."),
        ):
            if field.errors:
                field.errors = [message]
        ok = self._check_hours() and ok
        ok = self._check_page() and ok
        return ok and not any(self.errors.values())

    def _check_hours(self) -> bool:
        if self.de.errors or self.a.errors:
            return False
        start, end = self.de.time_value, self.a.time_value
        if (start is None) != (end is None):
            missing = self.a if end is None else self.de
            missing.errors = ["Indiquez aussi cette heure pour chercher selon vos horaires."]
            return False
        if start is not None and not self.jours.data and not self.jours.errors:
            self.jours.errors = ["Cochez au moins un jour pour chercher selon vos horaires."]
            return False
        if start is not None and start == end:
            self.a.errors = ["L’heure de fin doit être différente de l’heure de début."]
            return False
        return True

    def _check_page(self) -> bool:
        text = (self.page.data or "1").strip()
        if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
            self.page.errors = [
                f"Numéro de page invalide : choisissez une page entre 1 et {MAX_PAGE}."
            ]
            return False
        return True

    # -- values usable even when other fields are invalid -------------------------------
    def radius_km(self) -> int:
        return int(self.rayon.data) if not self.rayon.errors and self.rayon.data else DEFAULT_RADIUS

    def page_number(self) -> int:
        return 1 if self.page.errors else int((self.page.data or "1").strip() or 1)

    def kinds(self) -> tuple[str, ...]:
        return () if self.type.errors else tuple(self.type.data or ())

    def days(self) -> tuple[int, ...]:
        return () if self.jours.errors else tuple(DAY_CODES.index(d) for d in self.jours.data or ())

    def hours_needed(self) -> tuple[time, time] | None:
        if self.de.errors or self.a.errors or self.jours.errors or not self.days():
            return None
        if self.de.time_value is None or self.a.time_value is None:
            return None
        return self.de.time_value, self.a.time_value

    def child_age_months(self) -> int | None:
        return int(self.age.data) if self.age.data and not self.age.errors else None

    def flag(self, name: str) -> bool:
        return bool(getattr(self, name).data)
