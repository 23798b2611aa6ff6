"""Secrets, HTTPS and the Content-Security-Policy: the production settings refuse a missing or
weak SECRET_KEY; HSTS and Secure cookies over HTTPS, a proxy's headers trusted only when
configured; templates free of anything the CSP would have to allow with 'unsafe-inline'."""

from __future__ import annotations

import re

import pytest
from kit.apps import settings_like

from app import create_app
from app.config import DEV_SECRET_KEY, PROJECT_ROOT, Settings

STRONG_KEY = "k" * 48


@pytest.mark.parametrize("key", ["", DEV_SECRET_KEY, "court"])
def test_production_refuses_to_start_without_a_real_secret_key(app, key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(settings_like(app, ENV="production", SECRET_KEY=key))


def test_production_reads_the_key_from_the_environment():
    # (with the PUBLIC_URL and MAIL_SERVER production also needs: tests/test_trusted_links.py)
    needed = {"PUBLIC_URL": "https://passerelle.example.fr", "MAIL_SERVER": "smtp.example.fr"}
    settings = Settings.from_env(
        {"PASSERELLE_ENV": "production", "SECRET_KEY": STRONG_KEY, **needed}
    )
    settings.check()
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        Settings.from_env({"PASSERELLE_ENV": "production", **needed}).check()
    # the embedded default keeps its development key
    Settings.from_env({"MAIL_OUTBOX_ONLY": "1"}).check()


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://passerelle.example.fr")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=63072000")


def test_a_proxy_is_trusted_only_when_configured(client, make_app):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    # Without PROXY_COUNT, anyone could claim HTTPS: the header is ignored.
    assert "Strict-Transport-Security" not in client.get("/", headers=forwarded).headers
    behind_proxy = make_app(PROXY_COUNT=1).test_client()
    assert "Strict-Transport-Security" in behind_proxy.get("/", headers=forwarded).headers


def test_production_cookies_are_secure_httponly_and_lax(make_app):
    production = make_app(ENV="production", SECRET_KEY=STRONG_KEY, PROXY_COUNT=1)
    client = production.test_client()
    response = client.get(
        "/connexion", headers={"X-Forwarded-Proto": "https"}
    )  # the CSRF token's session
    cookies = [
        c for c in response.headers.getlist("Set-Cookie") if "Max-Age=0" not in c
    ]  # deletions aside
    assert [c.split("=")[0] for c in cookies] == ["session"]
    assert all("; Secure" in c and "; HttpOnly" in c and "; SameSite=Lax" in c for c in cookies), (
        cookies
    )


TEMPLATES = sorted((PROJECT_ROOT / "templates").rglob("*.html"))
FORBIDDEN = {
    "an inline script": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "an event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "a style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "a <style> element": re.compile(r"<style\b", re.I),
    "an htmx hx-on attribute (needs eval)": re.compile(r"\shx-on(?::|-|=)", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize(
    "template", TEMPLATES, ids=lambda p: str(p.relative_to(PROJECT_ROOT / "templates"))
)
def test_templates_need_nothing_the_csp_forbids(template):
    """The CSP has no 'unsafe-inline' and no 'unsafe-eval': a template with inline script,
    style or handlers would silently break in the browser."""
    html = template.read_text()
    found = [what for what, pattern in FORBIDDEN.items() if pattern.search(html)]
    assert not found, found


def test_htmx_is_configured_for_the_csp(client):
    html = client.get("/").get_data(as_text=True)
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html)
    assert config, "no htmx-config meta"
    import json

    settings = json.loads(config.group(1))
    # htmx would otherwise inject a <style> (indicators) and may evaluate code.
    assert settings["includeIndicatorStyles"] is False
    assert settings["allowEval"] is False and settings["allowScriptTags"] is False
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
