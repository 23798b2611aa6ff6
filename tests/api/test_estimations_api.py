"""POST /api/v1/estimations: the estimator's rules over JSON, French messages per field, and the
OpenAPI document that describes it (validated, and checked against real responses)."""

from __future__ import annotations

import copy
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from app.api.openapi import EXAMPLE_REQUEST

URL = "/api/v1/estimations"


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def schema_validator(document, name):
    registry = Registry().with_resource(
        "urn:openapi", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    return Draft202012Validator(
        {"$ref": f"urn:openapi#/components/schemas/{name}"}, registry=registry
    )


def post(client, payload, **kwargs):
    return client.post(URL, json=payload, **kwargs)


def test_the_example_gets_the_age_and_three_modes(client):
    response = post(client, EXAMPLE_REQUEST)
    assert response.status_code == 200
    body = response.get_json()
    assert body["age"]["dispositif"] == "age"
    assert body["age"]["eligible"] is True
    assert body["age"]["montant"] == 478.40  # AIDS.md: 2 children, 15 h or more a week
    assert body["age"]["date_limite_demande"] == "2027-03-01"
    assert {c["code"] for c in body["age"]["conditions"]} == {
        "registration",
        "resources",
        "child_age",
        "event",
        "application_delay",
        "once_per_12_months",
    }
    assert all(c["ok"] and c["message"] for c in body["age"]["conditions"])
    assert [c["mode"] for c in body["couts"]] == ["creche", "assistant_maternel", "mam"]
    childminder = body["couts"][1]
    assert childminder["cout_mensuel"] == pytest.approx(160 * 4.6 + 70)
    assert childminder["reste_a_charge_mensuel"] == pytest.approx(
        childminder["cout_mensuel"] - sum(a["montant_mensuel"] for a in childminder["aides"]),
        abs=0.01,
    )
    assert "€" not in json.dumps(body["age"]["montant"])


def test_no_csrf_token_is_needed_and_french_stays_readable(client):
    response = post(client, {"enfants": [{"age": 1}]})
    assert response.status_code == 200
    raw = response.get_data(as_text=True)
    assert "France Travail" in raw and "\\u00e9" not in raw


def test_a_date_before_may_2024_uses_the_agepi(client):
    payload = copy.deepcopy(EXAMPLE_REQUEST)
    payload.update(date="2023-06-01", parent_isole=False)
    payload["activite"].update(date_debut="2023-06-05")
    body = post(client, payload).get_json()
    assert body["age"]["dispositif"] == "agepi"
    assert body["age"]["eligible"] is False
    assert not next(c for c in body["age"]["conditions"] if c["code"] == "isolated_parent")["ok"]


def test_mayotte_halves_the_amount(client):
    body = post(client, {**EXAMPLE_REQUEST, "territoire": "mayotte"}).get_json()
    assert body["age"]["montant"] == 239.20


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ({"territoire": "guyane"}, "territoire", "metropole"),
        ({"parent_isole": "oui"}, "parent_isole", "true ou false"),
        ({"categorie_demandeur": 9}, "categorie_demandeur", "catégorie de 1 à 8"),
        ({"allocation_journaliere": -1}, "allocation_journaliere", "entre 0"),
        ({"allocation_journaliere": "beaucoup"}, "allocation_journaliere", "nombre"),
        ({"enfants": [{"age": 3}, {"age": -2}]}, "enfants[1].age", "entre 0"),
        ({"enfants": [3]}, "enfants[0]", '{"age": 3}'),
        ({"enfants": [{"age": 1}] * 21}, "enfants", "20"),
        (
            {"activite": {"type": "cdd", "date_debut": "2026-12-01", "duree_jours": 2.5}},
            "activite.duree_jours",
            "entier",
        ),
        ({"activite": {"type": "stage", "date_debut": "2026-12-01"}}, "activite.type", "cdi, cdd"),
        ({"activite": {"type": "cdi"}}, "activite.date_debut", "date de début"),
        (
            {"activite": {"type": "cdi", "date_debut": "01/12/2026"}},
            "activite.date_debut",
            "AAAA-MM-JJ",
        ),
        (
            {"activite": {"type": "cdi", "date_debut": "2026-12-01", "heures_par_semaine": 200}},
            "activite.heures_par_semaine",
            "168",
        ),
        ({"garde": {"heures_par_mois": "1e9999"}}, "garde.heures_par_mois", "744"),
        ({"garde": {"tarif_horaire": 4.5, "couches": True}}, "garde.couches", "Champ inconnu"),
        ({"ressources_mensuelles": float("inf")}, "ressources_mensuelles", "nombre"),
        ({"date": "2013-12-31", "activite": None}, "date", "20 janvier 2014"),
        (
            {"activite": {"type": "cdi", "date_debut": "2013-12-31"}},
            "activite.date_debut",
            "20 janvier 2014",
        ),
        ({"date_derniere_aide": "hier"}, "date_derniere_aide", "AAAA-MM-JJ"),
        ({"nom": "Dupont"}, "nom", "Champ inconnu"),
    ],
)
def test_each_invalid_field_gets_a_french_message(client, change, path, words):
    payload = {**EXAMPLE_REQUEST, **change}
    response = client.post(
        URL, data=json.dumps(payload, allow_nan=True), content_type="application/json"
    )
    assert response.status_code == 422
    body = response.get_json()
    assert "ne conviennent pas" in body["message"]
    assert path in body["erreurs"], body["erreurs"]
    assert words in body["erreurs"][path].replace("\u00a0", " ")


