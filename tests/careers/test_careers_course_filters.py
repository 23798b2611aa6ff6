"""The course search's filters (funding accepted, VAE, open without a diploma, next session, and
the distance): one parse for the page, the widget and the API, the same courses everywhere."""

from __future__ import annotations

from datetime import date

from kit.pages import text_of
from werkzeug.datastructures import MultiDict

from app.directory.criteria import API, PAGE, parse_criteria
from app.directory.training import TrainingFilters, add_months


def titles(client, query: str) -> set[str]:
    text = text_of(client.get(f"/recherche?lieu=Toulon&{query}").get_data(as_text=True))
    return {
        t
        for t in ("CAP AEPE en un an", "DEEJE Institut du Var", "Titre assistant maternel")
        if t in text
    }


def test_one_parse_for_page_and_api():
    page = parse_criteria(
        MultiDict(
            [
                ("financement", "cpf"),
                ("financement", "opco"),
                ("vae", "1"),
                ("sans_diplome", "1"),
                ("session_mois", "6"),
            ]
        ),
        PAGE,
    )
    api = parse_criteria(
        MultiDict(
            {"financements": "cpf,opco", "vae": "true", "sans_diplome": "true", "session_mois": "6"}
        ),
        API,
    )
    expected = TrainingFilters(("cpf", "opco"), True, True, 6)
    assert page.criteria.training == api.criteria.training == expected
    assert page.criteria.searched_kinds == ("formation",)


def test_bad_values_are_said_in_french():
    page = parse_criteria(MultiDict({"financement": "loto", "session_mois": "5"}), PAGE)
    assert page.errors == {
        "financement": "Financement inconnu : loto. Cochez un financement dans la liste.",
        "session_mois": "Choisissez un délai parmi 1, 3, 6 ou 12 mois.",
    }
    api = parse_criteria(MultiDict({"session_mois": "99"}), API)
    assert (
        api.errors["session_mois"].replace("\xa0", " ")
        == "Indiquez un nombre entier entre 1 et 24."
    )


def test_page_filters(client, courses):
    assert titles(client, "type=formation&rayon=30") == {
        "CAP AEPE en un an",
        "DEEJE Institut du Var",
        "Titre assistant maternel",
    }
    assert titles(client, "financement=region&rayon=30") == {"DEEJE Institut du Var"}
    assert titles(client, "financement=cpf&financement=france_travail&rayon=30") == {
        "CAP AEPE en un an",
        "Titre assistant maternel",
    }
    assert titles(client, "vae=1&rayon=30") == {"CAP AEPE en un an", "Titre assistant maternel"}
    assert titles(client, "sans_diplome=1&rayon=30") == {
        "CAP AEPE en un an",
        "Titre assistant maternel",
    }
    assert titles(client, "session_mois=3&rayon=30") == {"CAP AEPE en un an"}
    assert titles(client, "session_mois=12&rayon=30") == {"CAP AEPE en un an"}
    assert titles(client, "vae=1&rayon=1") == {"CAP AEPE en un an"}  # Hyères is farther


def test_page_shows_the_filters_ticked(client, courses):
    html = client.get("/recherche?lieu=Toulon&vae=1&financement=opco").get_data(as_text=True)
    assert 'id="champ-vae" name="vae" value="1" checked' in html
    assert 'name="financement" value="opco" checked' in html


def test_api_filters(client, courses):
    response = client.get(
        "/api/v1/offres?commune=83137&rayon_km=30&financements=cpf&session_mois=3"
    )
    assert response.status_code == 200
    names = [o["titre"] for o in response.get_json()["items"]]
    assert names == ["CAP AEPE en un an"]
    assert client.get("/api/v1/offres?financements=loto").status_code == 422


def test_months_end_on_the_last_day():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 5), 3) == date(2027, 3, 5)


def test_the_search_line_says_the_course_filters():
    from app.directory.fit import criteria_line

    criteria = parse_criteria(
        MultiDict(
            [
                ("financement", "cpf"),
                ("financement", "opco"),
                ("sans_diplome", "1"),
                ("session_mois", "3"),
            ]
        ),
        PAGE,
    ).criteria
    line = criteria_line(criteria, "Toulon").replace("\xa0", " ")
    assert (
        line == "Toulon · 10 km · Formation petite enfance · CPF ou OPCO · sans diplôme"
        " · session d’ici 3 mois"
    )


def test_an_alert_from_a_course_search_follows_courses_not_childcare():
    from app.alerts.rules import alert_search

    criteria = parse_criteria(MultiDict({"vae": "1", "lieu": "Toulon"}), PAGE).criteria
    kept = alert_search(criteria)
    assert kept.kinds == ("formation",) and not kept.training.active


def test_the_map_draws_only_the_courses_kept(client, courses):
    def labels(query: str) -> set[str]:
        data = client.get(f"/recherche/carte.json?lieu=Toulon&rayon=30&{query}").get_json()
        return {point[4] for point in data["points"]}

    assert labels("type=formation") == {
        "CAP AEPE en un an",
        "DEEJE Institut du Var",
        "Titre assistant maternel",
    }
    assert labels("financement=region") == {"DEEJE Institut du Var"}
