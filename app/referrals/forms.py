"""Forms of referrals (POST, CSRF by Flask-WTF). They ask only what a structure needs; every
message is French and what was typed is kept on error."""

from __future__ import annotations

import re
import uuid
from datetime import date, time, timedelta
from typing import cast

from wtforms import BooleanField, HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from app.accounts.forms import EMAIL_MESSAGE
from app.core.fields import DATE_HINT, DateText, FrenchSelect, VersionField, max_length, text_area
from app.core.forms import FrenchForm, trim
from app.core.french import parse_date_fr
from app.directory.forms import DAY_CODES, DaysField, TimeField
from app.referrals import rules, sharing
from app.referrals.models import REASON_LABELS, Reason, ReferralStatus
from app.referrals.services import Answer, ReferralInput

MESSAGE_MAX = 2000
#: The answer form's choice « Écrire au prescripteur »: a message, the answer unchanged.
MESSAGE_ONLY = "message"
MAX_CHILDREN = 6
MAX_AGE_MONTHS = 18 * 12
_KEY = re.compile(r"^[0-9a-f]{32}$")
_AGE = re.compile(r"^(\d{1,3})\s*(ans?|mois|m|a)?$")
_PHONE = re.compile(
    r"^(?:\+33\s?|0033\s?|0)[1-9](?:[\s.-]?\d{2}){4}$|^\+(?:26[29]|59[0-6]|68[17])\d{6,9}$"
)
_NAME = re.compile(r"^[^\W\d_]+(?:[ '’-][^\W\d_]+)*$")


def parse_ages(text: str) -> list[int]:
    """« 2 ans, 8 mois » → [24, 8]. A bare number is years (« 3 »), or months with « mois »;
    ``ValueError`` with a French message otherwise."""
    parts = [p.strip() for p in re.split(r"[,;/]|\bet\b", text.lower()) if p.strip()]
    if not parts:
        raise ValueError("Indiquez l’âge de chaque enfant, par exemple « 2 ans, 8 mois ».")
    if len(parts) > MAX_CHILDREN:
        raise ValueError(f"{MAX_CHILDREN} enfants au plus par orientation.")
    months = []
    for part in parts:
        match = _AGE.match(part)
        if not match:
            raise ValueError(
                f"« {part[:20]} » n’est pas un âge : écrivez par exemple « 2 ans » ou « 8 mois »."
            )
        number, unit = int(match.group(1)), match.group(2) or "ans"
        value = number if unit in ("mois", "m") else number * 12
        if value > MAX_AGE_MONTHS:
            raise ValueError(f"« {part[:20]} » : indiquez l’âge d’un enfant de moins de 18 ans.")
        months.append(value)
    return months


def _france_travail_id(text: str) -> str:
    return text.replace(" ", "").upper()


def new_key() -> str:
    return uuid.uuid4().hex


def _first_name(label: str, required: str) -> StringField:
    return StringField(
        label,
        filters=[trim],
        validators=[
            DataRequired(required),
            max_length(60),
            Regexp(
                _NAME,
                message=(
                    "Le prénom ne peut contenir que des lettres, des espaces, des tirets et des "
                    "apostrophes."
                ),
            ),
        ],
    )


def _phone(label: str) -> StringField:
    return StringField(
        label,
        description="Par exemple 06 12 34 56 78.",
        filters=[trim],
        validators=[
            Optional(),
            Regexp(
                _PHONE,
                message="Indiquez un numéro de téléphone français, par exemple 06 12 34 56 78.",
            ),
        ],
    )


def _email(label: str, description: str, required: str = "") -> StringField:
    return StringField(
        label,
        description=description,
        filters=[trim],
        validators=[
            DataRequired(required) if required else Optional(),
            Length(max=254, message="L’adresse est trop longue."),
            Email(EMAIL_MESSAGE, check_deliverability=False),
        ],
    )


