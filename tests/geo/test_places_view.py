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


def test_the_address_opened_as_a_page_leads_to_the_search(client):
    """Issue 14: a /lieux address in the bar (an old history entry, a shared link) is never a
    blank page once reloaded: a browser (Accept: text/html first) is sent to the search."""
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    response = client.get("/lieux?lieu=Toulon", headers=browser)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/recherche?lieu=Toulon")
    restore = client.get(
        "/lieux?lieu=Toulon", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert restore.status_code == 302
    htmx = client.get("/lieux?lieu=toulon", headers={"HX-Request": "true", **browser})
    assert htmx.status_code == 200 and "<datalist" in htmx.get_data(as_text=True)
