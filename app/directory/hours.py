"""Opening hours of childcare offers: pure rules, no I/O, stdlib only.

Time model
----------
* All times are local wall-clock times (Europe/Paris for the directory), at minute
  precision, without tzinfo.
* A :class:`Slot` is a weekly opening ``(weekday, opens, closes)``; weekday 0 = Monday.
  If ``closes <= opens`` the slot crosses midnight and ends the next day at
  ``closes`` (Sunday slots wrap to Monday). ``closes == time(0, 0)`` means midnight.
  ``opens == closes`` is only allowed for ``00:00–00:00``, which means "open the
  whole day" (24 h); any other equal pair is rejected (zero length / ambiguous).
* The week is handled as minutes in ``[0, 10080)``; Monday 00:00 is minute 0.

French typography
-----------------
User-facing strings use U+00A0 (no-break space, ``NBSP``) between the number and
« h » and between « h » and the minutes (« 5 h 30 »), before the en dash of a range
and before « (lendemain) » (« 21 h 00 – 6 h 00 (lendemain) »; the space after the
dash is a normal space so that a long range may wrap there), before « : » and
inside guillemets. Apostrophes are U+2019 (« aujourd’hui »).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from app.core.french import MONTHS_FR

__all__ = [
    "BLOCK_MINUTES",
    "DAY_MINUTES",
    "EARLY_BEFORE",
    "LATE_AFTER",
    "MIDNIGHT",
    "NBSP",
    "NEXT_OPENING_HORIZON",
    "NIGHT_END",
    "NIGHT_START",
    "OSM_DAYS",
    "WEEKDAYS_FR",
    "WEEK_MINUTES",
    "Closure",
    "HoursSummary",
    "Slot",
    "coverage_masks",
    "coverage_tokens",
    "covers",
    "describe_next_opening",
    "format_range_fr",
    "format_time_fr",
    "from_osm",
    "is_closed_on",
    "join_day_runs",
    "masks_cover",
    "needed_masks",
    "needed_tokens",
    "next_opening",
    "parse_time",
    "summarize",
    "to_osm",
    "week_intervals",
    "weekly_table",
    "weekly_text",
]

WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")

NBSP = "\u00a0"
DAY_MINUTES = 24 * 60
WEEK_MINUTES = 7 * DAY_MINUTES
MIDNIGHT = time(0, 0)

# Thresholds of the derived flags (see ``summarize``).
EARLY_BEFORE = time(7, 30)
LATE_AFTER = time(19, 0)
NIGHT_START = time(22, 0)
NIGHT_END = time(5, 0)

# Full-text index encoding (see ``coverage_tokens`` / ``needed_tokens``).
BLOCK_MINUTES = 30

# ``next_opening`` looks this far ahead.
NEXT_OPENING_HORIZON = timedelta(weeks=8)
_LOOKBACK_DAYS = 7


def _q(text: object) -> str:
    """Quote with French guillemets and no-break spaces."""
    return f"«{NBSP}{text}{NBSP}»"


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _span_minutes(start: time, end: time) -> int | None:
    """Length in minutes of [start, end) where end <= start means "next day".

    ``00:00–00:00`` is a whole day (1440). Any other ``start == end`` is invalid
    and returns None.
    """
    s, e = _minutes(start), _minutes(end)
    if e > s:
        return e - s
    if e == s:
        return DAY_MINUTES if s == 0 else None
    return e + DAY_MINUTES - s


def _check_time(value: object, label: str) -> None:
    if not isinstance(value, time):
        raise TypeError(f"{label} doit être un datetime.time, pas {type(value).__name__}")
    if value.tzinfo is not None:
        raise ValueError(f"{label}{NBSP}: l’heure doit être locale, sans fuseau horaire.")
    if value.second or value.microsecond:
        raise ValueError(f"{label}{NBSP}: l’heure doit être à la minute près ({value}).")


def _check_weekday(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise ValueError(
            f"Jour invalide{NBSP}: {_q(value)}. Attendu un entier de 0 (lundi) à 6 (dimanche)."
        )
    return value


# --------------------------------------------------------------------------- slots


@dataclass(frozen=True, order=True)
class Slot:
    """A weekly opening slot; ``closes <= opens`` means it ends the next day."""

    weekday: int
    opens: time
    closes: time

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ValueError (French message) if the slot is invalid."""
        _check_weekday(self.weekday)
        _check_time(self.opens, "Heure d’ouverture")
        _check_time(self.closes, "Heure de fermeture")
        if _span_minutes(self.opens, self.closes) is None:
            raise ValueError(
                f"Créneau invalide le {WEEKDAYS_FR[self.weekday]}{NBSP}: l’heure de fermeture "
                f"est égale à l’heure d’ouverture ({format_time_fr(self.opens)}). "
                f"Pour une ouverture 24{NBSP}h/24, indiquez 0{NBSP}h{NBSP}00 – minuit."
            )

    @property
    def duration_minutes(self) -> int:
        span = _span_minutes(self.opens, self.closes)
        assert span is not None  # guaranteed by validate()
        return span

    @property
    def start_of_week(self) -> int:
        """Minute of the week (Monday 00:00 = 0) at which the slot opens."""
        return self.weekday * DAY_MINUTES + _minutes(self.opens)

    @property
    def ends_next_day(self) -> bool:
        """True if the slot goes on after midnight (a slot closing at midnight does not)."""
        return _minutes(self.opens) + self.duration_minutes > DAY_MINUTES