def test_several_errors_are_reported_at_once(client):
    response = post(
        client, {"territoire": "x", "enfants": [{"age": "deux"}], "activite": {"type": "cdi"}}
    )
    assert set(response.get_json()["erreurs"]) == {
        "territoire",
        "enfants[0].age",
        "activite.date_debut",
    }


@pytest.mark.parametrize(
    ("kwargs", "status", "words"),
    [
        ({"data": "{", "content_type": "application/json"}, 400, "JSON valide"),
        ({"data": "enfants=2", "content_type": "application/x-www-form-urlencoded"}, 415, "JSON"),
        ({"json": [1, 2]}, 422, "objet JSON"),
    ],
)
def test_bodies_that_are_not_a_json_object(client, kwargs, status, words):
    response = client.post(URL, **kwargs)
    assert response.status_code == status
    assert words in json.dumps(response.get_json(), ensure_ascii=False)


def test_other_methods_and_unknown_api_paths_answer_in_json(client):
    assert client.get(URL).status_code == 405
    assert client.get(URL).get_json()["message"]
    missing = client.get("/api/v1/rien")
    assert missing.status_code == 404 and missing.is_json


def test_oversized_body_is_refused(client):
    response = client.post(
        URL, data=b'{"x": "' + b"a" * (2 * 1024 * 1024) + b'"}', content_type="application/json"
    )
    assert response.status_code == 413
    assert response.is_json


class TestOpenApi:
    def test_the_document_is_valid_openapi_3_1(self, document):
        assert document["openapi"].startswith("3.1")
        validate_spec(document)

    def test_every_api_route_is_documented(self, app, document):
        routes = {
            (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/")
            for method in rule.methods - {"HEAD", "OPTIONS"}
        }
        documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
        assert routes == documented

    def test_examples_match_the_schemas(self, document):
        operation = document["paths"]["/api/v1/estimations"]["post"]
        request_example = operation["requestBody"]["content"]["application/json"]["examples"][
            "cdd"
        ]["value"]
        schema_validator(document, "DemandeEstimation").validate(request_example)
        response_example = operation["responses"]["200"]["content"]["application/json"]["examples"][
            "cdd"
        ]["value"]
        schema_validator(document, "Estimation").validate(response_example)
        error_example = operation["responses"]["422"]["content"]["application/json"]["examples"][
            "duree"
        ]["value"]
        schema_validator(document, "Erreur").validate(error_example)

    def test_the_response_example_is_what_the_api_answers(self, client, document):
        operation = document["paths"]["/api/v1/estimations"]["post"]
        example = operation["responses"]["200"]["content"]["application/json"]["examples"]["cdd"][
            "value"
        ]
        assert post(client, EXAMPLE_REQUEST).get_json() == example

    @pytest.mark.parametrize(
        "payload",
        [
            {},
            {"enfants": [{"age": 1}]},
            {**EXAMPLE_REQUEST, "garde": {"heures_par_mois": 40}},
            {
                **EXAMPLE_REQUEST,
                "date": "2020-03-01",
                "activite": {"type": "formation", "date_debut": "2020-03-02", "duree_heures": 39},
            },
            {**EXAMPLE_REQUEST, "date": "2025-10-01", "allocation_journaliere": 41.78},
        ],
    )
    def test_real_responses_match_the_response_schema(self, client, document, payload):
        response = post(client, payload)
        assert response.status_code == 200
        schema_validator(document, "Estimation").validate(response.get_json())

    def test_invalid_payloads_are_refused_by_the_schema_too(self, client, document):
        validator = schema_validator(document, "DemandeEstimation")
        for payload in ({"nom": "x"}, {"enfants": [{"age": -1}]}, {"territoire": "guyane"}):
            assert not validator.is_valid(payload)
            assert post(client, payload).status_code == 422


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
KEYS = st.sampled_from([*sorted(EXAMPLE_REQUEST), "enfant_aeeh", "date_demande"])


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(KEYS, JSON, max_size=6))
def test_any_json_gets_an_answer_never_a_crash(client, change):
    response = post(client, {**EXAMPLE_REQUEST, **change})
    assert response.status_code in (200, 422)
    body = response.get_json()
    if response.status_code == 422:
        assert body["erreurs"] and all(isinstance(m, str) and m for m in body["erreurs"].values())
