"""Emailed links never come from a request's headers (issue 24, finding 1): a reset, an
invitation, an email verification or a referral asked for with ``Host: evil.example.com`` (or,
behind a proxy, ``X-Forwarded-Host``) is refused with a 400, and every link emailed is on
PUBLIC_URL; production refuses to start without PUBLIC_URL."""

from __future__ import annotations

from datetime import date, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from kit.apps import settings_like
from kit.clients import login_as
from kit.forms import csrf_token_in, post_form
from kit.mails import text_of_mail
from kit.pages import text_of

from app import create_app
from app.config import Settings

STRONG_KEY = "k" * 48
SITE = "https://passerelle.example.fr"
EVIL = "evil.example.com"
REFUSED = "ce site ne répond pas à cette adresse"


@pytest.fixture(params=["embedded, Host", "production behind a proxy, X-Forwarded-Host"])
def site(request, app):
    """(the app, a client of it, its PUBLIC_URL, the attacker's headers)."""
    if request.param.startswith("embedded"):
        yield app, app.test_client(), "http://localhost", {"Host": EVIL}
        return
    production = create_app(
        settings_like(app, ENV="production", SECRET_KEY=STRONG_KEY, PROXY_COUNT=1, PUBLIC_URL=SITE)
    )
    client = production.test_client()
    # What the proxy in front adds to every request.
    client.environ_base.update(
        HTTP_X_FORWARDED_HOST="passerelle.example.fr",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_REFERER=f"{SITE}/",  # over HTTPS, a form's CSRF check wants its own site's Referer
    )
    yield production, client, SITE, {"X-Forwarded-Host": EVIL}
    production.extensions["search_index"].close()
    production.extensions["db_engine"].dispose()


def emails(app) -> list[str]:
    outbox = Path(app.config["MAIL_OUTBOX"])
    return [
        text_of_mail(message_from_bytes(path.read_bytes(), policy=policy.default))
        for path in sorted(outbox.glob("*.eml"))
    ]


def ask_reset(client, headers, users):
    user = users("gestionnaire", "reset@exemple.fr")
    return post_form(client, "/mot-de-passe-oublie", {"email": user.email}, headers=headers)


def sign_up(client, headers, users):
    data = {
        "role": "prescripteur",
        "full_name": "Nadia Benali",
        "email": "nadia.benali@exemple.fr",
        "organisation": "France Travail Toulon",
        "departement": "83",
        "password": "le soleil se leve sur toulon",
        "confirm": "le soleil se leve sur toulon",
    }
    return post_form(client, "/inscription", data, headers=headers)


def invite(client, headers, users):
    coordinator = users(
        "coordinateur", "coord83@caf.fr", departement_code="83", organisation="Caf du Var"
    )
    login_as(client, coordinator)
    data = {"email": "invitee@exemple.fr", "role": "prescripteur", "structure_id": ""}
    return post_form(client, "/coordination/inviter", data, headers=headers)


def refer(client, headers, users, offer, manager):
    login_as(client, users("prescripteur", "conseiller@francetravail.fr"))
    url = f"/orientations/nouvelle/{offer.id}"
    page = client.get(url).get_data(as_text=True)
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    data = {
        "csrf_token": csrf_token_in(page),
        "cle": page.split('name="cle" value="')[1][:32],
        "prenom": "Amina",
        "initiale": "K",
        "telephone": "06 12 34 56 78",
        "courriel": "amina.k@exemple.fr",
        "enfants": "2 ans",
        "debut": monday.isoformat(),
        "jours": ["lu", "ma", "me", "je", "ve"],
        "de": "8:00",
        "a": "17:30",
        "motif": "emploi",
        "message": "Reprise d’un CDD.",
        "accord": "y",
    }
    return client.post(url, data=data, headers=headers)


FLOWS = {
    "password reset": ask_reset,
    "email verification": sign_up,
    "invitation": invite,
    "referral": refer,
}


@pytest.fixture
def run_flow(user_factory, offer, manager):
    def run(name, client, headers):
        flow = FLOWS[name]
        if flow is refer:
            return refer(client, headers, user_factory, offer, manager)
        return flow(client, headers, user_factory)

    return run


@pytest.mark.parametrize("flow", FLOWS)
def test_a_foreign_host_gets_a_400_and_no_link_on_it(site, flow, run_flow):
    app, client, _public_url, attack = site
    response = run_flow(flow, client, attack)
    assert response.status_code == 400
    assert REFUSED in response.get_data(as_text=True)
    sent = emails(app)
    assert not any(EVIL in text for text in sent), sent


@pytest.mark.parametrize("flow", FLOWS)
def test_the_same_request_from_the_real_site_emails_a_link_on_public_url(site, flow, run_flow):
    app, client, public_url, _attack = site
    response = run_flow(flow, client, {})
    assert response.status_code in (200, 302), text_of(response.get_data(as_text=True))[:300]
    sent = emails(app)
    assert sent and f"{public_url}/" in sent[-1]
    assert EVIL not in sent[-1]


def test_links_stay_on_public_url_even_from_another_trusted_host(app, user_factory):
    aliased = create_app(settings_like(app, PUBLIC_URL=SITE, TRUSTED_HOSTS=("alias.example.fr",)))
    client = aliased.test_client()
    user_factory("gestionnaire", "reset@exemple.fr")
    alias = "http://alias.example.fr"
    page = client.get("/mot-de-passe-oublie", base_url=alias).get_data(as_text=True)
    response = client.post(
        "/mot-de-passe-oublie",
        data={"csrf_token": csrf_token_in(page), "email": "reset@exemple.fr"},
        base_url=alias,
    )
    assert response.status_code == 200
    assert f"{SITE}/mot-de-passe/" in emails(aliased)[-1]
    assert client.get("/", headers={"Host": EVIL}).status_code == 400
    aliased.extensions["search_index"].close()
    aliased.extensions["db_engine"].dispose()


def test_production_refuses_to_start_without_public_url(app):
    with pytest.raises(RuntimeError, match="PUBLIC_URL must be set"):
        create_app(settings_like(app, ENV="production", SECRET_KEY=STRONG_KEY, PUBLIC_URL=""))
    environ = {"PASSERELLE_ENV": "production", "SECRET_KEY": STRONG_KEY, "MAIL_SERVER": "smtp"}
    with pytest.raises(RuntimeError, match="PUBLIC_URL must be set"):
        Settings.from_env(environ).check()
    Settings.from_env({**environ, "PUBLIC_URL": SITE}).check()


def test_trusted_hosts_come_from_public_url_and_the_setting():
    settings = Settings.from_env(
        {
            "PASSERELLE_ENV": "production",
            "PUBLIC_URL": SITE + "/",
            "TRUSTED_HOSTS": "www.passerelle.example.fr, 10.0.0.5",
        }
    )
    config = settings.as_flask_config()
    assert config["PUBLIC_URL"] == SITE
    assert config["TRUSTED_HOSTS"] == [
        "passerelle.example.fr",
        "www.passerelle.example.fr",
        "10.0.0.5",
    ]
    embedded = Settings.from_env({}).as_flask_config()
    assert embedded["TRUSTED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert embedded["PUBLIC_URL"] == "http://127.0.0.1:5000"