def _merge(intervals: Iterable[tuple]) -> list[tuple]:
    """Merge overlapping or adjacent half-open intervals."""
    merged: list[list] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1][1] = b
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def _split_week(a: int, b: int) -> list[tuple[int, int]]:
    """Split [a, b) (0 <= a < WEEK, b <= a + WEEK) at the end of the week."""
    if b <= WEEK_MINUTES:
        return [(a, b)]
    return [(a, WEEK_MINUTES), (0, b - WEEK_MINUTES)]


def slots_overlap(a: Slot, b: Slot) -> bool:
    """True when two slots share a minute of the week (touching ends do not)."""
    a_parts = _split_week(a.start_of_week, a.start_of_week + a.duration_minutes)
    b_parts = _split_week(b.start_of_week, b.start_of_week + b.duration_minutes)
    return any(x1 < y2 and x2 < y1 for x1, y1 in a_parts for x2, y2 in b_parts)


def week_intervals(slots: Iterable[Slot]) -> list[tuple[int, int]]:
    """Merged opening intervals in minutes of the week, within [0, 10080).

    A slot spanning Sunday → Monday is split at the week boundary, so the result
    may start with ``(0, x)`` and end with ``(y, 10080)``.
    """
    raw: list[tuple[int, int]] = []
    for slot in slots:
        start = slot.start_of_week
        raw.extend(_split_week(start, start + slot.duration_minutes))
    return _merge(raw)


def _need_parts(days: Iterable[int], start: time, end: time) -> list[tuple[int, int]]:
    _check_time(start, "Début du besoin")
    _check_time(end, "Fin du besoin")
    span = _span_minutes(start, end)
    if span is None:
        raise ValueError(
            f"Besoin invalide{NBSP}: le début et la fin sont identiques ({format_time_fr(start)})."
        )
    parts: list[tuple[int, int]] = []
    for day in sorted({_check_weekday(d) for d in days}):
        a = day * DAY_MINUTES + _minutes(start)
        parts.extend(_split_week(a, a + span))
    return parts


def covers(slots: Iterable[Slot], days: Iterable[int], start: time, end: time) -> bool:
    """True iff, for every day in ``days``, the need [start, end) is entirely open.

    ``end <= start`` means the need ends the next day (21:00–05:00);
    ``00:00–00:00`` is a whole-day need. Adjacent slots join (06:00–12:00 +
    12:00–19:00, or Mon 18:00–00:00 + Tue 00:00–06:00). No days → True.
    """
    intervals = week_intervals(slots)
    return all(
        any(x <= a and b <= y for x, y in intervals) for a, b in _need_parts(days, start, end)
    )


