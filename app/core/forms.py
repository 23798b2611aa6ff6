"""The base classes of our forms: WTForms' own messages in French (its ``fr`` catalogue), and
every text a person sends loses its control characters (NUL above all, which PostgreSQL refuses
in text) before any validator or the database sees it.

Use :class:`FrenchForm` (with CSRF) for a page's POST form, :class:`FrenchSubForm` for its
sub-forms (``FieldList(FormField(…))``) and :class:`FrenchQueryForm` for a GET form (a search:
no CSRF, what was typed kept as typed), never the Flask-WTF / WTForms classes. The field types
themselves are in :mod:`app.core.fields`.
"""

from __future__ import annotations

import re

import flask_wtf
import wtforms
from wtforms.meta import DefaultMeta

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: The locales asked of WTForms' message catalogue.
LOCALES = ("fr_FR", "fr")


def clean_text(value):
    """Drop control characters and count a line break as one character (as the browser's
    ``maxlength`` does); other values pass unchanged."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n"))


def trim(value):
    """Surrounding spaces removed (a field filter; :func:`clean_text` has already run)."""
    return value.strip() if isinstance(value, str) else value


class FrenchMeta(DefaultMeta):
    """Reads WTForms' messages from its French catalogue (Flask-WTF would otherwise ask
    Flask-Babel, which the app does not run, and leave them in English)."""

    locales = LOCALES

    def get_translations(self, form):
        return DefaultMeta.get_translations(self, form)


class CleanTextMeta(FrenchMeta):
    """Also puts :func:`clean_text` first in every field's filters."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        field.filters = (clean_text, *field.filters)
        return field


class FrenchForm(flask_wtf.FlaskForm):
    class Meta(CleanTextMeta):
        pass


class FrenchSubForm(wtforms.Form):
    class Meta(CleanTextMeta):
        pass


class FrenchQueryForm(wtforms.Form):
    class Meta(FrenchMeta):
        pass
