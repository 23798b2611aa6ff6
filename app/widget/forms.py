"""Forms of the partner pages: a partner token (admin, POST with CSRF), its status, the
snippet builder of /integrer (GET), a partner's request for a token and its decision."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional, ValidationError

from app.accounts.forms import EMAIL_MESSAGE
from app.core.fields import CheckboxesField, max_length, text_area
from app.core.forms import FrenchForm, FrenchQueryForm, trim
from app.directory.forms import RADII
from app.directory.models import OFFER_KIND_LABELS
from app.geo import resolve_place
from app.widget.rules import clean_presets, clean_siret, parse_origins, snippet, widget_query

RADIUS_CHOICES = [SelectChoice("", "Par défaut (10\u00a0km)")] + [
    SelectChoice(str(r), f"{r}\u00a0km") for r in RADII
]
KIND_CHOICES = [SelectChoice(k.value, label) for k, label in OFFER_KIND_LABELS.items()]


class _PresetFields:
    """The default search a partner's widget opens on, read from the form's preset fields."""

    code_insee: Any
    departement: Any
    rayon: Any
    type: Any
    avip: Any

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.presets: dict = {}

    def presets_from_fields(self) -> dict:
        presets, errors = clean_presets(
            {
                "code_insee": self.code_insee.data,
                "departement": self.departement.data,
                "rayon": self.rayon.data,
                "type": self.type.data or [],
                "avip": "1" if self.avip.data else "",
            }
        )
        for name, message in errors.items():
            getattr(self, name).errors = [*getattr(self, name).errors, message]
        return presets


class PartnerForm(_PresetFields, FrenchForm):
    name = StringField(
        "Nom du partenaire",
        filters=[trim],
        validators=[
            DataRequired("Indiquez le nom du partenaire."),
            max_length(200),
        ],
    )
    origins_text = TextAreaField(
        "Sites autorisés à afficher le widget",
        filters=[trim],
        description=(
            "Une origine par ligne, sans chemin : https://www.caf.fr "
            "ou https://*.caf.fr pour tous ses sous-domaines."
        ),
        validators=[DataRequired("Indiquez au moins un site."), Length(max=4000)],
    )
    code_insee = StringField(
        "Commune par défaut (code INSEE)", filters=[trim], validators=[Optional(), Length(max=5)]
    )
    departement = StringField(
        "ou département par défaut", filters=[trim], validators=[Optional(), Length(max=3)]
    )
    rayon = SelectField("Rayon par défaut", choices=RADIUS_CHOICES, default="")
    type = CheckboxesField("Types de garde présélectionnés", choices=KIND_CHOICES)
    avip = BooleanField("Uniquement les accueils AVIP")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.origins: list[str] = []

    @classmethod
    def for_token(cls, token) -> PartnerForm:
        presets = token.presets or {}
        return cls(
            data={
                "name": token.name,
                "origins_text": "\n".join(token.allowed_origins),
                "code_insee": presets.get("code_insee", ""),
                "departement": presets.get("departement", ""),
                "rayon": presets.get("rayon", ""),
                "type": presets.get("type", []),
                "avip": bool(presets.get("avip")),
            }
        )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.rayon.errors:
            self.rayon.errors = ["Choisissez un rayon dans la liste."]
        self.origins, errors = parse_origins(self.origins_text.data or "")
        if errors:
            self.origins_text.errors = [*self.origins_text.errors, *errors]
        self.presets = self.presets_from_fields()
        return ok and not any(self.errors.values())


class StatusForm(FrenchForm):
    action = HiddenField(validators=[AnyOf(["activer", "revoquer"])])


class EmbedForm(_PresetFields, FrenchQueryForm):
    """The /integrer choices (a GET form: the address is the shareable configuration)."""

    widget = RadioField(
        "Quel widget ?",
        choices=[
            SelectChoice("recherche", "La recherche de modes de garde"),
            SelectChoice("estimateur", "L’estimation des aides"),
        ],
        default="recherche",
        validators=[Optional()],
    )
    token = StringField(
        "Votre jeton de partenaire",
        validators=[Optional(), Length(max=64)],
        description="Sans jeton, l’aperçu fonctionne ici mais pas sur votre site.",
    )
    lieu = StringField(
        "Commune par défaut",
        validators=[Optional(), Length(max=120)],
        description="Exemple : Toulon ou 83000",
    )
    code_insee = HiddenField()
    departement = StringField(
        "ou département par défaut",
        validators=[Optional(), Length(max=3)],
        description="Exemple : 83",
    )
    rayon = SelectField("Rayon", choices=RADIUS_CHOICES, default="")
    type = CheckboxesField("Types de garde présélectionnés", choices=KIND_CHOICES)
    avip = BooleanField("Uniquement les accueils AVIP")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.widget.errors or self.widget.data not in ("recherche", "estimateur"):
            self.widget.errors, self.widget.data = [], "recherche"
        if self.rayon.errors:
            self.rayon.errors = ["Choisissez un rayon dans la liste."]
        self.code_insee.data = ""
        lieu = (self.lieu.data or "").strip()
        if lieu and not self.lieu.errors:
            place = resolve_place(lieu)
            if place.commune is None:
                self.lieu.errors = [place.message or "Commune introuvable."]
            else:
                self.code_insee.data = place.commune.code_insee
        self.presets = self.presets_from_fields()
        return ok and not any(self.errors.values())

    def _attributes(self) -> list[tuple[str, str]]:
        p = self.presets
        pairs = [
            ("data-token", (self.token.data or "").strip() or "VOTRE-JETON"),
            ("data-widget", self.widget.data),
        ]
        if self.widget.data == "recherche":
            pairs += [
                (f"data-{name}", value)
                for name, value in (
                    ("commune", p.get("code_insee")),
                    ("departement", p.get("departement")),
                    ("rayon", p.get("rayon")),
                    ("types", ",".join(p.get("type", []))),
                    ("avip", p.get("avip")),
                )
                if value
            ]
        return pairs

    def snippet(self, base_url: str) -> str:
        return snippet(base_url, self._attributes())

    def has_place(self) -> bool:
        """Has the partner chosen a commune or a département (else the preview uses a sample)?"""
        return bool(self.presets.get("code_insee") or self.presets.get("departement"))

    def preview_url(self, sample_commune: str | None = None) -> str:
        """The widget as the partner's visitors will see it; when no place is chosen, around
        ``sample_commune`` so that it shows results (the snippet keeps no place)."""
        token = (self.token.data or "").strip()
        presets = dict(self.presets)
        if sample_commune and not self.has_place():
            presets["code_insee"] = sample_commune
        query = widget_query(presets) if self.widget.data == "recherche" else ""
        auth = urlencode({"token": token}) if token else "apercu=1"
        return f"/widget/{self.widget.data}?{auth}" + (f"&{query}" if query else "")


# ---- a partner's request for a token, and its decision ------------------------------------


class PartnerRequestForm(FrenchForm):
    """« Demander un jeton » (public, POST with CSRF, rate limited)."""

    organisation = StringField(
        "Organisme",
        filters=[trim],
        description="Par exemple : Caf du Var, mairie de Toulon, mission locale.",
        validators=[DataRequired("Indiquez le nom de votre organisme."), max_length(200)],
    )
    siret = StringField(
        "SIRET (facultatif)",
        filters=[trim],
        validators=[Optional(), max_length(20)],
    )
    origins_text = TextAreaField(
        "Adresses des sites qui afficheront le widget",
        filters=[trim],
        description=(
            "Une par ligne, en https et sans chemin : https://www.exemple.fr, "
            "ou https://*.exemple.fr pour tous ses sous-domaines."
        ),
        validators=[DataRequired("Indiquez au moins une adresse de site."), max_length(4000)],
    )
    contact_name = StringField(
        "Votre prénom et nom",
        filters=[trim],
        validators=[DataRequired("Indiquez votre prénom et votre nom."), max_length(200)],
    )
    contact_email = StringField(
        "Votre adresse électronique professionnelle",
        filters=[trim],
        description="Le jeton y sera envoyé.",
        validators=[
            DataRequired("Indiquez votre adresse électronique."),
            Length(max=254, message="L’adresse est trop longue."),
            Email(EMAIL_MESSAGE, check_deliverability=False),
        ],
    )
    intended_use = TextAreaField(
        "Ce que vous voulez en faire",
        filters=[trim],
        description="Sur quelles pages, pour qui, quel widget (recherche ou estimation).",
        validators=[DataRequired("Dites en quelques mots l’usage prévu."), max_length(2000)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.origins: list[str] = []

    def validate_siret(self, field) -> None:
        """Spaces are allowed as typed (« 130 005 481 00010 »); shown back as typed."""
        if not re.fullmatch(r"\d{14}", clean_siret(field.data)):
            raise ValidationError("Un SIRET compte 14 chiffres.")

    @property
    def clean_siret(self) -> str:
        return clean_siret(self.siret.data or "")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.origins_text.data and not self.origins_text.errors:
            self.origins, errors = parse_origins(self.origins_text.data, https_only=True)
            self.origins_text.errors = [*self.origins_text.errors, *errors]
        return ok and not any(self.errors.values())


class ApprovalForm(FrenchForm):
    """An admin approves a request: the partner's name and the origins, as asked or changed."""

    name = StringField(
        "Nom du partenaire",
        filters=[trim],
        validators=[DataRequired("Indiquez le nom du partenaire."), max_length(200)],
    )
    origins_text = TextAreaField(
        "Sites autorisés à afficher le widget",
        filters=[trim],
        description="Ceux de la demande ; retirez ou corrigez ce qui ne convient pas.",
        validators=[DataRequired("Indiquez au moins un site."), max_length(4000)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.origins: list[str] = []

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.origins_text.data and not self.origins_text.errors:
            self.origins, errors = parse_origins(self.origins_text.data)
            self.origins_text.errors = [*self.origins_text.errors, *errors]
        return ok and not any(self.errors.values())


class DeclineForm(FrenchForm):
    reason = text_area(
        "Motif du refus (envoyé au demandeur)",
        limit=1000,
        required="Indiquez le motif du refus : il est envoyé au demandeur.",
    )
