"""The estimator's test data: AGE/AGEPI cases for the rules (``age_input``, ``agepi_input``,
``activity``), the check of French typography in its messages, and the answers of the
« Estimer mes aides » form for its usual case (a mother in Toulon, a CDD of 35 h a week, two
children aged 2 and 7, no allowance, weekdays 7:30–18:00)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

from app.estimator import Activity, AgeInput

NBSP = "\u00a0"
NNBSP = "\u202f"

# Another space (or none) where French typography wants a narrow no-break one (before : ; ? !
# », after «) or a no-break one (before € and %): app.core.french.typography.
_BAD_TYPOGRAPHY = re.compile(r"[ \u00a0][:;?!»]|«[ \u00a0]|[^\u00a0]€|\d %|\w[:;?!]( |$)")


def assert_french(text: str) -> None:
    """Narrow no-break space before : ; ? ! » and after «, no-break space before € and %; no
    English leftovers."""
    assert text.strip(), "empty message"
    match = _BAD_TYPOGRAPHY.search(text)
    assert match is None, f"typography at {match.start()}: {text!r}"


def _case(as_of: date, start: date, parent_isole: bool, changes: dict) -> AgeInput:
    """A parent registered at France Travail (category 1, no allowance) in mainland France,
    starting a CDI of 35 h a week on ``start``, with one child aged 3."""
    base = AgeInput(
        as_of=as_of,
        territoire="metropole",
        parent_isole=parent_isole,
        inscrit_france_travail=True,
        categorie_demandeur=1,
        allocation_journaliere=None,
        enfants=(3,),
        activite=Activity("cdi", start, heures_par_semaine=Decimal(35)),
    )
    return replace(base, **changes)


def age_input(**changes) -> AgeInput:
    """An AGE case that is eligible on 3 June 2024 (CDI, 35 h a week, one child aged 3)."""
    return _case(date(2024, 6, 3), date(2024, 6, 10), False, changes)


def agepi_input(**changes) -> AgeInput:
    """An AGEPI case eligible on 1 June 2023 (isolated parent, CDI, 35 h a week, child aged 3)."""
    return _case(date(2023, 6, 1), date(2023, 6, 5), True, changes)


def activity(type_: str = "cdi", start: date = date(2024, 6, 10), **changes) -> Activity:
    return Activity(type_, start, **changes)


def estimator_answers(day: str, start: str, end: str) -> list[tuple[str, str]]:
    """The form's pairs, the estimate made on ``day`` for a CDD from ``start`` to ``end``
    (ISO dates)."""
    return [
        ("date", day),
        ("activite", "cdd"),
        ("date_debut", start),
        ("date_fin", end),
        ("heures_semaine", "35"),
        ("lieu", "Toulon (83 – Var)"),
        ("inscrit", "oui"),
        ("categorie", "1"),
        ("allocation", "non"),
        ("parent_isole", "oui"),
        ("deja_aide", "non"),
        ("enfants-0", "2"),
        ("enfants-1", "7"),
        *[("jours", d) for d in ("lu", "ma", "me", "je", "ve")],
        ("de", "7:30"),
        ("a", "18:00"),
        ("ressources", "1 450"),
        ("tarif", "4,60"),
    ]
