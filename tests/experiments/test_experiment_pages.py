"""Scenarios in the coordinators' space, and the public estimator in a scenario's département:
what a coordinator and a parent see."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from kit.estimator import estimator_answers
from kit.factories import make_user
from kit.forms import post_form
from kit.pages import text_of

from app.core.french import format_date
from app.experiments.models import Scenario, ScenarioStatus
from app.geo.timezones import today_in_france

NEW = "/coordination/experimentations/nouveau"
TODAY = today_in_france()
START = TODAY + timedelta(days=7)  # the experiment: a year from next week
LAST = START + timedelta(days=364)


def day(offset: int, origin: date = START) -> str:
    return (origin + timedelta(days=offset)).isoformat()


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def form_data(**changes) -> dict:
    data = {
        "name": "AGE jusqu’à 15 ans dans le Var",
        "territoires": "83",
        "debut": START.isoformat(),
        "fin": LAST.isoformat(),
        "age_enfant_maximum": "15",
        "coefficient_seuil_ressources": "1,3",
        "parent_isole_requis": "non",
        "cdd_duree_minimum_jours": "28",
        "formation_duree_minimum_heures": "40",
        "delai_entre_deux_aides_mois": "12",
        "montant_reduit_1": "176,80",
        "montant_reduit_2": "202,80",
        "montant_reduit_3": "228,80",
        "montant_plein_1": "416",
        "montant_plein_2": "478,40",
        "montant_plein_3": "540,80",
        "coefficient_mayotte": "0,5",
    }
    data.update(changes)
    return data


@pytest.fixture
def coordinator(session):
    return make_user(session, "coordinateur", departement_code="83")


def create(client, **changes):
    return post_form(client, NEW, form_data(**changes))


def test_a_coordinator_creates_a_scenario_sees_its_cost_and_puts_it_in_force(
    client, session, login, coordinator
):
    login(coordinator)
    form = text_of(client.get(NEW).get_data(as_text=True))
    assert "Âge limite de l’enfant" in form  # national values proposed
    response = create(client)
    assert response.status_code == 302
    scenario = session.query(Scenario).one()
    assert scenario.codes == ["83"] and scenario.status == ScenarioStatus.DRAFT
    assert [(p.name, p.value) for p in scenario.parameters] == [("age.age_enfant_maximum", "15")]
    page = text_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Âge limite de l’enfant (moins de … ans) 12 ans 15 ans" in page
    assert "Ce qu’il coûterait, par an" in page and "Var (83)" in page
    assert "Coût par bénéficiaire supplémentaire" in page
    assert "Sensibilité au taux de recours" in page
    csv = client.get(f"/coordination/experimentations/{scenario.id}/cout.csv")
    assert csv.mimetype == "text/csv"
    assert "departement,83,Var (83)" in csv.get_data(as_text=True)
    detail = f"/coordination/experimentations/{scenario.id}"
    response = post_form(client, f"{detail}/mettre-en-vigueur", {}, token_from=detail)
    assert response.status_code == 302
    session.refresh(scenario)
    assert scenario.status == ScenarioStatus.IN_FORCE
    assert "Le scénario est en vigueur" in text_of(client.get(detail).get_data(as_text=True))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Donnez un nom au scénario."),
        ({"territoires": "13"}, "Vous coordonnez seulement le département 83"),
        ({"territoires": "99"}, "Département inconnu : 99."),
        ({"age_enfant_maximum": "douze"}, "Indiquez un nombre entier entre 1 et 18 ans"),
        ({"age_enfant_maximum": "12,5"}, "Indiquez un nombre entier entre 1 et 18 ans"),
        ({"coefficient_seuil_ressources": "9"}, "Indiquez un nombre entre 0,5 et 4"),
        ({"parent_isole_requis": "peut-être"}, "Choisissez une réponse dans la liste."),
        ({"debut": "2023-01-01"}, "commence au plus tôt le 1er mai 2024"),
        ({"fin": day(-30)}, "La date de fin doit suivre la date de début."),
        ({"fin": day(3 * 366)}, "dure au plus 36 mois"),
        ({"debut": "31/02/2027"}, "Indiquez une date"),
    ],
)
def test_bad_input_is_explained_in_french_and_shown_back(
    client, session, login, coordinator, changes, message
):
    login(coordinator)
    response = create(client, **changes)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in text_of(html)
    for name, value in changes.items():
        if value and name != "parent_isole_requis":  # a radio group shows its choices
            assert f'value="{value}"' in html
    assert session.query(Scenario).count() == 0


def test_a_scenario_that_changes_nothing_cannot_be_put_in_force(
    client, session, login, coordinator
):
    login(coordinator)
    create(client, age_enfant_maximum="12")
    scenario = session.query(Scenario).one()
    assert scenario.parameters == []
    detail = f"/coordination/experimentations/{scenario.id}"
    assert "reprend les règles nationales" in text_of(client.get(detail).get_data(as_text=True))
    post_form(client, f"{detail}/mettre-en-vigueur", {}, token_from=detail)
    session.refresh(scenario)
    assert scenario.status == ScenarioStatus.DRAFT


# --------------------------------------------------------------- the parent's estimate


def estimate_url(day: str, start: str, end: str, lieu: str = "Toulon (83 – Var)", child="13"):
    pairs = [
        (k, v)
        for k, v in estimator_answers(day, start, end)
        if k not in ("enfants-0", "enfants-1", "lieu")
    ]
    pairs += [("enfants-0", child), ("lieu", lieu), ("calculer", "1")]
    return "/estimer-mes-aides?" + urlencode(pairs)


@pytest.fixture
def in_force(client, session, login, coordinator):
    login(coordinator)
    create(client)
    scenario = session.query(Scenario).one()
    detail = f"/coordination/experimentations/{scenario.id}"
    post_form(client, f"{detail}/mettre-en-vigueur", {}, token_from=detail)
    return scenario


def test_the_estimator_applies_the_experiment_in_its_departement_within_its_dates(
    app, session, in_force
):
    parent = app.test_client()
    text = text_of(
        parent.get(estimate_url(TODAY.isoformat(), day(0), day(89))).get_data(as_text=True)
    )
    assert (
        "Votre estimation applique les règles expérimentales du département Var (83) jusqu’au "
        + plain(format_date(LAST))
    ) in text
    assert "Vous pouvez demander l’AGE : 416,00 €" in text
    assert "Avec les règles nationales, vous ne rempliriez pas toutes les conditions" in text
    assert "moins de 15 ans" in text


def test_outside_its_dates_or_its_departement_the_national_rules_apply(app, session, in_force):
    parent = app.test_client()
    later = text_of(
        parent.get(estimate_url(TODAY.isoformat(), day(400), day(500))).get_data(as_text=True)
    )
    assert "règles expérimentales" not in later and "moins de 12 ans" in later
    before = text_of(
        parent.get(estimate_url(TODAY.isoformat(), day(-3), day(89))).get_data(as_text=True)
    )
    assert "règles expérimentales" not in before
    elsewhere = text_of(
        parent.get(
            estimate_url(
                TODAY.isoformat(), day(0), day(89), lieu="Marseille (13 – Bouches-du-Rhône)"
            )
        ).get_data(as_text=True)
    )
    assert "règles expérimentales" not in elsewhere and "moins de 12 ans" in elsewhere


def test_a_draft_is_not_applied(app, client, session, login, coordinator):
    login(coordinator)
    create(client)
    parent = app.test_client()
    url = estimate_url(TODAY.isoformat(), day(0), day(89))
    assert "règles expérimentales" not in text_of(parent.get(url).get_data(as_text=True))


def test_an_ended_experiment_keeps_its_rules_for_jobs_started_before_its_end(
    app, client, session, in_force, monkeypatch
):
    from app.experiments import views

    ended = START + timedelta(days=120)
    monkeypatch.setattr(views, "today_in_france", lambda: ended)
    detail = f"/coordination/experimentations/{in_force.id}"
    post_form(client, f"{detail}/terminer", {}, token_from=detail)
    session.refresh(in_force)
    assert in_force.status == ScenarioStatus.ENDED and in_force.last_day == ended
    assert {p.ends_on for p in in_force.parameters} == {ended + timedelta(days=1)}
    parent = app.test_client()
    during = estimate_url(TODAY.isoformat(), day(100), day(200))
    after = estimate_url(TODAY.isoformat(), day(130), day(230))
    assert f"jusqu’au {plain(format_date(ended))}" in text_of(
        parent.get(during).get_data(as_text=True)
    )
    assert "règles expérimentales" not in text_of(parent.get(after).get_data(as_text=True))


def test_a_draft_can_be_changed_and_its_dated_values_follow(client, session, login, coordinator):
    login(coordinator)
    create(client)
    scenario = session.query(Scenario).one()
    edit = f"/coordination/experimentations/{scenario.id}/modifier"
    assert 'value="15"' in client.get(edit).get_data(as_text=True)  # the draft's value
    response = post_form(
        client, edit, form_data(age_enfant_maximum="12", montant_plein_1="450", fin=day(180))
    )
    assert response.status_code == 302
    session.refresh(scenario)
    assert [p.name for p in scenario.parameters] == ["age.montants"]
    assert {p.ends_on for p in scenario.parameters} == {START + timedelta(days=181)}


def test_two_experiments_cannot_overlap_in_a_departement(client, session, login, in_force):
    create(client, name="Un autre essai", debut=day(200), fin=day(300), cdd_duree_minimum_jours="7")
    other = session.query(Scenario).filter(Scenario.id != in_force.id).one()
    detail = f"/coordination/experimentations/{other.id}"
    response = post_form(
        client, f"{detail}/mettre-en-vigueur", {}, token_from=detail, follow_redirects=True
    )
    assert "Le scénario « AGE jusqu’à 15 ans dans le Var » s’applique déjà" in text_of(
        response.get_data(as_text=True)
    )
    session.refresh(other)
    assert other.status == ScenarioStatus.DRAFT