# ------------------------------------------------------------------ index tokens


def _block_token(block: int) -> str:
    weekday, minute = divmod(block * BLOCK_MINUTES, DAY_MINUTES)
    return f"{weekday}h{minute // 60:02d}{minute % 60:02d}"


def _covered_blocks(slots: Iterable[Slot]) -> Iterator[int]:
    """Week blocks (0–335) that are entirely open."""
    for a, b in week_intervals(slots):
        yield from range(math.ceil(a / BLOCK_MINUTES), b // BLOCK_MINUTES)


def _needed_blocks(days: Iterable[int], start: time, end: time) -> Iterator[int]:
    """Week blocks a need touches (start floored, end ceiled)."""
    for a, b in _need_parts(days, start, end):
        yield from range(a // BLOCK_MINUTES, math.ceil(b / BLOCK_MINUTES))


def coverage_tokens(slots: Iterable[Slot]) -> set[str]:
    """One token per 30-minute block of the week that is ENTIRELY open.

    Token ``f"{weekday}h{hhmm}"``: "0h0530" = Monday 05:30–06:00 is open.
    """
    return {_block_token(block) for block in _covered_blocks(slots)}


def needed_tokens(days: Iterable[int], start: time, end: time) -> set[str]:
    """Tokens of every block the need touches (start floored, end ceiled).

    ``needed_tokens(...) <= coverage_tokens(slots)`` implies ``covers(...)``;
    the converse holds when ``start`` and ``end`` are on 30-minute boundaries.
    """
    return {_block_token(block) for block in _needed_blocks(days, start, end)}


BLOCKS_PER_DAY = DAY_MINUTES // BLOCK_MINUTES


def _masks(blocks: Iterable[int]) -> tuple[int, ...]:
    masks = [0] * 7
    for block in blocks:
        day, index = divmod(block % (7 * BLOCKS_PER_DAY), BLOCKS_PER_DAY)
        masks[day] |= 1 << index
    return tuple(masks)


def coverage_masks(slots: Iterable[Slot]) -> tuple[int, ...]:
    """The same blocks as :func:`coverage_tokens`, as one 48-bit mask per weekday
    (bit b = the half-hour starting at b × 30 minutes), for a cheap bitwise coverage test."""
    return _masks(_covered_blocks(slots))


def needed_masks(days: Iterable[int], start: time, end: time) -> tuple[int, ...]:
    """The blocks of :func:`needed_tokens` as per-weekday masks."""
    return _masks(_needed_blocks(days, start, end))


def masks_cover(have: Sequence[int], need: Sequence[int]) -> bool:
    """True iff every needed block is open: ``need ⊆ have`` day by day."""
    return all(n & h == n for h, n in zip(have, need, strict=False))


# ----------------------------------------------------------------------- summary


@dataclass(frozen=True)
class HoursSummary:
    early: bool
    late: bool
    night: bool
    weekend: bool
    open_days: tuple[int, ...]
    max_daily_amplitude_minutes: int
    # Derived (early or late or night or weekend), not an init argument.
    atypical: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "atypical", self.early or self.late or self.night or self.weekend)

    def labels_fr(self) -> list[str]:
        """Short French badges for the flags that are set."""
        labels = []
        if self.early:
            labels.append(f"Tôt le matin (avant {format_time_fr(EARLY_BEFORE)})")
        if self.late:
            labels.append(f"En soirée (après {format_time_fr(LATE_AFTER)})")
        if self.night:
            labels.append("La nuit")
        if self.weekend:
            labels.append("Le week-end")
        return labels


def summarize(slots: Iterable[Slot]) -> HoursSummary:
    """Derived flags, on calendar days.

    A flag is set if the place is open at any minute of the window, on any day:
    early = [00:00, 07:30), late = [19:00, 24:00), night = [22:00, 24:00) or
    [00:00, 05:00), weekend = Saturday or Sunday. The tail of a night slot counts
    for the calendar day it falls on (Fri 21:00–06:00 → open on Saturday, weekend).
    ``max_daily_amplitude_minutes``: per weekday, from the earliest opening to the
    latest closing among the slots STARTING that day (a night slot counts whole),
    capped at 1440.
    """
    slots = set(slots)
    intervals = week_intervals(slots)

    def open_during(a: int, b: int) -> bool:
        return any(x < b and a < y for x, y in intervals)

    def any_day(start_minute: int, end_minute: int) -> bool:
        return any(
            open_during(d * DAY_MINUTES + start_minute, d * DAY_MINUTES + end_minute)
            for d in range(7)
        )

    by_day: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for slot in slots:
        o = _minutes(slot.opens)
        by_day[slot.weekday].append((o, o + slot.duration_minutes))
    amplitude = max(
        (
            min(DAY_MINUTES, max(e for _, e in spans) - min(o for o, _ in spans))
            for spans in by_day.values()
        ),
        default=0,
    )
    return HoursSummary(
        early=any_day(0, _minutes(EARLY_BEFORE)),
        late=any_day(_minutes(LATE_AFTER), DAY_MINUTES),
        night=any_day(_minutes(NIGHT_START), DAY_MINUTES) or any_day(0, _minutes(NIGHT_END)),
        weekend=open_during(5 * DAY_MINUTES, WEEK_MINUTES),
        open_days=tuple(d for d in range(7) if open_during(d * DAY_MINUTES, (d + 1) * DAY_MINUTES)),
        max_daily_amplitude_minutes=amplitude,
    )


# ---------------------------------------------------------------------- closures


@dataclass(frozen=True)
class Closure:
    """Exceptional closure, ``start`` and ``end`` inclusive."""

    start: date
    end: date
    reason: str = ""

    def __post_init__(self) -> None:
        for label, value in (("Début de fermeture", self.start), ("Fin de fermeture", self.end)):
            if isinstance(value, datetime) or not isinstance(value, date):
                raise TypeError(f"{label} doit être un datetime.date.")
        if self.end < self.start:
            raise ValueError(
                f"Fermeture invalide{NBSP}: la fin ({self.end:%d/%m/%Y}) précède "
                f"le début ({self.start:%d/%m/%Y})."
            )


def is_closed_on(closures: Iterable[Closure], day: date) -> bool:
    if isinstance(day, datetime):
        day = day.date()
    return any(c.start <= day <= c.end for c in closures)


# ------------------------------------------------------------------ next opening


def _next_opening(
    slots: Iterable[Slot], now: datetime, closures: Iterable[Closure]
) -> tuple[datetime, datetime, bool] | None:
    """(start, end, reaches_horizon) of the current or next merged opening."""
    by_weekday: dict[int, list[Slot]] = defaultdict(list)
    for slot in set(slots):
        by_weekday[slot.weekday].append(slot)
    if not by_weekday:
        return None
    closures = tuple(closures)
    today = now.date()
    first_day = today - timedelta(days=_LOOKBACK_DAYS)
    last_day = (now + NEXT_OPENING_HORIZON).date()
    window_end = datetime.combine(last_day + timedelta(days=1), MIDNIGHT, tzinfo=now.tzinfo)
    occurrences = []
    day = first_day
    while day <= last_day:
        if not is_closed_on(closures, day):
            for slot in by_weekday.get(day.weekday(), ()):
                start = datetime.combine(day, slot.opens, tzinfo=now.tzinfo)
                occurrences.append((start, start + timedelta(minutes=slot.duration_minutes)))
        day += timedelta(days=1)
    for start, end in _merge(occurrences):
        if end <= now:
            continue
        if start > now + NEXT_OPENING_HORIZON:
            return None
        return start, end, end >= window_end
    return None


def next_opening(
    slots: Iterable[Slot], now: datetime, closures: Iterable[Closure] = ()
) -> tuple[datetime, datetime] | None:
    """The opening interval containing ``now`` (start may be in the past), else the
    next one starting within 8 weeks; None if there is none.

    Adjacent/overlapping occurrences are merged (Mon 18:00–00:00 + Tue 00:00–06:00
    → one interval). An occurrence is skipped when the day it STARTS on is a
    closure day (its after-midnight tail goes with it). Wall-clock arithmetic; the
    result carries ``now.tzinfo``. For a place open without interruption, start is
    clipped 7 days back and end at the end of the 8-week horizon.
    """
    result = _next_opening(slots, now, closures)
    return None if result is None else result[:2]


def _date_fr(day: date) -> str:
    number = "1er" if day.day == 1 else str(day.day)
    return f"{WEEKDAYS_FR[day.weekday()]} {number} {MONTHS_FR[day.month - 1]}"


def _when_fr(moment: datetime, now: datetime, *, closing: bool) -> str:
    """« aujourd’hui à 7 h 30 », « demain à … », « lundi à … », « le lundi 4 janvier à … ».

    For a closing at midnight, the previous day is named with « minuit ».
    """
    day, clock = moment.date(), format_time_fr(moment.time())
    if closing and moment.time() == MIDNIGHT:
        day, clock = day - timedelta(days=1), "minuit"
    delta = (day - now.date()).days
    if delta == 0:
        return clock if closing else f"aujourd’hui à {clock}"
    if delta == 1:
        return f"demain {clock}" if closing else f"demain à {clock}"
    if 2 <= delta <= 6:
        return (
            f"{WEEKDAYS_FR[day.weekday()]} {clock}"
            if closing
            else (f"{WEEKDAYS_FR[day.weekday()]} à {clock}")
        )
    return f"le {_date_fr(day)} à {clock}"


def describe_next_opening(
    slots: Iterable[Slot], now: datetime, closures: Iterable[Closure] = ()
) -> str:
    """French one-liner: « Ouvert maintenant, jusqu’à 19 h 00 », « Ouvre demain à 5 h 30 »…"""
    slots = list(slots)
    if not slots:
        return "Horaires non renseignés"
    result = _next_opening(slots, now, closures)
    if result is None:
        return "Aucune ouverture prévue dans les 8 prochaines semaines"
    start, end, reaches_horizon = result
    if start <= now:
        if reaches_horizon:
            return f"Ouvert maintenant, 24{NBSP}h/24"
        until = _when_fr(end, now, closing=True)
        if until.startswith("le "):
            return f"Ouvert maintenant, jusqu’au {until[3:]}"
        return f"Ouvert maintenant, jusqu’à {until}"
    return f"Ouvre {_when_fr(start, now, closing=False)}"


# -------------------------------------------------------------------- formatting


def format_time_fr(t: time, *, closing: bool = False) -> str:
    """« 5 h 30 », « 19 h 00 », « 0 h 00 »; « minuit » for midnight if ``closing``."""
    if closing and t.hour == 0 and t.minute == 0:
        return "minuit"
    return f"{t.hour}{NBSP}h{NBSP}{t.minute:02d}"


def format_range_fr(opens: time, closes: time) -> str:
    """« 7 h 30 – 19 h 00 », « 21 h 00 – 6 h 00 (lendemain) », « 18 h 00 – minuit »."""
    span = _span_minutes(opens, closes)
    if span is None:
        raise ValueError(
            f"Plage invalide{NBSP}: ouverture et fermeture identiques ({format_time_fr(opens)})."
        )
    text = f"{format_time_fr(opens)}{NBSP}– {format_time_fr(closes, closing=True)}"
    if _minutes(opens) + span > DAY_MINUTES:
        text += f"{NBSP}(lendemain)"
    return text


def weekly_table(slots: Iterable[Slot]) -> list[tuple[str, list[str]]]:
    """[(« lundi », [« 7 h 30 – 19 h 00 », …]), …] for the 7 days; [] = closed.

    A slot is listed on the day it starts, duplicates removed, sorted by opening.
    """
    by_day: dict[int, list[Slot]] = defaultdict(list)
    for slot in sorted(set(slots)):
        by_day[slot.weekday].append(slot)
    return [
        (WEEKDAYS_FR[d], [format_range_fr(s.opens, s.closes) for s in by_day.get(d, [])])
        for d in range(7)
    ]


def weekly_text(slots: Iterable[Slot]) -> str:
    """« du lundi au vendredi 7 h 00 – 19 h 00 ; samedi 8 h 00 – 12 h 00 »: following days with
    the same hours said once; « » when never open."""
    runs: list[tuple[list[str], list[str]]] = []
    for day, ranges in weekly_table(slots):
        if runs and ranges and runs[-1][1] == ranges:
            runs[-1][0].append(day)
        else:
            runs.append(([day], ranges))
    return " ; ".join(
        (f"du {days[0]} au {days[-1]}" if len(days) > 2 else " et ".join(days))
        + f" {', '.join(ranges)}"
        for days, ranges in runs
        if ranges
    )


# « 5:30 », « 5h30 », « 5 h 30 », « 5.30 », « 5,30 », « 5 30 », « 5h », « 14 »: hour, then minutes
# after a separator. « 530 », « 0530 », « 1400 »: the digits a phone's keypad types, HHMM.
_TIME_RE = re.compile(r"(\d{1,2})(?:\s*[:.,]\s*(\d{2})|\s*[hH]\s*(\d{2})?|\s+(\d{2}))?")
_DIGITS_RE = re.compile(r"(\d{1,2})(\d{2})")
_TIME_WORDS = {"minuit": MIDNIGHT, "midi": time(12, 0)}


def _hour_minute(text: str) -> tuple[int, int] | None:
    match = _TIME_RE.fullmatch(text)
    if match:
        return int(match.group(1)), int(match.group(2) or match.group(3) or match.group(4) or 0)
    match = _DIGITS_RE.fullmatch(text)
    if match:
        return int(match.group(1)), int(match.group(2))
    return None


def parse_time(text: str) -> time:
    """Parse what a person or a phone's keypad types: « 5:30 », « 05:30 », « 5h30 »,
    « 5 h 30 », « 5h », « 14h », « 14 », « 5.30 », « 5,30 », « 5 30 », « 530 », « 0530 »,
    « 1400 », « minuit », « midi »; « 24:00 » (or « 2400 ») → time(0, 0). Anything else, an
    hour past 24 or minutes past 59 (« 2460 », « 25 », « 5:75 ») → ValueError in French."""
    if not isinstance(text, str):
        raise TypeError("parse_time attend une chaîne de caractères.")
    normalized = text.replace(NBSP, " ").replace("\u202f", " ").strip()
    if normalized.lower() in _TIME_WORDS:
        return _TIME_WORDS[normalized.lower()]
    parts = _hour_minute(normalized)
    if parts:
        hour, minute = parts
        if minute <= 59 and (hour <= 23 or (hour == 24 and minute == 0)):
            return time(hour % 24, minute)
    shown = text if len(text) <= 40 else text[:40] + "…"
    raise ValueError(f"Heure invalide{NBSP}: {_q(shown)}. Utilisez le format 7:30.")


# ------------------------------------------------------------------ OSM format


def _osm_time(t: time, *, closing: bool) -> str:
    if closing and t == MIDNIGHT:
        return "24:00"
    return f"{t.hour:02d}:{t.minute:02d}"


def join_day_runs(days: Iterable[int], names: Sequence[str], dash: str, sep: str) -> str:
    """Days (in order) by name, a run of three days or more as its first and last:
    ([0, 1, 2, 3, 4], OSM_DAYS, "-", ",") → "Mo-Fr"; ([0, 2], …) → "Mo,We"."""
    runs: list[list[int]] = []
    for d in days:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{names[run[0]]}{dash}{names[run[-1]]}")
        else:
            parts.extend(names[d] for d in run)
    return sep.join(parts)


def _osm_days(days: list[int]) -> str:
    """[0, 1, 2, 3, 4] → "Mo-Fr"; [5, 6] → "Sa,Su"; [0, 2] → "Mo,We"."""
    return join_day_runs(days, OSM_DAYS, "-", ",")


def to_osm(slots: Iterable[Slot]) -> str:
    """OSM ``opening_hours`` string, e.g. "Mo-Fr 05:30-20:00; Sa 08:00-12:00".

    Days with identical slots are grouped; a slot crossing midnight is written on
    its start day ("Mo 21:00-06:00"), a slot closing at midnight as "…-24:00".
    "24/7" when always open, "" when there are no slots.
    """
    slots = sorted(set(slots))
    if not slots:
        return ""
    if week_intervals(slots) == [(0, WEEK_MINUTES)]:
        return "24/7"
    ranges: dict[int, list[str]] = defaultdict(list)
    for slot in slots:
        ranges[slot.weekday].append(
            f"{_osm_time(slot.opens, closing=False)}-{_osm_time(slot.closes, closing=True)}"
        )
    groups: dict[tuple[str, ...], list[int]] = {}
    for d in range(7):
        if d in ranges:
            groups.setdefault(tuple(ranges[d]), []).append(d)
    return "; ".join(f"{_osm_days(days)} {','.join(rs)}" for rs, days in groups.items())


_OSM_RANGE_RE = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})")
_OSM_DAY_INDEX = {name.lower(): i for i, name in enumerate(OSM_DAYS)}


