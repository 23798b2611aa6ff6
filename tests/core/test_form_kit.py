"""The form kit (app/core/fields.py, app/core/forms.py): WTForms' own messages in French, one
field type per kind of answer."""

from __future__ import annotations

from datetime import date

from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from app.core.fields import (
    NOT_IN_LIST,
    CheckboxesField,
    DateText,
    FrenchSelect,
    max_length,
    text_area,
)
from app.core.forms import FrenchForm, FrenchQueryForm, FrenchSubForm


class Sample(FrenchSubForm):
    name = StringField("Nom", validators=[Length(max=3)])
    short = StringField("Court", validators=[max_length(5000)])
    kind = FrenchSelect("Type", choices=[SelectChoice("", "Choisissez"), SelectChoice("a", "A")])
    free = FrenchSelect("Libre", choices=[SelectChoice("", "Choisissez")], validate_choice=False)
    start = DateText("Début", required="Indiquez le début.")
    end = DateText("Fin")
    tags = CheckboxesField("Étiquettes", choices=[SelectChoice("x", "X")])
    note = text_area("Note", limit=10, required="Écrivez une note.")


def test_wtforms_messages_are_french_and_ours_stay_ours():
    form = Sample(
        MultiDict(
            [
                ("name", "abcd\x00"),
                ("short", "é" * 5001),
                ("kind", "z"),
                ("free", "z"),
                ("end", "31/02/2026"),
                ("tags", "y"),
                ("note", "  "),
            ]
        )
    )
    assert not form.validate()
    assert form.name.data == "abcd"  # control characters dropped
    assert form.name.errors == ["Le champ ne peut pas contenir plus de 3 caractères."]
    assert form.short.errors == ["5\u00a0000 caractères au plus."]
    assert form.kind.errors == [NOT_IN_LIST]
    assert form.free.errors == [] and form.free.data == "z"  # kept, the form checks it
    assert form.start.errors == ["Indiquez le début."]
    assert form.end.errors == ["Indiquez une date, par exemple 01/12/2026."]
    assert form.tags.errors == ["Choix inconnu : y."]
    assert form.note.errors == ["Écrivez une note."]


def test_a_date_is_read_typed_or_from_a_date_input():
    form = Sample(MultiDict([("start", " 1/12/2026 "), ("end", "1999-12-31")]))
    form.validate()
    assert form.start.date_value == date(2026, 12, 1) and not form.start.errors
    assert form.end.errors == ["Indiquez une date entre l’an 2000 et l’an 2100."]


def test_a_query_form_keeps_what_was_typed():
    class Query(FrenchQueryForm):
        q = StringField("Mots-clés", validators=[Length(max=2)])

    form = Query(MultiDict([("q", "nul\x00octet")]))
    assert not form.validate()
    assert form.q.data == "nul\x00octet"
    assert form.q.errors == ["Le champ ne peut pas contenir plus de 2 caractères."]


def test_a_page_form_speaks_french_inside_flask(app):
    class Page(FrenchForm):
        name = StringField("Nom", validators=[Length(max=3)])

    with app.test_request_context(method="POST", data={"name": "abcd"}):
        form = Page(meta={"csrf": False})
        assert not form.validate()
        assert form.name.errors == ["Le champ ne peut pas contenir plus de 3 caractères."]
