"""How a result card says an offer fits the need, and the search in one line (issue 14)."""

from datetime import date, time

import pytest

from app.directory.criteria import SearchCriteria
from app.directory.fit import (
    ages_fit,
    atypical_hours,
    criteria_line,
    days_text,
    hours_fit,
    places_fit,
)
from app.directory.hours import Slot

NBSP = "\u00a0"
WEEKDAYS = (0, 1, 2, 3, 4)


def nb(text: str) -> str:
    return text.replace("~", NBSP)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (WEEKDAYS, "lun–ven"),
        ((0, 2), "lun, mer"),
        ((5, 6), "sam, dim"),
        ((0, 1, 2, 4), "lun–mer, ven"),
        (range(7), "lun–dim"),
    ],
)
def test_days_text(days, expected):
    assert days_text(days) == expected


def test_criteria_line_says_the_search_in_one_line():
    criteria = SearchCriteria(
        radius_km=10, days=WEEKDAYS, start=time(5, 30), end=time(14), child_age_months=24
    )
    assert criteria_line(criteria, "Toulon") == nb("Toulon · 10~km · lun–ven 5:30–14:00 · 2 ans")
    flags = SearchCriteria(avip=True, free_places=True, kinds=("micro_creche",), text="bébé")
    assert criteria_line(flags, None) == nb("Micro-crèche · AVIP · places libres · «~bébé~»")
    assert criteria_line(SearchCriteria(kinds=("mam", "micro_creche")), "Lyon").endswith(
        "2 types d’offre"
    )
    assert criteria_line(SearchCriteria(), None) == "Partout en France"


def test_hours_fit_only_when_the_search_gives_hours():
    asked = SearchCriteria(days=WEEKDAYS, start=time(5, 30), end=time(14))
    assert hours_fit(asked) == "Couvre vos horaires lun–ven 5:30–14:00"
    assert hours_fit(SearchCriteria(start=time(5, 30), end=time(14))) == ""  # no day: no filter
    assert hours_fit(None) == ""


@pytest.mark.parametrize(
    ("low", "high", "child", "expected"),
    [
        (2, 36, None, "Accueille dès 2~mois"),
        (0, 36, None, "Accueille dès la naissance"),
        (12, 72, None, "Accueille dès 1~an"),
        (2, 36, 24, "Accueille les enfants de 2 ans"),
        (0, 36, 0, "Accueille les enfants de moins de 1 an"),
        (36, 72, 24, "Accueille dès 3~ans"),  # not the age asked (never a result then)
    ],
)
def test_ages_fit(low, high, child, expected):
    assert ages_fit(low, high, child) == nb(expected)


def test_places_fit_gives_the_figure_and_its_date():
    assert places_fit(2, date(2026, 11, 21)) == "2 places au 21/11"
    assert places_fit(1, date(2026, 11, 21)) == "1 place au 21/11"
    assert places_fit(0, date(2026, 11, 21)) == "Complet au 21/11"
    assert places_fit(3, None) == "3 places disponibles"
    assert places_fit(None, date(2026, 11, 21)) == ""


def test_atypical_hours_say_what_they_mean():
    """The windows of hours.summarize: before 7:30, after 19:00, night 22:00–5:00, weekend."""
    early = [Slot(d, time(5, 30), time(14)) for d in WEEKDAYS]
    assert atypical_hours(early) == [nb("dès 5~h~30")]
    late = [Slot(d, time(8), time(21)) for d in WEEKDAYS]
    assert atypical_hours(late) == [nb("jusqu’à 21~h~00")]
    midnight = [Slot(0, time(8), time(0))]
    assert atypical_hours(midnight) == ["jusqu’à minuit"]
    night = [Slot(d, time(21), time(6)) for d in WEEKDAYS]
    assert atypical_hours(night) == ["la nuit", "le samedi"]  # Friday's night ends on Saturday
    saturday = [*[Slot(d, time(8), time(18)) for d in WEEKDAYS], Slot(5, time(9), time(12))]
    assert atypical_hours(saturday) == ["le samedi"]
    weekend = [Slot(5, time(9), time(12)), Slot(6, time(9), time(12))]
    assert atypical_hours(weekend) == ["le week-end"]
    assert atypical_hours([Slot(d, time(7, 30), time(18, 30)) for d in WEEKDAYS]) == []
