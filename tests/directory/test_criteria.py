"""One parse of a search: the page's and the API's parameters give the same criteria, under
one table of limits; each problem has its French message, worded for its reader."""

from __future__ import annotations

from datetime import time

import pytest
from werkzeug.datastructures import MultiDict

from app.directory.criteria import API, LIMITS, PAGE, SearchCriteria, parse_criteria


def parse(query: str, spelling=PAGE):
    return parse_criteria(MultiDict([p.split("=", 1) for p in query.split("&") if p]), spelling)


def test_the_page_and_the_api_spell_the_same_search():
    page = parse(
        "q=crèche&type=mam&type=micro_creche&avip=1&age=24&jours=lu&jours=ma&de=7:00&a=18:00&tri=distance&page=2"
    )
    api = parse(
        "q=crèche&types=mam,micro_creche&avip=true&age_mois=24&jours=lu,ma"
        "&heure_debut=07:00&heure_fin=18:00&tri=distance&page=2",
        API,
    )
    assert page.errors == api.errors == {}
    assert page.criteria == SearchCriteria(
        text="crèche",
        kinds=("mam", "micro_creche"),
        avip=True,
        child_age_months=24,
        days=(0, 1),
        start=time(7),
        end=time(18),
        sort="distance",
        page=2,
    )
    assert api.criteria == SearchCriteria(**{**page.criteria.__dict__, "per_page": 20})
    assert page.criteria.hours_needed == (time(7), time(18))


def test_the_api_commune_gives_the_point_the_page_resolves_later():
    api = parse("commune=83137&rayon_km=2.5", API).criteria
    assert api.point is not None and api.radius_km == 2.5 and api.code_insee == "83137"
    page = parse("lieu=Toulon&code_insee=83137&rayon=5").criteria
    assert page.point is None and page.place == "Toulon" and page.radius_km == 5


def test_one_table_of_limits_states_what_each_reads():
    assert LIMITS.radius_choices[-1] == 30 and LIMITS.radius_range == (0.1, 100)
    assert parse("rayon=30").errors == {} and "rayon" in parse("rayon=40").errors
    assert parse("commune=83137&rayon_km=40", API).errors == {}
    assert parse(f"page={LIMITS.max_page}").errors == {}
    assert parse(f"page={LIMITS.max_page}", API).errors == {}
    assert "page" in parse(f"page={LIMITS.max_page + 1}").errors
    assert "par_page" in parse(f"par_page={LIMITS.max_per_page + 1}", API).errors
    too_long = "x" * (LIMITS.text_length + 1)
    assert "q" in parse(f"q={too_long}").errors and "q" in parse(f"q={too_long}", API).errors


@pytest.mark.parametrize(
    ("query", "spelling", "name", "message"),
    [
        ("rayon=7", PAGE, "rayon", "Choisissez un rayon parmi 1, 2, 3, 5, 10, 20 ou 30 km."),
        ("jours=lu&de=5:30", PAGE, "a", "Indiquez aussi cette heure"),
        ("jours=lu&heure_debut=05:30", API, "heure_fin", "Indiquez heure_debut et heure_fin"),
        ("de=5:30&a=19:00", PAGE, "jours", "Cochez au moins un jour"),
        ("heure_debut=05:30&heure_fin=19:00", API, "jours", "Indiquez les jours"),
        ("jours=lu&de=5:30&a=5h30", PAGE, "a", "L’heure de fin doit être différente"),
        ("page=0", PAGE, "page", "Numéro de page invalide"),
        ("page=0", API, "page", "entre 1 et 1000"),
    ],
)
def test_each_problem_is_worded_for_its_reader(query, spelling, name, message):
    parsed = parse(query, spelling)
    assert message.replace(" ", "") in parsed.errors[name].replace(" ", "").replace("\u00a0", "")


def test_an_unusable_value_falls_back_and_the_rest_still_applies():
    parsed = parse("rayon=7&type=piscine&avip=1&page=abc&jours=lu&de=25:00&a=19:00")
    assert set(parsed.errors) == {"rayon", "type", "page", "de"}
    criteria = parsed.criteria
    assert criteria.radius_km == LIMITS.default_radius_km and criteria.page == 1
    assert criteria.kinds == () and criteria.avip and criteria.hours_needed is None
