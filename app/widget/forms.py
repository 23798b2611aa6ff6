"""Forms of the partner pages: a partner token (admin, POST with CSRF), its status, and the
snippet builder of /integrer (GET)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from markupsafe import escape
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from app.core.fields import CheckboxesField, max_length
from app.core.forms import FrenchForm, FrenchQueryForm, trim
from app.directory.forms import RADII
from app.directory.models import OFFER_KIND_LABELS
from app.geo import resolve_place
from app.widget.rules import clean_presets, parse_origins, widget_query

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
        attributes = " ".join(f'{name}="{escape(value)}"' for name, value in self._attributes())
        return f'<script src="{base_url}/static/js/embed.js" {attributes} async></script>'

    def preview_url(self) -> str:
        token = (self.token.data or "").strip()
        query = widget_query(self.presets) if self.widget.data == "recherche" else ""
        auth = urlencode({"token": token}) if token else "apercu=1"
        return f"/widget/{self.widget.data}?{auth}" + (f"&{query}" if query else "")