def _osm_error(part: str, detail: str = "") -> ValueError:
    message = f"Horaires au format OpenStreetMap non pris en charge{NBSP}: {_q(part)}."
    if detail:
        message += f" {detail}"
    return ValueError(message)


def _parse_osm_days(selector: str) -> list[int]:
    days: list[int] = []
    for item in selector.split(","):
        bounds = item.split("-")
        if len(bounds) > 2 or any(b.lower() not in _OSM_DAY_INDEX for b in bounds):
            raise _osm_error(
                item, "Jours attendus parmi Mo, Tu, We, Th, Fr, Sa, Su (ex. Mo-Fr ou Mo,We)."
            )
        first = _OSM_DAY_INDEX[bounds[0].lower()]
        last = _OSM_DAY_INDEX[bounds[-1].lower()]
        span = (last - first) % 7  # "Sa-Mo" wraps over Sunday
        days.extend((first + i) % 7 for i in range(span + 1))
    return days


def _parse_osm_range(part: str) -> tuple[time, time]:
    match = _OSM_RANGE_RE.fullmatch(part)
    if not match:
        raise _osm_error(part, "Plage attendue au format 08:00-18:00.")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59:
        raise _osm_error(part, "Heure hors limites.")
    start = h1 * 60 + m1
    end = h2 * 60 + m2
    if end > DAY_MINUTES:  # extended hours, "22:00-30:00" = 22:00-06:00
        end -= DAY_MINUTES
        if end >= start:
            raise _osm_error(part, "Une plage ne peut pas dépasser 24 heures.")
    elif end == DAY_MINUTES:
        end = 0
    opens, closes = time(start // 60, start % 60), time(end // 60, end % 60)
    if _span_minutes(opens, closes) is None:
        raise _osm_error(part, "Début et fin identiques.")
    return opens, closes


def from_osm(text: str) -> list[Slot]:
    """Parse the common subset of OSM ``opening_hours`` into sorted, unique slots.

    Supported: "24/7"; rules separated by ";"; day selectors "Mo", "Mo-Fr", "Mo,We",
    "Sa-Mo"; no selector = every day; time ranges "08:00-12:00,14:00-18:00",
    "21:00-06:00" (next day), "18:00-24:00", "22:00-30:00"; "off"/"closed";
    "PH off" is ignored. As in OSM, a later rule replaces the earlier ranges of the
    days it names. "" → []. Anything else → ValueError naming the bad part.
    """
    if not isinstance(text, str):
        raise TypeError("from_osm attend une chaîne de caractères.")
    by_day: dict[int, list[tuple[time, time]]] = {}
    for raw_rule in text.split(";"):
        rule = re.sub(r"\s*([,-])\s*", r"\1", " ".join(raw_rule.split()))
        if not rule:
            continue
        if rule == "24/7":
            by_day = {d: [(MIDNIGHT, MIDNIGHT)] for d in range(7)}
            continue
        words = rule.split(" ")
        if len(words) == 2 and words[0].upper() == "PH":
            if words[1].lower() in ("off", "closed"):
                continue
            raise _osm_error(
                raw_rule.strip(), f"Pour les jours fériés, seul {_q('PH off')} est pris en charge."
            )
        if len(words) == 1:
            selector, times_part = None, words[0]
        elif len(words) == 2:
            selector, times_part = words
        else:
            raise _osm_error(raw_rule.strip())
        if (
            selector is None
            and not times_part[:1].isdigit()
            and times_part.lower()
            not in (
                "off",
                "closed",
            )
        ):
            raise _osm_error(raw_rule.strip())
        days = list(range(7)) if selector is None else _parse_osm_days(selector)
        if times_part.lower() in ("off", "closed"):
            ranges: list[tuple[time, time]] = []
        else:
            ranges = [_parse_osm_range(part) for part in times_part.split(",")]
        for d in days:
            by_day[d] = list(ranges)
    return sorted({Slot(d, o, c) for d, ranges in by_day.items() for o, c in ranges})


_OSM_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_OSM_DAY_START = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su|PH)\b")
_OSM_MONTH_START = re.compile(rf"^({'|'.join(_OSM_MONTHS)})\b")


