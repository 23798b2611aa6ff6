"""Forms of the coordinators' space, the AVIP application and the public error report (POST,
CSRF by Flask-WTF). French messages; what was typed is kept on error."""

from __future__ import annotations

from datetime import date

from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.accounts.forms import EMAIL_MESSAGE, InviteForm
from app.accounts.models import Role
from app.core.fields import DATE_HINT, DateText, FrenchSelect, text_area
from app.core.forms import FrenchForm, trim
from app.directory.rules import AVIP_REVIEW_PROPOSED_MONTHS

TEXT_MAX = 2000
EMAIL_MAX = 254
MAX_PLACES = 200

#: The kinds of error a visitor can report, in the order the list shows them.
REPORT_CATEGORIES = {
    "horaires": "Horaires d’ouverture",
    "places": "Places disponibles",
    "contact": "Adresse, téléphone ou courriel",
    "tarifs": "Tarifs ou aides",
    "avip": "Label AVIP",
    "ferme": "La structure a fermé ou n’existe pas",
    "autre": "Autre",
}


def _text_area(label: str, required: str | None = None, description: str = "") -> TextAreaField:
    return text_area(label, limit=TEXT_MAX, required=required, description=description)


class PlacesField(StringField):
    """A whole number of places, typed « 3 »; ``number`` once valid."""

    message = f"Indiquez un nombre de places entre 1 et {MAX_PLACES}, par exemple 3."

    def __init__(self, label, **kwargs):
        super().__init__(label, filters=[trim], **kwargs)
        self.number: int | None = None

    def pre_validate(self, form):
        self.number = None
        text = (self.data or "")[:20]
        if not text:
            raise ValidationError("Indiquez le nombre de places réservées.")
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_PLACES:
            raise ValidationError(self.message)
        self.number = int(text)


# --------------------------------------------------------------------------- public report


class ReportForm(FrenchForm):
    categorie = FrenchSelect(
        "Quelle information est fausse ?",
        choices=[SelectChoice("", "Choisissez")]
        + [SelectChoice(k, v) for k, v in REPORT_CATEGORIES.items()],
        validators=[DataRequired("Choisissez ce qui est faux.")],
    )
    message = _text_area(
        "Qu’avez-vous constaté ?",
        "Décrivez l’erreur en quelques mots.",
        "Par exemple : la crèche ouvre maintenant à 7\u00a0h\u00a030. "
        "N’indiquez pas d’informations sur un enfant.",
    )
    email = StringField(
        "Votre adresse électronique (facultatif)",
        description="Seulement si vous acceptez que la coordination vous réponde.",
        filters=[trim],
        validators=[
            Optional(),
            Length(max=EMAIL_MAX, message="L’adresse est trop longue."),
            Email(EMAIL_MESSAGE, check_deliverability=False),
        ],
    )


# ------------------------------------------------------------------------------ AVIP label


class AvipApplicationForm(FrenchForm):
    reserved_places = PlacesField(
        "Nombre de places réservées aux enfants de parents en parcours d’insertion",
    )
    hours_commitment = _text_area(
        "Vos horaires et les besoins des parents (facultatif)",
        description="L’ouverture 12 h par jour n’est plus exigée : dites comment vos horaires "
        "s’adaptent aux parents (tôt le matin, le soir, horaires décalés…).",
    )
    partnership = _text_area(
        "Partenariat avec France Travail et les acteurs de l’insertion",
        "Décrivez votre partenariat avec France Travail et les acteurs de l’insertion.",
        "Avec qui travaillez-vous (agence France Travail, Caf, département, SIAE, mission "
        "locale…) et comment ?",
    )
    short_notice = _text_area(
        "Accueil des parents dans des délais courts",
        "Dites comment vous accueillez un enfant dans des délais courts.",
        "En combien de temps pouvez-vous accueillir un enfant quand son parent reprend un emploi "
        "ou une formation ?",
    )


class GrantForm(FrenchForm):
    label_start = DateText(
        "Début du label",
        required="Indiquez la date de début du label.",
        description=DATE_HINT,
        filters=[trim],
    )
    label_review = DateText(
        "Date de réexamen",
        required="Indiquez la date de réexamen du label.",
        description=f"Proposée {AVIP_REVIEW_PROPOSED_MONTHS // 12} ans après aujourd’hui, à "
        "changer si besoin. Le label n’apparaît plus dans la recherche après cette date. "
        "Exemple : 01/12/2029",
    )
    places = PlacesField("Places réservées retenues")
    note = _text_area("Note pour le ou la gestionnaire (facultatif)")

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_label_review(self, field):
        start, review = self.label_start.date_value, field.date_value
        if review is None:
            return
        if start is not None and review <= start:
            raise ValidationError("La date de réexamen doit venir après le début du label.")
        if review < self.today:
            raise ValidationError(
                "La date de réexamen est déjà passée : choisissez une date à venir."
            )


class RefuseForm(FrenchForm):
    reason = _text_area(
        "Motif du refus", "Indiquez le motif du refus : il est envoyé au ou à la gestionnaire."
    )


# ------------------------------------------------------------------------------ the queue

REPORT_ACTIONS = {"resolve": "Marquer comme corrigé", "dismiss": "Classer sans suite"}


class ReportDecisionForm(FrenchForm):
    note = _text_area("Note (facultative pour une correction)")
    action = StringField()

    def validate_action(self, field):
        if field.data not in REPORT_ACTIONS:
            raise ValidationError("Choisissez « corrigé » ou « sans suite ».")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Not a validate_note method: the note's Optional() ends its chain when it is empty.
        if self.action.data == "dismiss" and not self.note.data and not self.note.errors:
            self.note.errors.append("Dites pourquoi ce signalement est classé sans suite.")
            ok = False
        return ok

    @property
    def resolved(self) -> bool:
        return self.action.data == "resolve"


class InvitePersonForm(InviteForm):
    """The accounts' InviteForm with French messages for a value not in the lists."""

    def __init__(self, *args, structure_choices: list[SelectChoice], **kwargs):
        super().__init__(*args, **kwargs)
        self.structure_id.choices = [
            SelectChoice("", "Aucune (prescripteur, coordination)"),
            *structure_choices,
        ]
        for field in (self.role, self.structure_id):
            field.invalid_choice_message = field.invalid_value_message = (
                "Choisissez une réponse dans la liste."
            )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Here rather than in validate_structure_id: its Optional() ends the chain when empty.
        if self.structure_id.errors or self.role.errors:
            return False
        if self.role.data == Role.GESTIONNAIRE.value and not self.structure_id.data:
            self.structure_id.errors.append("Choisissez la structure que cette personne va gérer.")
            ok = False
        elif self.role.data != Role.GESTIONNAIRE.value and self.structure_id.data:
            self.structure_id.errors.append(
                "Seul un ou une gestionnaire gère une structure : choisissez « Aucune »."
            )
            ok = False
        return ok

    @property
    def structure(self) -> int | None:
        return int(self.structure_id.data) if self.structure_id.data else None
