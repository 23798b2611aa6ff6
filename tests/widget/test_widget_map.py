"""The widget's « Liste / Carte » switch (issue 16): the same criteria and presets in the URL
(vue=carte), its own points URL refusing an unknown token, offer links in a new tab, framing
and the tile host in its CSP."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from kit.factories import make_offer
from kit.pages import tags, text_of

from app.widget.models import PartnerToken

TILES = "https://tiles.example.org/{z}/{x}/{y}.png"


def switch_link(page: str, label: str) -> str:
    found = re.search(rf'<a href="([^"]+)"[^>]*>{label}</a>', page)
    assert found, label
    return unescape(found.group(1))


@pytest.fixture
def partner(session):
    token = PartnerToken(
        name="Caf du Var",
        token="jeton-caf-83",
        allowed_origins=["https://www.caf.fr"],
        presets={"code_insee": "83137", "rayon": "5", "avip": "1"},
        active=True,
    )
    session.add(token)
    session.commit()
    return token


@pytest.fixture
def offers(session, index):
    make_offer(session, title="Crèche des Mimosas", avip=True, offset_km=(1.0, 1.0))
    make_offer(session, title="Halte du Port", offset_km=(-1.0, 0.5))
    make_offer(session, title="Crèche lointaine", avip=True, offset_km=(30.0, 0.0))
    index.sync(session)


def test_the_widget_switches_to_its_map_with_the_same_criteria(client, partner, offers):
    page = client.get("/widget/recherche?token=jeton-caf-83").get_data(as_text=True)
    carte = switch_link(page, "Carte")
    address = urlsplit(carte)
    assert address.path == "/widget/recherche"
    assert parse_qs(address.query)["vue"] == ["carte"]
    assert parse_qs(address.query)["token"] == ["jeton-caf-83"]

    response = client.get(carte)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://www.caf.fr" in csp
    page = response.get_data(as_text=True)
    assert "1 offre dans un rayon de 5 km autour de Toulon" in text_of(page)
    (link,) = tags(page, "a", class_="map-link")
    assert link["aria-label"] == "Crèche des Mimosas (Accueil AVIP)"
    assert link["target"] == "_blank"
    box = tags(page, "div", id="carte")[0]
    assert box["data-points"].startswith("/widget/recherche/carte.json?")
    assert box["data-new-tab"] == "1"
    assert tags(page, "script", src="/static/js/map.js")
    liste = switch_link(page, "Liste")
    assert "vue" not in parse_qs(urlsplit(liste).query)


def test_the_widget_points_keep_the_presets_and_need_a_token(client, partner, offers):
    data = client.get("/widget/recherche/carte.json?token=jeton-caf-83").get_json()
    assert [p[4] for p in data["points"]] == ["Crèche des Mimosas"]  # AVIP, 5 km: the presets
    assert data["offer_url"] == "/offre/{id}"
    refused = client.get("/widget/recherche/carte.json?token=inconnu&lieu=Toulon")
    assert refused.status_code == 403 and refused.get_json()["points"] == []


def test_the_widget_allows_the_tile_host_only_when_set(make_app, session, partner, offers):
    app = make_app(MAP_TILES_URL=TILES, MAP_TILES_ATTRIBUTION="© Exemple")
    response = app.test_client().get("/widget/recherche?token=jeton-caf-83&vue=carte")
    csp = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tiles.example.org;" in csp
    assert "frame-ancestors 'self' https://www.caf.fr" in csp
