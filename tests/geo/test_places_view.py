"""/lieux answers HTML or JSON at one address: it says so in Vary, and its JSON is the commune
shape of /api/v1/communes."""

from __future__ import annotations


def test_the_datalist_and_the_json_both_vary_on_accept(client):
    html = client.get("/lieux?lieu=toulon")
    data = client.get("/lieux?lieu=toulon", headers={"Accept": "application/json"})
    assert html.mimetype == "text/html" and data.is_json
    for response in (html, data):
        assert "Accept" in response.headers["Vary"]


def test_the_json_is_the_commune_shape_of_the_api(client):
    place = client.get("/lieux?lieu=83000", headers={"Accept": "application/json"}).get_json()[0]
    api = client.get("/api/v1/communes?q=83000").get_json()["items"][0]
    assert place == api
    assert place["libelle"] == "Toulon (83 – Var)" and place["codes_postaux"]
