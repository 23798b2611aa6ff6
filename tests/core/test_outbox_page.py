"""The outbox page ``/dev/courriels`` (issue 24, finding 2): a reset link read there would hand
over any account, so it is served only by the embedded server of ``python3 -m app``, without a
mail server, to a browser on the same machine; everyone else gets a 404. Any other configuration
without a mail server refuses to start unless outbox-only is asked for explicitly."""

from __future__ import annotations

import pytest
from kit.apps import settings_like
from kit.forms import post_form
from kit.pages import text_of

from app.__main__ import embedded_settings
from app.config import Settings

BANNER = "Cette page n’existe que sur le serveur embarqué de cette machine"
SIGNUP = {
    "role": "prescripteur",
    "full_name": "Nadia Benali",
    "email": "nadia.benali@exemple.fr",
    "organisation": "France Travail Toulon",
    "departement": "83",
    "password": "le soleil se leve sur toulon",
    "confirm": "le soleil se leve sur toulon",
}


def test_the_embedded_server_shows_it_to_this_machine_with_a_banner(app, make_app):
    embedded = make_app(settings_like(app, MAIL_OUTBOX_PAGE=True, MAIL_OUTBOX_ONLY=False))
    client = embedded.test_client()
    post_form(client, "/inscription", SIGNUP)
    listing = text_of(client.get("/dev/courriels").get_data(as_text=True))
    assert BANNER in listing
    assert "Confirmez votre adresse électronique" in listing


@pytest.mark.parametrize(
    "client_address, headers",
    [
        ("203.0.113.7", {}),  # another machine
        ("192.168.1.20", {}),  # the local network
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.7"}),  # a proxy on this machine
        ("127.0.0.1", {"X-Forwarded-For": "127.0.0.1"}),  # forged or not: forwarded
        ("127.0.0.1", {"Forwarded": "for=203.0.113.7"}),
    ],
)
def test_anyone_not_on_this_machine_gets_a_404(app, make_app, client_address, headers):
    embedded = make_app(settings_like(app, MAIL_OUTBOX_PAGE=True))
    client = embedded.test_client()
    post_form(client, "/inscription", SIGNUP)
    name = client.get("/dev/courriels").get_data(as_text=True).split("/dev/courriels/")[1]
    message = "/dev/courriels/" + name.split('"')[0]
    assert client.get(message).status_code == 200  # from this machine
    remote = {"REMOTE_ADDR": client_address}
    for path in ("/dev/courriels", message):
        response = client.get(path, environ_base=remote, headers=headers)
        assert response.status_code == 404
        assert "Page introuvable" in text_of(response.get_data(as_text=True))


def test_behind_a_proxy_the_forwarded_client_is_refused(app, make_app):
    proxied = make_app(settings_like(app, MAIL_OUTBOX_PAGE=True, PROXY_COUNT=1))
    client = proxied.test_client()
    assert client.get("/dev/courriels").status_code == 200
    # ProxyFix makes remote_addr the forwarded address, even a loopback one: still refused.
    for forwarded in ("203.0.113.7", "127.0.0.1"):
        response = client.get("/dev/courriels", headers={"X-Forwarded-For": forwarded})
        assert response.status_code == 404


def test_an_app_made_as_gunicorn_makes_it_never_serves_it(app, make_app, monkeypatch):
    # 'app:create_app()' from the environment: no flag can turn the page on.
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("SEARCH_INDEX_DIR", app.config["SEARCH_INDEX_DIR"])
    monkeypatch.setenv("MAIL_OUTBOX", app.config["MAIL_OUTBOX"])
    monkeypatch.setenv("MAIL_OUTBOX_ONLY", "1")
    monkeypatch.setenv("MAIL_OUTBOX_PAGE", "1")
    served = make_app(Settings.from_env())
    assert served.config["MAIL_OUTBOX_PAGE"] is False
    client = served.test_client()
    post_form(client, "/inscription", SIGNUP)
    assert client.get("/dev/courriels").status_code == 404


@pytest.mark.parametrize(
    "environ",
    [
        {},  # the README's gunicorn command without its variables
        {"PASSERELLE_ENV": "production", "SECRET_KEY": "k" * 48, "PUBLIC_URL": "https://p.fr"},
    ],
)
def test_without_a_mail_server_other_configurations_refuse_to_start(environ):
    with pytest.raises(RuntimeError, match="MAIL_SERVER must be set"):
        Settings.from_env(environ).check()
    Settings.from_env({**environ, "MAIL_SERVER": "smtp.example.fr"}).check()
    Settings.from_env({**environ, "MAIL_OUTBOX_ONLY": "oui"}).check()  # explicit outbox-only
    Settings.from_env(environ).check(command_line=True)  # a flask command serves nothing


def test_python_m_app_turns_the_page_on_only_without_a_mail_server():
    settings = embedded_settings("127.0.0.1", 5001, {})
    assert settings.MAIL_OUTBOX_PAGE and settings.PUBLIC_URL == "http://127.0.0.1:5001"
    settings.check()  # starts without a mail server
    assert embedded_settings("0.0.0.0", 8000, {}).PUBLIC_URL == "http://127.0.0.1:8000"
    with_smtp = embedded_settings("127.0.0.1", 5000, {"MAIL_SERVER": "smtp.example.fr"})
    assert not with_smtp.MAIL_OUTBOX_PAGE
    public = embedded_settings("127.0.0.1", 5000, {"PUBLIC_URL": "https://p.example.fr"})
    assert public.PUBLIC_URL == "https://p.example.fr"
