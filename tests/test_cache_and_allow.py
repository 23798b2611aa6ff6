"""Pages with personal data stay out of caches, and every 405 says what is allowed (issue 24,
finding 11, in part): each GET page a logged-in role visits (from ``tests/site_catalogue.py``),
and the structure's emailed referral link, answer ``Cache-Control: no-store``; a method a route
does not take gets a 405 with ``Allow``."""

from __future__ import annotations

import pytest
from kit.clients import login_as
from site_catalogue import build_world, get_pages, url_for_rule


@pytest.fixture
def world(session):
    return build_world(session)


def test_every_page_seen_logged_in_is_no_store(app, world):
    pages = get_pages(app, world)
    checked = []
    clients = {}
    for endpoint, url, role in pages:
        if role is None and not url.startswith("/orientations/reponse/"):
            continue
        if role not in clients:
            clients[role] = app.test_client()
            if role is not None:
                login_as(clients[role], world.users[role])
        response = clients[role].get(url)
        if response.status_code != 200:
            continue
        assert "no-store" in response.headers.get("Cache-Control", ""), (endpoint, url)
        checked.append(url)
    assert {"/compte", f"/orientations/{world.referral.id}", "/orientations"} <= set(checked)
    assert "/orientations/recues" in checked and "/coordination/orientations" in checked
    assert any(url.startswith("/admin") for url in checked)


def test_the_same_public_page_anonymously_may_be_cached(client, world):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_every_405_carries_allow(app, client, world):
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "PATCH" in rule.methods:
            continue
        url = url_for_rule(rule, world)
        response = client.open(url, method="PATCH")
        assert response.status_code == 405, url
        allowed = {method.strip() for method in response.headers.get("Allow", "").split(",")}
        assert set(rule.methods) <= allowed, (url, response.headers.get("Allow"))
        checked += 1
    assert checked > 50
    page = client.delete("/")
    assert page.status_code == 405 and "Action impossible" in page.get_data(as_text=True)
