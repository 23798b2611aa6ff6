"""The form-field kit: one field type per kind of answer, each reporting in French and keeping
what was typed so the form can show it back. Knows WTForms, not Flask.

Domain fields (hours, days of the week, kinds of care, places) live with their domain and build
on these.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.core.forms import trim
from app.core.french import parse_date_fr, parse_decimal_fr

#: What a select or a radio group says of a value not in its list.
NOT_IN_LIST = "Choisissez une réponse dans la liste."
#: The hint of a date typed by hand (the date input shows its own in most browsers).
DATE_HINT = "Exemple : 01/12/2026"
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def too_long(limit: int) -> str:
    """« 5 000 caractères au plus. » (the thousands with a no-break space)."""
    return f"{limit:,} caractères au plus.".replace(",", "\u00a0")


def max_length(limit: int) -> Length:
    """A length limit that says « N caractères au plus. »"""
    return Length(max=limit, message=too_long(limit))


def text_area(
    label: str, *, limit: int, required: str | None = None, description: str = ""
) -> TextAreaField:
    """A trimmed multi-line text of at most ``limit`` characters; ``required``: the message when
    left empty (optional otherwise)."""
    first = DataRequired(required) if required else Optional()
    return TextAreaField(
        label, description=description, filters=[trim], validators=[first, max_length(limit)]
    )


def _typed(field) -> str:
    return field.data.strip() if isinstance(field.data, str) else ""


class FrenchSelect(SelectField):
    """A select whose « not in the list » message is French; the value sent is kept (shown back).
    With ``validate_choice=False`` the form checks the value itself."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("invalid_choice_message", NOT_IN_LIST)
        kwargs.setdefault("invalid_value_message", NOT_IN_LIST)
        super().__init__(*args, **kwargs)


class FrenchRadio(RadioField):
    """A radio group: nothing sent keeps the default; a value not in the list is reported in
    French."""

    def pre_validate(self, form):
        if self.data not in (None, "", "None") and self.data not in {c.value for c in self.choices}:
            raise ValidationError(NOT_IN_LIST)

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = valuelist[0]


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes; values not in the list are named in the message."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
    unknown_message = "Choix inconnu : {}."

    def pre_validate(self, form):
        known = {choice.value for choice in self.choices}
        unknown = [v for v in (self.data or []) if v not in known]
        if unknown:
            raise ValidationError(self.gettext(self.unknown_message).format(", ".join(unknown)))


class DateText(StringField):
    """A date from a date input (« 2026-12-01 ») or typed « 1/12/2026 »; ``date_value`` once
    valid (the ``date`` macro shows it back). Optional unless ``required`` gives the message
    for a date left empty."""

    def __init__(self, label, required: str | None = None, **kwargs):
        super().__init__(label, **kwargs)
        self.required = required
        self.date_value: date | None = None

    def pre_validate(self, form):
        self.date_value = None
        text = _typed(self)[:40]
        if not text:
            if self.required:
                raise ValidationError(self.required)
            return
        try:
            value = parse_date_fr(text)
        except ValueError:
            raise ValidationError("Indiquez une date, par exemple 01/12/2026.") from None
        if not FIRST_DAY <= value <= LAST_DAY:
            raise ValidationError("Indiquez une date entre l’an 2000 et l’an 2100.")
        self.date_value = value


class DecimalText(StringField):
    """A number typed the French way (« 38,50 »), between ``low`` and ``high``; ``number`` once
    valid; the text typed is kept on error."""

    def __init__(self, label, *, message: str, low: Decimal, high: Decimal, **kwargs):
        super().__init__(label, **kwargs)
        self.message, self.low, self.high = message, low, high
        self.number: Decimal | None = None

    def pre_validate(self, form):
        self.number = None
        text = _typed(self)
        if not text:
            return
        if len(text) > 20:
            raise ValidationError(self.message)
        try:
            number = parse_decimal_fr(text)
        except ValueError:
            raise ValidationError(self.message) from None
        if not self.low <= number <= self.high:
            raise ValidationError(self.message)
        self.number = number


class WholeNumberText(StringField):
    """A whole number typed in a text input (« 35 »), between ``low`` and ``high``; ``number``
    once valid (None when left empty and optional); the text typed is kept on error."""

    def __init__(self, label, *, message: str, low: int, high: int, required: bool = False, **kw):
        super().__init__(label, **kw)
        self.message, self.low, self.high, self.required = message, low, high, required
        self.number: int | None = None

    def pre_validate(self, form):
        self.number = None
        text = _typed(self).replace("\u00a0", "").replace(" ", "")
        if not text:
            if self.required:
                raise ValidationError(self.message)
            return
        if len(text) > 6 or not text.isascii() or not text.isdigit():
            raise ValidationError(self.message)
        number = int(text)
        if not self.low <= number <= self.high:
            raise ValidationError(self.message)
        self.number = number


class VersionField(HiddenField):
    """The version of the object the page showed (for « someone answered meanwhile »)."""

    def pre_validate(self, form):
        if not (self.data or "").isascii() or not (self.data or "").isdigit() or len(self.data) > 9:
            raise ValidationError("Le formulaire est incomplet : rechargez la page.")

    @property
    def number(self) -> int:
        return int(self.data)