def _osm_rules(text: str) -> list[str]:
    """Rules of an ``opening_hours`` string: separated by ";", or by "," when what follows
    starts with a day (« Mo 07:30-18:30 open, Tu 07:30-18:30 open », as data·inclusion writes
    monenfant.fr's hours)."""
    rules: list[str] = []
    for part in text.split(";"):
        pieces = [p.strip() for p in part.split(",")]
        current: list[str] = []
        for piece in pieces:
            if current and (_OSM_DAY_START.match(piece) or _OSM_MONTH_START.match(piece)):
                rules.append(",".join(current))
                current = []
            current.append(piece)
        if current:
            rules.append(",".join(current))
    return [r for r in (" ".join(rule.split()) for rule in rules) if r]


def from_osm_lenient(text: str) -> tuple[list[Slot], list[str]]:
    """Like :func:`from_osm`, rule by rule: the slots of the rules understood, and the rules
    that are not (to report), e.g. « Sa open » without hours (data·inclusion writes it for a
    day monenfant.fr leaves empty), yearly closures « Aug closed », « Dec 25-Jan 1 closed »,
    week numbers, « PH 09:00-12:00 »."""
    if not isinstance(text, str):
        raise TypeError("from_osm_lenient attend une chaîne de caractères.")
    kept: list[str] = []
    unknown: list[str] = []
    for rule in _osm_rules(text):
        words = rule.split(" ")
        if words[-1].lower() == "open" and len(words) > 1:
            words = words[:-1]
        candidate = " ".join(words)
        if _OSM_MONTH_START.match(candidate) or candidate.lower() == "open":
            unknown.append(rule)
            continue
        if len(words) == 1 and _OSM_DAY_START.match(candidate) and candidate.upper() != "PH":
            unknown.append(rule)  # a day without hours: « Sa open »
            continue
        try:
            from_osm(candidate)
        except ValueError:
            unknown.append(rule)
            continue
        kept.append(candidate)
    return (from_osm("; ".join(kept)) if kept else []), unknown
