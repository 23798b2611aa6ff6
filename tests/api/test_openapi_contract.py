"""The OpenAPI document is a contract: schemathesis generates requests from it (valid ones and,
for the parameters the document constrains, invalid ones) against the in-process app, and every
answer must be documented — no 500, a documented status, content type and body, and invalid data
refused. A bounded, deterministic number of examples per operation keeps it in ``make test``."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("CONTRACT_EXAMPLES", "25"))


@pytest.fixture
def api_schema(app, offer_factory, index, session):
    # Offers so that searches, /offres/<id> and the communes list answer with data.
    for n in range(3):
        offer_factory(title=f"Crèche {n}", offset_km=(n, 0), free_places=n)
    index.sync(session)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_matches_the_document(case):
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            negative_data_rejection,
        ]
    )


# ---- the mismatches schemathesis found, each pinned ------------------------------------------


NBSP = "\u202f"  # what app.core.french.typography puts before a colon


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"territoire": None}, "territoire"),
        ({"parent_isole": None}, "parent_isole"),
        ({"enfants": None}, "enfants"),
        (
            {"activite": {"type": "cdi", "date_debut": "2026-12-01", "salarie_entreprise": None}},
            "activite.salarie_entreprise",
        ),
    ],
)
def test_null_is_refused_where_the_document_does_not_allow_it(client, payload, field):
    response = client.post("/api/v1/estimations", json={"enfants": [{"age": 2}], **payload})
    assert response.status_code == 422
    assert response.get_json()["erreurs"][field] == (
        f"Ce champ ne peut pas valoir null{NBSP}: omettez-le pour sa valeur par défaut."
    )


def test_null_stays_accepted_where_the_document_allows_it(client):
    response = client.post(
        "/api/v1/estimations",
        json={"enfants": [{"age": 2}], "allocation_journaliere": None, "garde": None},
    )
    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/offres?commune=83137&jours=lu&heure_debut=07:00&heure_fin=", "heure_fin"),
        ("/api/v1/offres?commune=", "commune"),
        ("/api/v1/offres?commune=83137&rayon_km=", "rayon_km"),
        ("/api/v1/offres?commune=83137&page=", "page"),
        ("/api/v1/communes?q=toulon&limite=", "limite"),
    ],
)
def test_an_empty_parameter_is_refused_in_french(client, url, name):
    response = client.get(url)
    assert response.status_code == 422
    assert response.get_json()["erreurs"] == {
        name: f"Valeur vide{NBSP}: indiquez une valeur ou omettez ce paramètre."
    }


def test_empty_keywords_still_mean_no_keywords(client):
    assert client.get("/api/v1/offres?commune=83137&q=").status_code == 200


def test_an_offer_id_beyond_the_database_range_is_not_found(client):
    response = client.get("/api/v1/offres/1838383084808433441250481483655675904")
    assert response.status_code == 404
    assert response.get_json()["message"] == "Cette offre n’existe pas ou n’est plus publiée."


def test_the_document_states_the_rules_the_api_applies(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    communes = {p["name"]: p for p in paths["/api/v1/communes"]["get"]["parameters"]}
    assert communes["q"]["required"] is True
    assert client.get("/api/v1/communes").status_code == 422
    offer_id = paths["/api/v1/offres/{id}"]["get"]["parameters"][0]["schema"]
    assert offer_id["maximum"] == 2**31 - 1
    care = document["components"]["schemas"]["DemandeEstimation"]["properties"]["garde"]
    hours = care["anyOf"][0]["properties"]["heures_par_mois"]["anyOf"][0]
    assert hours["exclusiveMinimum"] == 0
    estimations = paths["/api/v1/estimations"]["post"]
    assert "429" in estimations["responses"]
    search = {p["name"]: p for p in paths["/api/v1/offres"]["get"]["parameters"]}
    assert "pas les deux" in search["commune"]["description"]
    both = client.get("/api/v1/offres?commune=83137&lat=43.1&lon=5.9")
    assert both.status_code == 422
    assert "pas les deux" in both.get_json()["erreurs"]["commune"]
    zero_hours = client.post(
        "/api/v1/estimations", json={"enfants": [{"age": 2}], "garde": {"heures_par_mois": 0}}
    )
    assert zero_hours.status_code == 422
