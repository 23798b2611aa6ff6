"""The offer form's rows: the weekly opening slots, the closures and the course sessions, which
buttons add and remove (with or without JavaScript), and their checks."""

from __future__ import annotations

from datetime import time
from typing import Any

from wtforms import FieldList, StringField
from wtforms.fields.choices import SelectChoice

from app.core.fields import FrenchSelect
from app.core.forms import FrenchSubForm, trim
from app.directory import hours
from app.management.answers import AnswerReader
from app.management.presenters import HoursOverview, hours_overview

MAX_SLOTS = 42
MAX_CLOSURES = 30
MAX_SESSIONS = 20

WEEKDAY_CHOICES = [SelectChoice("", "Choisissez un jour")] + [
    SelectChoice(str(i), day.capitalize()) for i, day in enumerate(hours.WEEKDAYS_FR)
]

#: The buttons that add or remove a row: name → (list, part of the form to show again).
ROW_BUTTONS = {
    "ajouter_creneau": ("slots", "horaires"),
    "retirer_creneau": ("slots", "horaires"),
    "importer_osm": ("slots", "horaires"),
    "ajouter_fermeture": ("closures", "horaires"),
    "retirer_fermeture": ("closures", "horaires"),
    "ajouter_session": ("sessions", "sessions"),
    "retirer_session": ("sessions", "sessions"),
}


class SlotForm(FrenchSubForm):
    weekday = FrenchSelect("Jour", choices=WEEKDAY_CHOICES, default="", validate_choice=False)
    opens = StringField("Ouverture", filters=[trim])
    closes = StringField("Fermeture", filters=[trim])


class ClosureForm(FrenchSubForm):
    start = StringField("Du", filters=[trim])
    end = StringField("Au", filters=[trim])
    reason = StringField("Motif (facultatif)", filters=[trim])


class SessionForm(FrenchSubForm):
    start = StringField("Début", filters=[trim])
    end = StringField("Fin (facultatif)", filters=[trim])
    places = StringField("Nombre de places (facultatif)", filters=[trim])
    application_deadline = StringField("Date limite de candidature (facultatif)", filters=[trim])


def time_text(value: time, *, closing: bool = False) -> str:
    """« 7:30 »; a closing at midnight is « 24:00 »."""
    if closing and value == time(0, 0):
        return "24:00"
    return f"{value.hour}:{value.minute:02d}"


