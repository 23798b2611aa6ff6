"""Account forms (POST, CSRF by Flask-WTF), French messages; what was typed is kept on error
(except passwords, never sent back)."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, Regexp, ValidationError

from app.accounts.models import SELF_SERVICE_ROLES, Role
from app.accounts.passwords import MAX_LENGTH, password_problem
from app.core.fields import max_length
from app.core.forms import FrenchForm, trim
from app.directory.models import INCLUSIVE_EMPLOYER_KINDS, STRUCTURE_KIND_LABELS
from app.geo.communes import all_departements

EMAIL_MESSAGE = "Indiquez une adresse électronique valide, par exemple nom@exemple.fr."


def departement_choices() -> list[SelectChoice]:
    return [SelectChoice("", "Choisissez votre département")] + [
        SelectChoice(d.code, f"{d.code} – {d.name}") for d in all_departements()
    ]


def _email_field(label: str = "Adresse électronique") -> StringField:
    return StringField(
        label,
        filters=[trim],
        validators=[
            InputRequired("Indiquez votre adresse électronique."),
            Length(max=254, message="L’adresse est trop longue."),
            Email(EMAIL_MESSAGE, check_deliverability=False),
        ],
    )


def _full_name_field() -> StringField:
    return StringField(
        "Prénom et nom",
        validators=[InputRequired("Indiquez votre prénom et votre nom."), max_length(200)],
    )


def _organisation_field() -> StringField:
    return StringField(
        "Organisme ou employeur",
        validators=[InputRequired("Indiquez votre organisme."), max_length(200)],
    )


def _new_password_field(label: str, description: str) -> PasswordField:
    return PasswordField(
        label,
        description=description,
        validators=[InputRequired("Choisissez un mot de passe.")],
    )


def _confirm_field() -> PasswordField:
    return PasswordField(
        "Le même mot de passe, encore une fois",
        validators=[InputRequired("Retapez le mot de passe.")],
    )


class LoginForm(FrenchForm):
    email = _email_field()
    password = PasswordField(
        "Mot de passe",
        validators=[InputRequired("Indiquez votre mot de passe."), Length(max=MAX_LENGTH)],
    )
    remember = BooleanField("Rester connecté·e sur cet appareil")


class NewPasswordMixin:
    """Checks a new password (and its confirmation) in a form that has those fields."""

    email: Any
    password: Any

    def validate_password(self, field):
        problem = password_problem(
            field.data or "", (getattr(self, "email", None) and self.email.data) or ""
        )
        if problem:
            raise ValidationError(problem)

    def validate_confirm(self, field):
        if field.data != self.password.data:
            raise ValidationError("Les deux mots de passe ne sont pas identiques.")


class SignupForm(NewPasswordMixin, FrenchForm):
    role = SelectField(
        "Vous êtes",
        choices=[
            SelectChoice("", "Choisissez"),
            SelectChoice(
                Role.GESTIONNAIRE.value,
                "Gestionnaire d’une crèche, d’une MAM, assistant·e maternel·le "
                "ou organisme de formation",
            ),
            SelectChoice(
                Role.PRESCRIPTEUR.value,
                "Professionnel·le de l’insertion "
                "(France Travail, Caf, département, SIAE, mission locale…)",
            ),
            SelectChoice(
                Role.EMPLOYEUR_INCLUSIF.value,
                "Employeur inclusif : SIAE (AI, ACI, EI, ETTI) ou GEIQ "
                "qui propose des personnes aux crèches",
            ),
        ],
        validators=[InputRequired("Dites-nous qui vous êtes.")],
    )
    full_name = _full_name_field()
    email = _email_field("Adresse électronique professionnelle")
    organisation = _organisation_field()
    departement = SelectField(
        "Département", validators=[InputRequired("Choisissez votre département.")]
    )
    structure_name = StringField(
        "Nom de la structure que vous gérez",
        validators=[Optional(), max_length(200)],
    )
    structure_siret = StringField(
        "SIRET de la structure (facultatif)",
        description="Obligatoire pour une SIAE ou un GEIQ (employeur inclusif).",
        validators=[
            Optional(),
            Regexp(r"^\d{14}$", message="Un SIRET compte 14 chiffres, sans espace."),
        ],
    )
    structure_kind = SelectField(
        "Type de structure",
        choices=[SelectChoice("", "Choisissez")]
        + [SelectChoice(k.value, label) for k, label in STRUCTURE_KIND_LABELS.items()],
        validators=[Optional()],
    )
    password = _new_password_field(
        "Mot de passe", "Au moins 12 caractères. Une phrase de plusieurs mots convient bien."
    )
    confirm = _confirm_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.departement.choices = departement_choices()

    def validate_departement(self, field):
        if field.data not in {c.value for c in self.departement.choices if c.value}:
            raise ValidationError("Choisissez votre département dans la liste.")

    def validate_role(self, field):
        if field.data not in {r.value for r in SELF_SERVICE_ROLES}:
            raise ValidationError(
                "Choisissez gestionnaire, professionnel·le de l’insertion ou employeur inclusif."
            )

    def _with_structure(self) -> bool:
        return self.role.data in (Role.GESTIONNAIRE.value, Role.EMPLOYEUR_INCLUSIF.value)

    def validate_structure_name(self, field):
        if self._with_structure() and not (field.data or "").strip():
            raise ValidationError("Indiquez le nom de la structure que vous gérez.")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        siret = self.structure_siret
        if self.role.data == Role.EMPLOYEUR_INCLUSIF.value and not siret.data and not siret.errors:
            siret.errors = ["Le SIRET de votre SIAE ou de votre GEIQ est obligatoire."]
            return False
        return ok

    def validate_structure_kind(self, field):
        if self._with_structure() and not field.data:
            raise ValidationError("Choisissez le type de structure.")
        if field.data and field.data not in {c.value for c in self.structure_kind.choices}:
            raise ValidationError("Choisissez un type dans la liste.")
        inclusive = field.data in {k.value for k in INCLUSIVE_EMPLOYER_KINDS}
        if self.role.data == Role.EMPLOYEUR_INCLUSIF.value and field.data and not inclusive:
            raise ValidationError(
                "Un employeur inclusif est une SIAE (AI, ACI, EI, ETTI) ou un GEIQ."
            )
        if self.role.data == Role.GESTIONNAIRE.value and inclusive:
            raise ValidationError("Une SIAE ou un GEIQ s’inscrit comme « employeur inclusif ».")


class ForgotPasswordForm(FrenchForm):
    email = _email_field()


class ResetPasswordForm(NewPasswordMixin, FrenchForm):
    password = _new_password_field("Nouveau mot de passe", "Au moins 12 caractères.")
    confirm = _confirm_field()


class InvitationForm(NewPasswordMixin, FrenchForm):
    full_name = _full_name_field()
    organisation = _organisation_field()
    password = _new_password_field("Mot de passe", "Au moins 12 caractères.")
    confirm = _confirm_field()


class InviteForm(FrenchForm):
    email = _email_field("Adresse de la personne invitée")
    role = SelectField(
        "Rôle",
        choices=[
            SelectChoice(Role.GESTIONNAIRE.value, "Gestionnaire"),
            SelectChoice(Role.PRESCRIPTEUR.value, "Prescripteur ou prescriptrice"),
            SelectChoice(Role.COORDINATEUR.value, "Coordination départementale"),
        ],
    )
    structure_id = SelectField(
        "Structure à gérer (gestionnaire)", choices=[], validators=[Optional()]
    )
