"""MAP_TILES_URL: no tile host by default (outlines only, nothing leaves the site); when set,
the CSP allows that host's images and the map page hands the URL and attribution to Leaflet."""

from __future__ import annotations

from kit.factories import make_offer
from kit.pages import tags

from app.core.security import tiles_origin

TILES = "https://tiles.example.org/{z}/{x}/{y}.png"


def test_only_an_https_tile_host_is_allowed():
    assert tiles_origin(TILES) == "https://tiles.example.org"
    assert tiles_origin("http://tiles.example.org/{z}/{x}/{y}.png") == ""
    assert tiles_origin("") == "" and tiles_origin("javascript:alert(1)") == ""


def test_no_tile_host_by_default(client, session, index):
    make_offer(session)
    response = client.get("/recherche?lieu=Toulon&vue=carte")
    assert "img-src 'self' data:;" in response.headers["Content-Security-Policy"]
    assert not tags(response.get_data(as_text=True), "div", id="carte")[0].get("data-tiles")


def test_a_tile_service_is_allowed_and_credited(make_app, session, index):
    app = make_app(MAP_TILES_URL=TILES, MAP_TILES_ATTRIBUTION="© Exemple")
    make_offer(session)
    response = app.test_client().get("/recherche?lieu=Toulon&vue=carte")
    csp = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tiles.example.org;" in csp
    box = tags(response.get_data(as_text=True), "div", id="carte")[0]
    assert (box["data-tiles"], box["data-tiles-attribution"]) == (TILES, "© Exemple")


def test_the_outlines_are_served_compressed_and_cached(client):
    response = client.get("/cartes/departements.geojson", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(response.data) < 100_000 and "max-age" in response.headers["Cache-Control"]
    assert client.get("/cartes/departements.geojson").get_json()["features"][0]["properties"]
