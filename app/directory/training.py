"""Rules of a training course that a search filters on (no Flask): the funding it accepts, VAE,
whether it is open to people without a diploma, and its next session.

« Open without a diploma » is a fact about the certification, read from
``data/certification-prerequisites.csv`` (each row with its official source and the date it was
consulted); « autre » is never counted as open: nothing says so.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from datetime import date
from importlib import resources

from app.directory.models import Certification, Training, TrainingSession


@dataclass(frozen=True)
class Prerequisite:
    certification: str
    diploma_required: bool
    rule: str
    source_url: str
    source_title: str
    consulted: date


@functools.cache
def prerequisites() -> dict[str, Prerequisite]:
    """Every certification's entry rule, by certification value."""
    text = (
        resources.files("app.directory")
        .joinpath("data/certification-prerequisites.csv")
        .read_text(encoding="utf-8")
    )
    rows = {}
    for row in csv.DictReader(text.splitlines()):
        rows[row["certification"]] = Prerequisite(
            certification=row["certification"],
            diploma_required=row["diploma_required"] == "oui",
            rule=row["rule"],
            source_url=row["source_url"],
            source_title=row["source_title"],
            consulted=date.fromisoformat(row["consulted"]),
        )
    return rows


def open_without_diploma(certification: Certification | str) -> bool:
    found = prerequisites().get(str(certification))
    return found is not None and not found.diploma_required


def next_session(training: Training | None, today: date) -> TrainingSession | None:
    """The first session that has not started yet (today included)."""
    if training is None:
        return None
    upcoming = [s for s in training.sessions if s.start >= today]
    return min(upcoming, key=lambda s: (s.start, s.id or 0), default=None)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` months, on the last day of a shorter month."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - a month has at least 28 days


@dataclass(frozen=True)
class TrainingFilters:
    """What a course search may ask of a course, beyond place and text."""

    funding: tuple[str, ...] = ()  # one of these accepted
    vae: bool = False
    without_diploma: bool = False
    session_months: int | None = None  # a session starting within this many months

    @property
    def active(self) -> bool:
        return bool(self.funding or self.vae or self.without_diploma or self.session_months)


def training_matches(training: Training | None, filters: TrainingFilters, today: date) -> bool:
    if training is None:
        return False
    if filters.funding and not set(filters.funding) & set(training.funding or ()):
        return False
    if filters.vae and not training.vae_possible:
        return False
    if filters.without_diploma and not open_without_diploma(training.certification):
        return False
    if filters.session_months:
        first = next_session(training, today)
        if first is None or first.start > add_months(today, filters.session_months):
            return False
    return True
