"""The base classes of our POST forms: every text a person sends loses its control characters
(NUL above all, which PostgreSQL refuses in text) before any validator or the database sees it.

Use :class:`FlaskForm` (with CSRF) for a page form and :class:`Form` for its sub-forms
(``FieldList(FormField(…))``), instead of the Flask-WTF / WTForms classes.
"""

from __future__ import annotations

import re

import flask_wtf
import wtforms

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value):
    """Drop control characters and count a line break as one character (as the browser's
    ``maxlength`` does); other values pass unchanged."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n"))


def trim(value):
    """Surrounding spaces removed (a field filter; :func:`clean_text` has already run)."""
    return value.strip() if isinstance(value, str) else value


class CleanTextMeta:
    """Puts :func:`clean_text` first in every field's filters."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        field.filters = (clean_text, *field.filters)
        return field


class Form(wtforms.Form):
    class Meta(CleanTextMeta):
        pass


class FlaskForm(flask_wtf.FlaskForm):
    class Meta(CleanTextMeta):
        pass
