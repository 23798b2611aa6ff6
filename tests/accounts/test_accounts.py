"""Professional accounts: sign-up by request, email verification, approval, login, logout,
password reset, sessions — as a person would go through them, with emails through a real
local SMTP server."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner
from kit.factories import PASSWORD
from kit.forms import csrf_token, post_form
from kit.mails import link_in
from kit.pages import tags, text_of
from sqlalchemy import select

from app.accounts import services
from app.accounts.models import AccountStatus, MembershipStatus, User

SIGNUP = {
    "role": "gestionnaire",
    "full_name": "Nadia Benali",
    "email": "Nadia.Benali@Creche-Soleil.fr",
    "organisation": "Association Soleil",
    "departement": "83",
    "structure_name": "Crèche Soleil",
    "structure_kind": "association",
    "structure_siret": "",
    "password": "le soleil se leve sur toulon",
    "confirm": "le soleil se leve sur toulon",
}


def test_a_manager_signs_up_confirms_and_is_approved(client, session, smtp, user_factory, login):
    coordinator = user_factory("coordinateur", "coord83@caf.fr", departement_code="83")
    user_factory("coordinateur", "coord13@caf.fr", departement_code="13")
    response = post_form(client, "/inscription", SIGNUP)
    assert response.status_code == 302
    assert "Vérifiez votre messagerie" in text_of(
        client.get(response.headers["Location"]).get_data(as_text=True)
    )

    user = session.scalar(select(User).where(User.email == "nadia.benali@creche-soleil.fr"))
    assert user.status == AccountStatus.UNVERIFIED
    assert user.password_hash.startswith("scrypt:") and SIGNUP["password"] not in user.password_hash
    (membership,) = user.memberships
    assert membership.status == MembershipStatus.PENDING
    assert membership.structure.name == "Crèche Soleil" and membership.structure.approved is False

    # Not yet: the address is not confirmed.
    refused = post_form(
        client, "/connexion", {"email": SIGNUP["email"], "password": SIGNUP["password"]}
    )
    assert refused.status_code == 422
    assert "Confirmez d’abord votre adresse" in text_of(refused.get_data(as_text=True))

    verification = smtp.last_to("nadia.benali@creche-soleil.fr")
    assert verification["Subject"] == "Confirmez votre adresse électronique – Passerelle"
    page = client.get(link_in(smtp.text(verification)))
    assert "Adresse confirmée" in text_of(page.get_data(as_text=True))
    session.refresh(user)
    assert user.status == AccountStatus.PENDING
    # The coordinator of the département is told; the one of another département is not.
    assert "Nadia Benali" in smtp.text(smtp.last_to(coordinator.email))
    assert not [m for m in smtp.messages if "coord13" in m["To"]]

    refused = post_form(
        client, "/connexion", {"email": SIGNUP["email"], "password": SIGNUP["password"]}
    )
    assert "attend la validation" in text_of(refused.get_data(as_text=True))

    services.approve_account(session, coordinator, user)
    session.commit()
    session.refresh(membership)
    assert membership.status == MembershipStatus.APPROVED and membership.structure.approved
    ok = post_form(
        client,
        "/connexion",
        {"email": "  NADIA.benali@creche-soleil.fr ", "password": SIGNUP["password"]},
    )
    assert ok.status_code == 302
    assert "Bonjour Nadia Benali" in client.get("/compte").get_data(as_text=True)


def test_signing_up_with_a_known_address_says_the_same_and_warns_its_owner(
    client, session, smtp, user_factory
):
    owner = user_factory("prescripteur", "conseillere@francetravail.fr")
    response = post_form(
        client,
        "/inscription",
        {**SIGNUP, "email": "conseillere@francetravail.fr", "role": "prescripteur"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/inscription/envoyee")
    assert (
        session.scalar(select(User).where(User.email == owner.email)).full_name == owner.full_name
    )
    assert len(session.scalars(select(User)).all()) == 1
    warning = smtp.last_to(owner.email)
    assert "déjà un compte" in smtp.text(warning)


def test_a_failed_signup_keeps_what_was_typed_but_not_the_password(client):
    response = post_form(
        client, "/inscription", {**SIGNUP, "email": "pas-une-adresse", "confirm": "autre chose"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    text = text_of(html)
    assert "2 points à corriger" in text
    assert "Indiquez une adresse électronique valide" in text
    assert "Les deux mots de passe ne sont pas identiques." in text
    assert tags(html, "input", id="champ-full_name", value="Nadia Benali")
    assert tags(html, "input", id="champ-email", value="pas-une-adresse")
    assert tags(html, "input", id="champ-structure_name", value="Crèche Soleil")
    assert SIGNUP["password"] not in html
    assert tags(html, "option", value="83", selected="")


@pytest.mark.parametrize(
    "password, message",
    [
        ("court", "au moins 12 caractères"),
        ("aaaaaaaaaaaaaaaa", "trop simple"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(client, password, message):
    response = post_form(
        client, "/inscription", {**SIGNUP, "password": password, "confirm": password}
    )
    assert response.status_code == 422
    assert message in text_of(response.get_data(as_text=True))


def test_login_failure_does_not_tell_whether_the_address_exists(client, user_factory):
    user_factory("gestionnaire", "existe@exemple.fr")
    wrong_password = post_form(
        client, "/connexion", {"email": "existe@exemple.fr", "password": "mauvais mot de passe"}
    )
    unknown = post_form(
        client, "/connexion", {"email": "inconnu@exemple.fr", "password": "mauvais mot de passe"}
    )
    assert wrong_password.status_code == unknown.status_code == 422
    message = "Adresse électronique ou mot de passe incorrect."
    assert message in text_of(wrong_password.get_data(as_text=True))
    assert message in text_of(unknown.get_data(as_text=True))
    assert tags(
        unknown.get_data(as_text=True), "input", id="champ-email", value="inconnu@exemple.fr"
    )


def test_login_is_rate_limited(client, user_factory):
    user_factory("gestionnaire", "cible@exemple.fr")
    token = csrf_token(client)
    statuses = [
        client.post(
            "/connexion",
            data={
                "csrf_token": token,
                "email": "cible@exemple.fr",
                "password": f"essai {i} incorrect",
            },
        ).status_code
        for i in range(12)
    ]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
    refused = client.post(
        "/connexion", data={"csrf_token": token, "email": "cible@exemple.fr", "password": PASSWORD}
    )
    assert refused.status_code == 429
    assert "Trop de demandes" in text_of(refused.get_data(as_text=True))
    assert int(refused.headers["Retry-After"]) > 0


def test_login_goes_back_to_the_page_asked_but_never_off_site(client, user_factory):
    user = user_factory("gestionnaire")
    assert client.get("/compte").headers["Location"].startswith("/connexion?suivant=")
    ok = post_form(
        client,
        "/connexion?suivant=/estimer-mes-aides",
        {"email": user.email, "password": PASSWORD},
        token_from="/connexion",
    )
    assert ok.headers["Location"] == "/estimer-mes-aides"
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/compte")})
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = post_form(
            client,
            f"/connexion?suivant={evil}",
            {"email": user.email, "password": PASSWORD},
            token_from="/connexion",
        )
        assert response.headers["Location"] == "/compte", evil
        client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/compte")})


def test_logout_needs_a_post_with_its_token(client, user_factory, login):
    login(user_factory("gestionnaire"))
    assert client.get("/deconnexion").status_code == 405
    assert client.post("/deconnexion").status_code == 400  # no CSRF token
    assert client.get("/compte").status_code == 200
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/compte")})
    assert client.get("/compte").status_code == 302


def test_password_reset_works_once_and_logs_out_other_sessions(
    app, client, session, smtp, user_factory, login
):
    user = user_factory("gestionnaire", "reset@exemple.fr")
    other_device = app.test_client()
    post_form(other_device, "/connexion", {"email": user.email, "password": PASSWORD})
    assert other_device.get("/compte").status_code == 200

    sent = post_form(client, "/mot-de-passe-oublie", {"email": "Reset@Exemple.fr"})
    assert "Si un compte existe avec cette adresse" in text_of(sent.get_data(as_text=True))
    path = link_in(smtp.text(smtp.last_to(user.email)))
    new_password = "un tout nouveau mot de passe"
    done = post_form(client, path, {"password": new_password, "confirm": new_password})
    assert done.status_code == 302 and done.headers["Location"] == "/connexion"

    assert other_device.get("/compte").status_code == 302  # logged out everywhere
    assert (
        post_form(client, "/connexion", {"email": user.email, "password": PASSWORD}).status_code
        == 422
    )
    assert (
        post_form(client, "/connexion", {"email": user.email, "password": new_password}).status_code
        == 302
    )

    again = client.get(path)
    assert again.status_code == 400
    assert "n’est pas valable ou a déjà servi" in text_of(again.get_data(as_text=True))


def test_password_reset_link_expires_after_an_hour(client, smtp, user_factory, monkeypatch):
    user = user_factory("gestionnaire", "lent@exemple.fr")
    post_form(client, "/mot-de-passe-oublie", {"email": user.email})
    path = link_in(smtp.text(smtp.last_to(user.email)))
    assert client.get(path).status_code == 200
    later = int(time.time()) + 3601
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    expired = client.get(path)
    assert expired.status_code == 400
    assert "Ce lien a expiré" in text_of(expired.get_data(as_text=True))


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, smtp):
    response = post_form(client, "/mot-de-passe-oublie", {"email": "personne@exemple.fr"})
    assert response.status_code == 200
    assert "Si un compte existe avec cette adresse" in text_of(response.get_data(as_text=True))
    assert smtp.messages == []


def test_a_forged_or_damaged_link_is_refused(client):
    for path in ("/mot-de-passe/abc", "/verifier-email/abc.def.ghi", "/invitation/" + "x" * 2000):
        response = client.get(path)
        assert response.status_code in (400, 404)
        assert "Traceback" not in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite_and_secure_in_production(
    app, client, user_factory, login
):
    login(user_factory("gestionnaire"))
    # The login response set the session cookie.
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    from app import create_app
    from app.config import Settings

    production = create_app(
        Settings(
            DATABASE_URL=app.config["DATABASE_URL"],
            SEARCH_INDEX_DIR=app.config["SEARCH_INDEX_DIR"],
            SECRET_KEY="s" * 32,
            ENV="production",
        )
    )
    assert (
        production.config["SESSION_COOKIE_SECURE"] and production.config["REMEMBER_COOKIE_SECURE"]
    )
    production.extensions["search_index"].close()
    production.extensions["db_engine"].dispose()


def test_without_smtp_emails_go_to_the_outbox_shown_on_a_dev_page(app, client, tmp_path):
    app.config.update(MAIL_SERVER="", MAIL_OUTBOX=str(tmp_path / "mail"))
    post_form(client, "/inscription", {**SIGNUP, "role": "prescripteur"})
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    listing = client.get("/dev/courriels").get_data(as_text=True)
    assert "Confirmez votre adresse électronique" in listing
    message = client.get(f"/dev/courriels/{files[0].name}").get_data(as_text=True)
    assert "/verifier-email/" in message
    assert client.get("/dev/courriels/..%2F..%2Fetc%2Fpasswd").status_code == 404
    app.config["PASSERELLE_ENV"] = "production"
    assert client.get("/dev/courriels").status_code == 404


def test_a_refused_or_disabled_account_cannot_log_in(client, user_factory):
    for status, words in (("refused", "n’a pas été acceptée"), ("disabled", "désactivé")):
        user = user_factory("prescripteur", status=status)
        response = post_form(client, "/connexion", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 422
        assert words in text_of(response.get_data(as_text=True))


def test_with_redis_the_login_limit_is_shared_between_workers(app, user_factory):
    """Two app processes (here two app objects) behind one Redis count the same attempts."""
    import uuid

    from app import create_app
    from app.config import Settings

    user_factory("gestionnaire", "partage@exemple.fr")
    workers = [
        create_app(
            Settings(
                DATABASE_URL=app.config["DATABASE_URL"],
                SEARCH_INDEX_DIR=app.config["SEARCH_INDEX_DIR"],
                SECRET_KEY="test-secret",
                ENV="test",
                TESTING=True,
                REDIS_URL="redis://127.0.0.1:6379/15",
                extra={"RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"},
            )
        )
        for _ in range(2)
    ]
    try:
        clients = [worker.test_client() for worker in workers]
        statuses = []
        for attempt in range(11):
            client = clients[attempt % 2]
            token = csrf_token(client)
            statuses.append(
                client.post(
                    "/connexion",
                    data={
                        "csrf_token": token,
                        "email": "partage@exemple.fr",
                        "password": f"faux {attempt}",
                    },
                ).status_code
            )
        assert statuses[:10] == [422] * 10 and statuses[10] == 429
    finally:
        for worker in workers:
            worker.extensions["search_index"].close()
            worker.extensions["db_engine"].dispose()
