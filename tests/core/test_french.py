"""French wording of figures and the one parse of a typed French date (app/core/french.py)."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.french import format_duration, parse_date_fr


def test_durations_in_french():
    # Issue 22: « moins d’une heure », « 2 jours » rather than « 1 h » for 12 minutes or « 1,9 j ».
    assert format_duration(None) == "—"
    assert format_duration(0.2) == "moins d’une heure"
    assert format_duration(1) == "1\u00a0heure"
    assert format_duration(5.4) == "5\u00a0heures"
    assert format_duration(23.9) == "1\u00a0jour"
    assert format_duration(45.6) == "2\u00a0jours"
    assert format_duration(60) == "2\u00a0jours"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2027-01-05", date(2027, 1, 5)),  # what a date input sends
        ("5/1/2027", date(2027, 1, 5)),
        ("05/01/2027", date(2027, 1, 5)),
        ("5.1.2027", date(2027, 1, 5)),
        ("5-1-2027", date(2027, 1, 5)),
        ("5 janvier 2027", date(2027, 1, 5)),
        ("  5  Janvier   2027 ", date(2027, 1, 5)),
        ("1er février 2027", date(2027, 2, 1)),
        ("1er fevrier 2027", date(2027, 2, 1)),
        ("mardi 5 janv. 2027", date(2027, 1, 5)),
        ("15 août 2027", date(2027, 8, 15)),
        ("15 aout 2027", date(2027, 8, 15)),
        ("3 juil. 2027", date(2027, 7, 3)),
        ("3 juin 2027", date(2027, 6, 3)),
        ("31 DÉCEMBRE 2027", date(2027, 12, 31)),
    ],
)
def test_a_typed_french_date_is_read(typed, expected):
    assert parse_date_fr(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["", "demain", "31/02/2027", "5 jui 2027", "5 ja 2027", "5 brumaire 2027", "32 mai 2027"],
)
def test_what_is_not_a_date_is_refused(typed):
    with pytest.raises(ValueError):
        parse_date_fr(typed)