class OfferRows(AnswerReader):
    """The rows part of :class:`app.management.forms.OfferForm` (a mixin: the form declares
    the ``slots``, ``closures``, ``sessions`` and ``osm`` fields)."""

    slots: Any
    closures: Any
    osm: Any
    added: str | None

    # -- rows -----------------------------------------------------------------------------------

    @staticmethod
    def row_action(formdata) -> tuple[str, str] | None:
        """(button, part) when a button adding or removing a row was pressed."""
        for name, (_, part) in ROW_BUTTONS.items():
            if name in formdata:
                return name, part
        return None

    def edit_rows(self, formdata) -> str | None:
        """Apply the add/remove/import button pressed, if any; return the part of the form it
        changed (« horaires » or « sessions »), else None."""
        action = self.row_action(formdata)
        if action is None:
            return None
        name, part = action
        rows: FieldList = getattr(self, ROW_BUTTONS[name][0])
        if name.startswith("ajouter_"):
            if len(rows.entries) < rows.max_entries:
                rows.append_entry(self._next_row(rows))
                self.added = rows.name
        elif name.startswith("retirer_"):
            value = formdata.get(name, "")
            index = int(value) if value.isdigit() else -1
            if 0 <= index < len(rows.entries):
                kept = [entry.data for i, entry in enumerate(rows.entries) if i != index]
                self._refill(rows, kept)
        elif name == "importer_osm":
            self._import_osm()
        return part

    def _next_row(self, rows: FieldList) -> dict:
        """A new slot copies the times of the one before, on the next day."""
        if rows.name != "slots" or not rows.entries:
            return {}
        last = rows.entries[-1]
        day = last.weekday.data or ""
        return {
            "weekday": str((int(day) + 1) % 7) if day.isdigit() and int(day) < 7 else "",
            "opens": last.opens.data or "",
            "closes": last.closes.data or "",
        }

    @staticmethod
    def _refill(rows: FieldList, data: list[dict]) -> None:
        rows.entries, rows.last_index = [], -1
        for item in data:
            rows.append_entry(item)

    def _import_osm(self) -> None:
        text = (self.osm.data or "")[:500]
        try:
            slots = hours.from_osm(text)
        except ValueError as error:
            self.osm.errors = [str(error)]
            return
        if len(slots) > MAX_SLOTS:
            self.osm.errors = [f"Au plus {MAX_SLOTS} créneaux."]
            return
        self._refill(
            self.slots,
            [
                {
                    "weekday": str(s.weekday),
                    "opens": time_text(s.opens),
                    "closes": time_text(s.closes, closing=True),
                }
                for s in slots
            ],
        )

    # -- checking -------------------------------------------------------------------------------

    def _check_slots(self) -> list[hours.Slot]:
        found: list[tuple[int, hours.Slot]] = []
        for number, entry in enumerate(self.slots.entries, start=1):
            if not (entry.weekday.data or entry.opens.data or entry.closes.data):
                continue  # an empty row is ignored
            day = entry.weekday.data or ""
            if not day:
                entry.weekday.errors = ["Choisissez le jour."]
            elif not (day.isdigit() and int(day) < 7):
                entry.weekday.errors = ["Choisissez un jour dans la liste."]
            opens = self._time(entry.opens, "Indiquez l’heure d’ouverture, par exemple 7:30.")
            closes = self._time(entry.closes, "Indiquez l’heure de fermeture, par exemple 18:30.")
            if entry.weekday.errors or opens is None or closes is None:
                continue
            try:
                slot = hours.Slot(int(day), opens, closes)
            except ValueError as error:
                entry.closes.errors = [str(error)]
                continue
            for other_number, other in found:
                if hours.slots_overlap(slot, other):
                    day_name = hours.WEEKDAYS_FR[other.weekday]
                    span = hours.format_range_fr(other.opens, other.closes)
                    entry.opens.errors = [
                        f"Ce créneau chevauche le créneau {other_number} ({day_name} {span})."
                    ]
                    break
            else:
                found.append((number, slot))
        return [slot for _, slot in found]

    def _check_closures(self) -> list[hours.Closure]:
        found = []
        for entry in self.closures.entries:
            if not (entry.start.data or entry.end.data or entry.reason.data):
                continue
            start = self._date(entry.start)
            end = self._date(entry.end)
            if start is None and not entry.start.errors:
                entry.start.errors = [
                    "Indiquez le premier jour de fermeture, par exemple 24/12/2026."
                ]
            if end is None and not entry.end.errors:
                entry.end.errors = [
                    "Indiquez le dernier jour de fermeture, par exemple 02/01/2027."
                ]
            reason = self._text(entry.reason, 200)
            if start is None or end is None or entry.reason.errors:
                continue
            if end < start:
                entry.end.errors = ["Le dernier jour doit être le premier jour ou après."]
                continue
            found.append(hours.Closure(start, end, reason))
        return found

    def hours_overview(self) -> HoursOverview:
        """What the valid rows amount to (the summary shown under the hours)."""
        slots = []
        for entry in self.slots.entries:
            day = entry.weekday.data or ""
            try:
                slots.append(
                    hours.Slot(
                        int(day),
                        hours.parse_time(entry.opens.data or ""),
                        hours.parse_time(entry.closes.data or ""),
                    )
                )
            except (ValueError, TypeError):
                continue
        return hours_overview(slots)
