"""The scenario form (POST, CSRF): a name, territories, a period and the AGE values to try.
French messages; what was typed is shown back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.core.fields import DATE_HINT, DateText, DecimalText, FrenchRadio
from app.core.forms import FrenchForm, trim
from app.core.french import format_number
from app.experiments.model import departement_names
from app.experiments.rules import OVERRIDES, Override
from app.experiments.services import period_problem

NAME_MAX = 120


def _field(override: Override):
    if override.kind == "bool":
        return FrenchRadio(
            override.label, choices=[SelectChoice("oui", "Oui"), SelectChoice("non", "Non")]
        )
    whole = override.kind == "int"
    low, high = format_number(override.low), format_number(override.high)
    unit = f" {override.unit}" if override.unit else ""
    message = f"Indiquez un nombre {'entier ' if whole else ''}entre {low} et {high}{unit}" + (
        ", par exemple 12." if whole else ", par exemple 1,3."
    )
    return DecimalText(
        override.label,
        message=message,
        low=override.low,
        high=override.high,
        filters=[trim],
        description=f"En {override.unit}." if override.unit and override.unit != "€" else "",
    )


class ScenarioForm(FrenchForm):
    name = StringField(
        "Nom du scénario",
        filters=[trim],
        validators=[
            DataRequired("Donnez un nom au scénario."),
            Length(max=NAME_MAX, message=f"{NAME_MAX} caractères au plus."),
        ],
        description="Par exemple : AGE élargie aux enfants de moins de 15 ans",
    )
    territoires = StringField(
        "Départements",
        filters=[trim],
        validators=[DataRequired("Indiquez au moins un département, par exemple 83.")],
        description="Codes des départements, séparés par des virgules : 83, 13",
    )
    debut = DateText(
        "Début de l’expérimentation", required="Indiquez la date de début.", description=DATE_HINT
    )
    fin = DateText(
        "Fin de l’expérimentation (dernier jour inclus)",
        required="Indiquez la date de fin.",
        description=DATE_HINT,
    )

    def __init__(self, *args: Any, allowed_codes: set[str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        #: The codes this person may choose (None: any département).
        self.allowed_codes = allowed_codes
        self.codes: tuple[str, ...] = ()

    def override_fields(self) -> list:
        return [self[o.key] for o in OVERRIDES]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for override in OVERRIDES:
            fld = self[override.key]
            if override.kind == "bool":
                if fld.data not in ("oui", "non"):
                    fld.errors = (
                        [*fld.errors, "Répondez oui ou non."] if not fld.errors else fld.errors
                    )
                    ok = False
                continue
            if (not fld.errors and fld.number is None) or (
                fld.number is not None
                and override.kind == "int"
                and fld.number != fld.number.to_integral_value()
            ):
                fld.errors = [fld.message]
                ok = False
        if self.territoires.data and not self.territoires.errors:
            codes = tuple(
                sorted(
                    {c.strip().upper() for c in self.territoires.data[:200].split(",") if c.strip()}
                )
            )
            names = departement_names()
            unknown = [c for c in codes if c not in names]
            if unknown:
                self.territoires.errors = [f"Département inconnu : {', '.join(unknown)}."]
                ok = False
            elif self.allowed_codes is not None and not set(codes) <= self.allowed_codes:
                mine = ", ".join(sorted(self.allowed_codes)) or "aucun"
                self.territoires.errors = [
                    f"Vous coordonnez seulement le département {mine} : retirez les autres."
                ]
                ok = False
            elif len(codes) > 10:
                self.territoires.errors = ["Dix départements au plus."]
                ok = False
            else:
                self.codes = codes
        if self.debut.date_value and self.fin.date_value:
            problem = period_problem(self.debut.date_value, self.fin.date_value)
            if problem:
                self.fin.errors = [*self.fin.errors, problem]
                ok = False
        return ok

    def overrides(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for override in OVERRIDES:
            fld = self[override.key]
            if override.kind == "bool":
                out[override.key] = fld.data == "oui"
            elif override.kind == "int":
                out[override.key] = int(fld.number)
            else:
                out[override.key] = fld.number
        return out

    def fill(self, values: dict[str, Any], **fixed: Any) -> None:
        """Show these values (a GET): the national ones or a draft's."""
        for override in OVERRIDES:
            value = values[override.key]
            self[override.key].data = (
                ("oui" if value else "non")
                if override.kind == "bool"
                else format_number(value if isinstance(value, Decimal | int) else Decimal(value))
            )
        for name, value in fixed.items():
            self[name].data = value


for _override in OVERRIDES:
    setattr(ScenarioForm, _override.key, _field(_override))


def iso(day: date) -> str:
    return day.isoformat()