class NeedForm(FrenchForm):
    """What a structure needs to know of a parent's need, shared by the prescripteur's
    referral and the parent's own request: the children, the start date, the days and hours, a
    message, and the key that makes a double click send one request."""

    enfants = StringField(
        "Âge des enfants à faire garder",
        description="Séparez par des virgules, par exemple « 2 ans, 8 mois ».",
        filters=[trim],
        validators=[max_length(100)],
    )
    debut = DateText(
        "Date de début souhaitée",
        required="Indiquez à partir de quand la garde est nécessaire.",
        description=DATE_HINT,
        filters=[trim],
    )
    jours = DaysField("Jours de garde nécessaires")
    de = TimeField("De", description="Exemple : 7:30")
    a = TimeField("À", description="Exemple : 18:00")
    cle = HiddenField(
        validators=[
            Regexp(
                _KEY,
                message="Le formulaire a expiré : vérifiez les informations et envoyez de nouveau.",
            )
        ]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.cle.data:
            self.cle.data = new_key()
        self.ages: list[int] = []

    def validate_enfants(self, field):
        try:
            self.ages = parse_ages(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def validate_debut(self, field):
        today = date.today()
        if field.date_value and field.date_value < today - timedelta(days=1):
            raise ValidationError("La date de début ne peut pas être passée.")
        if field.date_value and field.date_value > today + timedelta(days=366):
            raise ValidationError("La date de début doit être dans moins d’un an.")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.jours.data and not self.jours.errors:
            self.jours.errors = ["Cochez les jours où la garde est nécessaire."]
            ok = False
        for field, message in (
            (self.de, "Indiquez l’heure de début de la garde."),
            (self.a, "Indiquez l’heure de fin de la garde."),
        ):
            if not field.errors and field.time_value is None:
                field.errors = [message]
                ok = False
        if not self.de.errors and not self.a.errors and self.de.time_value == self.a.time_value:
            self.a.errors = ["L’heure de fin doit être différente de l’heure de début."]
            ok = False
        return ok

    def need(self, **who) -> ReferralInput:
        """The need as checked, with ``who`` (names, contact, reason…): call it once
        :meth:`validate` has passed (the date and the hours are then set)."""
        return ReferralInput(
            children_months=self.ages,
            start_date=cast(date, self.debut.date_value),
            days=tuple(d for d in DAY_CODES if d in self.jours.data),
            hours_start=cast(time, self.de.time_value),
            hours_end=cast(time, self.a.time_value),
            idempotency_key=self.cle.data,
            **who,
        )


class ReferralForm(NeedForm):
    prenom = _first_name("Prénom du parent", "Indiquez le prénom du parent.")
    initiale = StringField(
        "Initiale de son nom",
        description="Une lettre, par exemple D.",
        filters=[trim],
        validators=[
            DataRequired("Indiquez l’initiale du nom de famille."),
            Regexp(r"^[^\W\d_]\.?$", message="Indiquez une seule lettre, par exemple D."),
        ],
    )
    telephone = _phone("Téléphone du parent")
    courriel = _email(
        "Adresse électronique du parent",
        "Si le parent en a une : elle lui dira la réponse de la structure.",
    )
    motif = RadioField(
        "Pour quoi faire ?",
        choices=[SelectChoice(r.value, label) for r, label in REASON_LABELS.items()],
        validators=[DataRequired("Choisissez le motif de la demande.")],
    )
    identifiant_ft = StringField("Identifiant France Travail (facultatif)", filters=[trim])
    message = text_area(
        "Message à la structure (facultatif)",
        limit=MESSAGE_MAX,
        description="Ce que la structure doit savoir pour répondre. Aucune information "
        "médicale ni sur la situation familiale.",
    )
    accord = BooleanField(
        "Le parent a accepté que ces informations soient transmises à la structure",
        validators=[
            DataRequired(
                "Le parent doit avoir accepté que ses informations soient "
                "transmises : sans son accord, ne l’orientez pas en ligne."
            )
        ],
    )
    confirmer = HiddenField()

    def validate_identifiant_ft(self, field):
        # Checked as written without spaces and in capitals; shown back as typed.
        if field.data and not re.fullmatch(
            r"[0-9]{7}[0-9A-Z]{1,4}", _france_travail_id(field.data)
        ):
            raise ValidationError(
                "Un identifiant France Travail compte 8 à 11 caractères : 7 chiffres puis des "
                "chiffres ou lettres."
            )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if (
            not (self.telephone.data or self.courriel.data)
            and not self.telephone.errors
            and not self.courriel.errors
        ):
            self.telephone.errors = [
                "Indiquez au moins un moyen de joindre le parent : téléphone ou adresse "
                "électronique."
            ]
            ok = False
        if self.motif.errors:
            self.motif.errors = ["Choisissez le motif de la demande dans la liste."]
        return ok

    def to_input(self) -> ReferralInput:
        return self.need(
            first_name=self.prenom.data,
            initial=self.initiale.data.rstrip(".").upper(),
            phone=self.telephone.data or "",
            email=self.courriel.data or "",
            reason=Reason(self.motif.data),
            france_travail_id=_france_travail_id(self.identifiant_ft.data or ""),
            message=self.message.data or "",
        )


class PlaceRequestForm(NeedForm):
    """« Demander une place »: a parent's own request, without an account. Her email is
    required (the structure's answer is sent to it); her phone is optional."""

    prenom = _first_name("Votre prénom", "Indiquez votre prénom.")
    courriel = _email(
        "Votre adresse électronique",
        "La réponse de la structure vous sera envoyée à cette adresse.",
        required="Indiquez votre adresse électronique : la réponse vous sera envoyée.",
    )
    telephone = _phone("Votre téléphone (facultatif)")
    message = text_area(
        "Message à la structure (facultatif)",
        limit=MESSAGE_MAX,
        description="Ce qu’elle doit savoir pour vous répondre. Aucune information médicale.",
    )
    accord = BooleanField(
        "J’accepte que ces informations soient transmises à la structure pour qu’elle me réponde",
        validators=[
            DataRequired(
                "Cochez la case d’accord : sans elle, la demande ne peut pas être transmise."
            )
        ],
    )

    def to_input(self) -> ReferralInput:
        return self.need(
            first_name=self.prenom.data,
            initial="",
            phone=self.telephone.data or "",
            email=self.courriel.data or "",
            reason=None,
            france_travail_id="",
            message=self.message.data or "",
        )


class AnswerForm(FrenchForm):
    reponse = RadioField("Votre réponse", validators=[DataRequired("Choisissez votre réponse.")])
    date_debut = StringField(
        "Date d’accueil prévue",
        description="Exemple : 05/01/2027 ou 5 janvier 2027",
        filters=[trim],
        validators=[Length(max=40)],
    )
    motif_refus = FrenchSelect(
        "Raison du refus",
        choices=[SelectChoice("", "Choisissez")]
        + [SelectChoice(k, v) for k, v in rules.REFUSAL_REASONS.items()],
        validate_choice=False,
    )
    message = text_area(
        "Message au prescripteur",
        limit=MESSAGE_MAX,
        description="Obligatoire pour demander des informations ; facultatif sinon.",
    )
    version = VersionField()

    def __init__(self, status: ReferralStatus, *args, from_parent: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if from_parent:  # a parent's own request: she reads the message in her email
            self.message.label.text = "Message au parent (facultatif)"
            self.message.description = "Il lui est envoyé par courriel avec votre réponse."
        labels = {
            ReferralStatus.ACCEPTED: "Accepter : le parent a une place",
            ReferralStatus.WAITING_LIST: "Inscrire sur la liste d’attente",
            ReferralStatus.REFUSED: "Refuser",
            ReferralStatus.INFO_REQUESTED: "Demander des informations au prescripteur",
        }
        self.reponse.choices = [
            SelectChoice(s.value, labels[s]) for s in rules.answers_for(status, from_parent)
        ]
        if not from_parent:  # one message box (issue 22): a message without changing the answer
            self.reponse.choices.append(SelectChoice(MESSAGE_ONLY, "Écrire au prescripteur"))
        self.start: date | None = None

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.reponse.errors:
            self.reponse.errors = ["Choisissez une réponse dans la liste."]
            return False
        choice = self.reponse.data
        if choice == ReferralStatus.ACCEPTED:
            text = (self.date_debut.data or "")[:40]
            try:
                self.start = parse_date_fr(text) if text else None
            except ValueError:
                self.date_debut.errors = [
                    "Indiquez une date, par exemple 05/01/2027 ou 5 janvier 2027."
                ]
                return False
            if self.start is None:
                self.date_debut.errors = ["Indiquez la date à laquelle l’enfant sera accueilli."]
                ok = False
            elif (
                not date.today() - timedelta(days=31)
                <= self.start
                <= date.today() + timedelta(days=366)
            ):
                self.date_debut.errors = ["Indiquez une date dans l’année qui vient."]
                ok = False
        if choice == ReferralStatus.REFUSED and self.motif_refus.data not in rules.REFUSAL_REASONS:
            self.motif_refus.errors = ["Choisissez la raison du refus."]
            ok = False
        if choice == ReferralStatus.INFO_REQUESTED and not self.message.data:
            self.message.errors = ["Écrivez les informations dont vous avez besoin."]
            ok = False
        if choice == MESSAGE_ONLY and not self.message.data:
            self.message.errors = ["Écrivez votre message au prescripteur."]
            ok = False
        return ok

    @property
    def message_only(self) -> bool:
        return self.reponse.data == MESSAGE_ONLY

    def to_answer(self) -> Answer:
        status = ReferralStatus(self.reponse.data)
        return Answer(
            status=status,
            start_date=self.start if status == ReferralStatus.ACCEPTED else None,
            refusal_reason=self.motif_refus.data if status == ReferralStatus.REFUSED else "",
            text=self.message.data or "",
        )


class MessageForm(FrenchForm):
    texte = text_area("Votre message", limit=MESSAGE_MAX, required="Écrivez votre message.")
    version = VersionField()


class CancelForm(FrenchForm):
    raison = text_area(
        "Pourquoi annuler ? (facultatif)",
        limit=MESSAGE_MAX,
        description="Par exemple : le parent a trouvé une autre solution.",
    )
    version = VersionField()


class RenewLinkForm(FrenchForm):
    """Only the CSRF token: the link to renew is in the URL."""


class ShareForm(FrenchForm):
    """« Envoyer à un parent »: the parent's address (used for this sending only) and a short
    note from the professional."""

    courriel = _email(
        "Adresse électronique du parent",
        "Utilisée pour cet envoi seulement : elle n’est pas gardée.",
        required="Indiquez l’adresse électronique du parent.",
    )
    mot = text_area(
        "Votre message (facultatif)",
        limit=sharing.NOTE_MAX,
        description="Quelques mots ajoutés au courriel, signés de votre nom.",
    )
