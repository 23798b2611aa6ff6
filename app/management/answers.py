"""Reading a hand-checked form's answers: each reader gives the value (or None, or "") and puts
a French message on the field at fault. Nothing raises, whatever was typed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, time
from typing import TYPE_CHECKING, Any

from wtforms import FieldList

from app.core.french import parse_date_fr
from app.directory import hours


class AnswerReader:
    """A mixin of a WTForms form whose answers are checked by hand (the offer form): with
    ``complete`` False (the inline check as one types), a missing answer is not reported."""

    complete: bool = True

    if TYPE_CHECKING:

        def __iter__(self) -> Iterator[Any]: ...

    def _reset_errors(self) -> None:
        for field in self._all_fields():
            field.errors = []

    def _all_fields(self):
        for field in self:
            if isinstance(field, FieldList):
                for entry in field.entries:
                    yield from entry
            else:
                yield field

    def _require(self, field, message: str) -> None:
        if self.complete and not field.errors:
            field.errors = [message]

    def _text(self, field, size: int, required: str | None = None) -> str:
        value = field.data if isinstance(field.data, str) else ""
        if len(value) > size:
            field.errors = [f"{size} caractères au plus (il y en a {len(value)})."]
            return ""
        if not value and required:
            self._require(field, required)
        return value

    def _choice(self, field, enum_cls, required: str):
        value = field.data or ""
        if not value:
            self._require(field, required)
            return None
        try:
            return enum_cls(value)
        except ValueError:
            field.errors = ["Choisissez une réponse dans la liste."]
            return None

    def _pattern(
        self, field, pattern: re.Pattern, size: int, message: str, upper: bool = False
    ) -> str:
        value = self._text(field, size)
        if upper:
            value = value.upper().replace(" ", "")
        if value and not field.errors and not pattern.fullmatch(value):
            field.errors = [message]
            return ""
        return value

    def _int(
        self, field, low: int, high: int, message: str, required: str | None = None
    ) -> int | None:
        value = (field.data or "").replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        if not value:
            if required:
                self._require(field, required)
            return None
        if (
            not value.isascii()
            or not value.isdigit()
            or len(value) > 6
            or not low <= int(value) <= high
        ):
            field.errors = [message]
            return None
        return int(value)

    def _date(self, field, required: str | None = None) -> date | None:
        value = field.data or ""
        if not value:
            if required:
                self._require(field, required)
            return None
        try:
            day = parse_date_fr(value[:40])
        except ValueError:
            field.errors = ["Indiquez une date, par exemple 01/12/2026."]
            return None
        if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
            field.errors = ["Indiquez une date entre l’an 2000 et l’an 2100."]
            return None
        return day

    def _time(self, field, required: str) -> time | None:
        value = field.data or ""
        if not value:
            field.errors = [required]
            return None
        try:
            return hours.parse_time(value[:40])
        except ValueError as error:
            field.errors = [str(error)]
            return None

    # -- what the page shows ----------------------------------------------------------------------

    def error_list(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for every problem, in the order of the form."""
        problems = []
        for field in self:
            if isinstance(field, FieldList):
                row_label = {"slots": "Créneau", "closures": "Fermeture", "sessions": "Session"}[
                    field.name
                ]
                for number, entry in enumerate(field.entries, start=1):
                    for sub in entry:
                        for message in sub.errors:
                            label = sub.label.text
                            problems.append(
                                (
                                    sub.name,
                                    f"{row_label} {number}, {label[:1].lower()}{label[1:]}",
                                    message,
                                )
                            )
            else:
                for message in field.errors or ():
                    problems.append((field.name, field.label.text, message))
        return problems
