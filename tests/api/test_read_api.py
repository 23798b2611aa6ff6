"""The read API (GET /api/v1/offres, /offres/<id>, /communes): the search of /recherche over
JSON, French messages for invalid parameters, CORS, ETag, Cache-Control and the per-IP limit;
the OpenAPI document describes every answer (checked on real responses and by a property test)."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from app.directory.models import OfferKind, OfferStatus


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def validator(document, name):
    registry = Registry().with_resource(
        "urn:openapi", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    return Draft202012Validator(
        {"$ref": f"urn:openapi#/components/schemas/{name}"}, registry=registry
    )


@pytest.fixture
def toulon(offer_factory, today):
    """Offers around Toulon (83137) and one in Lyon."""
    return {
        "lucioles": offer_factory(
            title="Multi-accueil Les Lucioles",
            offset_km=(1, 0),
            free_places=3,
            free_places_on=today,
        ),
        "petits_pas": offer_factory(
            title="Micro-crèche Les Petits Pas",
            kind=OfferKind.MICRO_CRECHE,
            offset_km=(4, 0),
            avip=True,
            avip_since=today - timedelta(days=30),
            contact_phone="01 99 00 11 22",
            contact_public=False,
        ),
        "nuit": offer_factory(
            title="Accueil de nuit Les Étoiles",
            kind=OfferKind.ACCUEIL_EPHEMERE,
            offset_km=(2, 0),
            slots=[(d, time(21, 0), time(6, 0)) for d in range(7)],
        ),
        "lyon": offer_factory(title="Crèche Bellecour", code_insee="69123"),
        "draft": offer_factory(
            title="Crèche en préparation", status=OfferStatus.DRAFT, offset_km=(0.5, 0)
        ),
    }


def ids(response):
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_a_search_around_a_commune_lists_published_offers_by_distance(client, toulon):
    response = client.get("/api/v1/offres?commune=83137&rayon_km=10")
    body = response.get_json()
    assert ids(response) == [toulon["lucioles"].id, toulon["nuit"].id, toulon["petits_pas"].id]
    assert body["total"] == 3 and body["pages"] == 1
    distances = [item["distance_km"] for item in body["items"]]
    assert distances == sorted(distances) and 0.9 < distances[0] < 1.1
    first = body["items"][0]
    assert first["titre"] == "Multi-accueil Les Lucioles"
    assert first["horaires"] == "Mo-Fr 07:00-19:00"
    assert first["places_disponibles"] == 3
    assert first["url"].endswith(f"/offre/{toulon['lucioles'].id}")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("types=micro_creche,accueil_ephemere", ["nuit", "petits_pas"]),
        ("avip=true", ["petits_pas"]),
        ("places_disponibles=1", ["lucioles"]),
        ("jours=sa&heure_debut=22:00&heure_fin=05:00", ["nuit"]),
        ("jours=lu,ma&heure_debut=08:00&heure_fin=18:00", ["lucioles", "petits_pas"]),
        ("q=micro-crèche", ["petits_pas"]),
        ("lat=43.1410&lon=5.9327&rayon_km=0.6", ["lucioles"]),
    ],
)
def test_each_criterion_filters_like_the_search_page(client, toulon, query, expected):
    got = ids(
        client.get(
            f"/api/v1/offres?commune=83137&{query}"
            if "lat=" not in query
            else f"/api/v1/offres?{query}"
        )
    )
    assert sorted(got) == sorted(toulon[name].id for name in expected)


def test_the_api_finds_what_the_search_page_finds(client, toulon):
    page = client.get(
        "/recherche?lieu=Toulon&code_insee=83137&rayon=5&jours=lu&de=7:00&a=18:00"
    ).get_data(as_text=True)
    shown = [int(m) for m in re.findall(r'<h3><a href="/offre/(\d+)"', page)]
    api = ids(
        client.get(
            "/api/v1/offres?commune=83137&rayon_km=5&jours=lu&heure_debut=07:00&heure_fin=18:00"
        )
    )
    assert shown == api and shown


def test_pages_and_page_size(client, toulon):
    first = client.get("/api/v1/offres?commune=83137&par_page=2").get_json()
    second = client.get("/api/v1/offres?commune=83137&par_page=2&page=2").get_json()
    assert first["total"] == second["total"] == 3 and first["pages"] == 2
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert client.get("/api/v1/offres?par_page=101").status_code == 422


def test_a_private_contact_is_not_shown(client, toulon):
    body = client.get(f"/api/v1/offres/{toulon['petits_pas'].id}").get_json()
    assert body["contact"] is None and "01 99 00" not in str(body)
    assert body["avip"] is True
    assert client.get(f"/api/v1/offres/{toulon['lucioles'].id}").get_json()["contact"] is not None


def test_an_unpublished_or_unknown_offer_is_a_json_404(client, toulon):
    for url in (
        f"/api/v1/offres/{toulon['draft'].id}",
        "/api/v1/offres/999999",
        "/api/v1/offres/abc",
    ):
        response = client.get(url)
        assert response.status_code == 404 and response.is_json
        assert response.get_json()["message"]


def test_communes_lookup(client):
    body = client.get("/api/v1/communes?q=83000").get_json()
    assert body["items"][0]["code_insee"] == "83137"
    assert body["items"][0]["libelle"] == "Toulon (83 – Var)"
    assert (
        client.get("/api/v1/communes?q=saint-bois").get_json()["items"][0]["ancien_nom"]
        == "Saint-Bois"
    )
    missing = client.get("/api/v1/communes")
    assert (
        missing.status_code == 422
        and "2\u00a0à 100\u00a0caractères" in missing.get_json()["erreurs"]["q"]
    )


@pytest.mark.parametrize(
    ("query", "name", "words"),
    [
        ("commune=99999", "commune", "Code commune INSEE inconnu"),
        ("commune=83137&lat=43&lon=5", "commune", "pas les deux"),
        ("lat=43", "lon", "lat et lon ensemble"),
        ("lat=91&lon=5", "lat", "entre -90 et 90"),
        ("rayon_km=5", "rayon_km", "avec une commune"),
        ("commune=83137&rayon_km=500", "rayon_km", "entre 0.1 et 100"),
        ("types=creche,mam", "types", "Type d'offre inconnu\u202f: creche"),
        ("avip=peut-etre", "avip", "true ou false"),
        ("jours=lundi&heure_debut=07:00&heure_fin=18:00", "jours", "Jour inconnu"),
        ("heure_debut=07:00&heure_fin=18:00", "jours", "Indiquez les jours"),
        ("jours=lu&heure_debut=7h", "heure_debut", "HH:MM"),
        ("jours=lu&heure_debut=25:00&heure_fin=26:00", "heure_debut", ""),
        ("jours=lu&heure_debut=07:00", "heure_fin", "ensemble"),
        ("page=0", "page", "entre 1 et 1000"),
        ("tri=prix", "tri", "distance, pertinence"),
        ("q=" + "a" * 201, "q", "200\u00a0caractères"),
        ("ville=Toulon", "ville", "Paramètre inconnu"),
    ],
)
def test_each_invalid_parameter_gets_a_422_with_a_french_message(client, query, name, words):
    response = client.get(f"/api/v1/offres?{query}")
    assert response.status_code == 422
    body = response.get_json()
    assert "ne conviennent pas" in body["message"]

    def plain(text):
        return text.replace("\u00a0", " ").replace("’", "'")

    assert plain(words) in plain(body["erreurs"][name]), body["erreurs"]


def test_get_answers_can_be_read_from_any_origin(client, toulon):
    response = client.get("/api/v1/offres?commune=83137", headers={"Origin": "https://www.caf.fr"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/offres",
        headers={
            "Origin": "https://www.caf.fr",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    # The estimation is not opened to other origins.
    assert "Access-Control-Allow-Origin" not in client.post("/api/v1/estimations", json={}).headers


def test_etag_gives_304_until_the_offer_changes(client, session, toulon):
    url = f"/api/v1/offres/{toulon['lucioles'].id}"
    first = client.get(url)
    assert first.headers["Cache-Control"] == "public, max-age=60"
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    toulon["lucioles"].free_places = 0
    session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["places_disponibles"] == 0
    assert changed.headers["ETag"] != etag


def test_errors_are_not_cached(client):
    assert client.get("/api/v1/offres?page=0").headers["Cache-Control"] == "no-store"
    assert "ETag" not in client.get("/api/v1/offres/999").headers


def test_too_many_requests_from_one_ip_get_a_json_429_with_retry_after(app, client):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert client.get("/api/v1/communes?q=toulon").status_code == 200
    refused = client.get("/api/v1/communes?q=toulon")
    assert refused.status_code == 429
    assert refused.is_json and "Trop de demandes" in refused.get_json()["message"]
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    other_ip = client.get("/api/v1/communes?q=toulon", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other_ip.status_code == 200


class TestDocument:
    def test_the_document_is_valid_and_describes_the_read_endpoints(self, document):
        validate_spec(document)
        for path in ("/api/v1/offres", "/api/v1/offres/{id}", "/api/v1/communes"):
            assert "get" in document["paths"][path]

    def test_the_offer_example_matches_its_schema(self, document):
        example = document["paths"]["/api/v1/offres/{id}"]["get"]["responses"]["200"]["content"][
            "application/json"
        ]["examples"]["micro_creche"]["value"]
        validator(document, "Offre").validate(example)
        assert example["horaires"] == "Mo-Fr 06:30-19:30" and example["avip"] is True

    def test_real_answers_match_the_schemas(self, client, document, toulon, offer_factory):
        from app.directory.models import Certification, Modality, Training, TrainingSession

        course = offer_factory(title="CAP AEPE", kind=OfferKind.FORMATION, slots=[])
        course.training = Training(
            certification=Certification.CAP_AEPE,
            modality=Modality.ALTERNANCE,
            funding=["cpf"],
            sessions=[TrainingSession(start=date(2027, 1, 4))],
        )
        from app.db import get_session

        get_session().commit()
        validator(document, "PageOffres").validate(
            client.get("/api/v1/offres?commune=83137").get_json()
        )
        validator(document, "PageOffres").validate(
            client.get("/api/v1/offres?types=formation").get_json()
        )
        validator(document, "Offre").validate(client.get(f"/api/v1/offres/{course.id}").get_json())
        validator(document, "Communes").validate(client.get("/api/v1/communes?q=paris").get_json())
        validator(document, "Erreur").validate(client.get("/api/v1/offres?page=x").get_json())

    def test_the_documentation_page_lists_every_endpoint(self, client, document):
        page = client.get("/api")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        for path, operations in document["paths"].items():
            for method in operations:
                assert f"{method.upper()} {path}" in html
        assert "Retry-After" in html and "If-None-Match" in html


# ---- property-based: whatever the parameters, an answer the document describes ------------------


def _values():
    return st.one_of(
        st.sampled_from(
            [
                "",
                "83137",
                "69123",
                "2A004",
                "99999",
                "true",
                "false",
                "oui",
                "1",
                "0",
                "-1",
                "lu,ma",
                "sa,di",
                "lu,xx",
                "07:00",
                "19:30",
                "24:00",
                "7h",
                "99:99",
                "43.12",
                "5.93",
                "1e400",
                "nan",
                "-inf",
                "0.05",
                "100",
                "101",
                "creche_collective,formation",
                "mam,,",
                "distance",
                "pertinence",
                "mise_a_jour",
                "crèche",
                "«»",
                "\x00",
                "%",
                "a" * 250,
            ]
        ),
        st.text(max_size=20),
        st.integers(-(10**6), 10**6).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )


PARAMETERS = st.sampled_from(
    [
        "q",
        "commune",
        "lat",
        "lon",
        "rayon_km",
        "types",
        "avip",
        "places_disponibles",
        "handicap",
        "age_mois",
        "jours",
        "heure_debut",
        "heure_fin",
        "tri",
        "page",
        "par_page",
        "financements",
        "vae",
        "sans_diplome",
        "session_mois",
        "inconnu",
    ]
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(PARAMETERS, _values(), max_size=6))
def test_any_parameters_get_a_documented_answer_never_a_crash(client, document, toulon, params):
    response = client.get("/api/v1/offres", query_string=params)
    operation = document["paths"]["/api/v1/offres"]["get"]
    assert str(response.status_code) in operation["responses"], (params, response.status_code)
    assert response.status_code in (200, 422)
    body = response.get_json()
    if response.status_code == 200:
        validator(document, "PageOffres").validate(body)
    else:
        validator(document, "Erreur").validate(body)
        assert body["erreurs"] and all(isinstance(m, str) and m for m in body["erreurs"].values())
