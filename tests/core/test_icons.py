"""A favicon (SVG and a PNG fallback) and home-screen icons with a web app manifest, named by
every page, served with their types and allowed by the CSP (issue 14, « Polish »)."""

from __future__ import annotations

import json

from kit.pages import tags


def fetch(client, url: str) -> tuple[int, str, bytes]:
    """Status, type and body of a file response, closed (static files are streamed)."""
    with client.get(url) as response:
        return response.status_code, response.mimetype, response.get_data()


def test_every_page_names_its_icons_and_manifest(client):
    head = client.get("/").get_data(as_text=True)
    links = {(a["rel"], a.get("type", "")): a["href"] for a in tags(head, "link")}
    assert links[("icon", "image/svg+xml")] == "/static/icons/favicon.svg"
    assert links[("icon", "image/png")] == "/static/icons/favicon-32.png"
    assert links[("apple-touch-icon", "")] == "/static/icons/apple-touch-icon.png"
    assert links[("manifest", "")] == "/static/manifest.webmanifest"
    for href in links.values():
        assert fetch(client, href)[0] == 200, href


def test_the_manifest_is_served_as_one_and_its_icons_exist(client):
    status, mimetype, body = fetch(client, "/static/manifest.webmanifest")
    assert status == 200 and mimetype == "application/manifest+json"
    manifest = json.loads(body)
    assert manifest["lang"] == "fr" and manifest["start_url"] == "/" and manifest["scope"] == "/"
    sizes = set()
    for icon in manifest["icons"]:
        assert fetch(client, icon["src"])[:2] == (200, icon["type"]), icon
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
    # The CSP (default-src 'self', img-src 'self') allows both; no other origin is needed.
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "img-src 'self'" in csp


def test_favicon_ico_answers_for_pages_that_name_no_icon(client):
    status, mimetype, body = fetch(client, "/favicon.ico")
    assert (status, mimetype) == (200, "image/png")
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
