"""One structured log line per request (method, route rule, status, duration), and nothing a
person typed: no query string, no email address, no token, no password."""

from __future__ import annotations

import json
import logging

import pytest
from kit.factories import PASSWORD, make_offer
from kit.forms import post_form
from sqlalchemy import insert

from app.core.request_log import JsonLineFormatter
from app.core.request_log import logger as request_logger

EMAIL = "nadia.benali@exemple.fr"
QUERY_WORD = "motcherchequinedoitpasfuiter"
TOKEN = "jeton-secret-de-reinitialisation"


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.setFormatter(JsonLineFormatter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def request_lines():
    handler = Lines()
    request_logger.addHandler(handler)
    yield handler.lines
    request_logger.removeHandler(handler)


def test_one_line_per_request_with_the_route_rule_not_the_path(
    client, session, index, request_lines
):
    offer = make_offer(session)
    index.sync(session)
    client.get(f"/offre/{offer.id}")
    client.get("/recherche?lieu=Toulon&jours=lu&de=25:00")
    client.get("/n-existe-pas")
    records = [json.loads(line) for line in request_lines]
    assert [(r["method"], r["route"], r["status"]) for r in records] == [
        ("GET", "/offre/<int:offer_id>", 200),
        ("GET", "/recherche", 200),
        ("GET", "(aucune)", 404),
    ]
    assert all(r["event"] == "request" and r["duration_ms"] >= 0 for r in records)
    assert records[0]["endpoint"] == "directory.offer_detail"


def test_no_query_string_email_token_or_password_in_any_log(
    client, session, index, user_factory, request_lines, caplog, capsys
):
    caplog.set_level(logging.DEBUG)  # every logger that propagates, at every level
    user_factory("gestionnaire", email=EMAIL)
    make_offer(session)
    index.sync(session)
    client.get(f"/recherche?lieu=Toulon&q={QUERY_WORD}")
    client.get(f"/lieux?lieu={QUERY_WORD}")
    post_form(client, "/connexion", {"email": EMAIL, "password": "pas le bon mot de passe"})
    post_form(client, "/connexion", {"email": EMAIL, "password": PASSWORD})
    post_form(client, "/mot-de-passe-oublie", {"email": EMAIL})
    client.get(f"/mot-de-passe/{TOKEN}")
    client.get(f"/verifier-email/{TOKEN}")

    logged = "\n".join(request_lines) + caplog.text + capsys.readouterr().err
    assert len(request_lines) >= 7
    assert '"route": "/mot-de-passe/<token>"' in logged
    for secret in (
        QUERY_WORD,
        EMAIL,
        "nadia.benali",
        TOKEN,
        PASSWORD,
        "pas le bon mot de passe",
        "lieu=Toulon",
    ):
        assert secret not in logged, secret


def test_a_500_is_logged_without_the_values_of_the_error(
    app, client, session, user_factory, caplog
):
    """A database error quotes the row it refused (PostgreSQL: « Key (email)=(…) already
    exists », SQLAlchemy: the statement's parameters): the 500 handler logs where it happened
    and its type, never its message."""
    from app.accounts.models import User
    from app.db import get_session

    user = user_factory("prescripteur", email=EMAIL)

    def duplicate_account():
        get_session().execute(
            insert(User.__table__).values(
                email=EMAIL,
                password_hash="x",
                full_name="Nadia Benali",
                organisation="",
                role=user.role,
                status=user.status,
                session_version=1,
            )
        )

    app.add_url_rule("/essai-doublon", "duplicate_account", duplicate_account)
    caplog.set_level(logging.DEBUG)
    response = client.get("/essai-doublon")
    assert response.status_code == 500
    assert "Une erreur est survenue de notre côté" in response.get_data(as_text=True)
    assert "sqlalchemy.exc.IntegrityError (message not logged)" in caplog.text
    assert "in duplicate_account" in caplog.text  # where it happened is kept
    assert EMAIL not in caplog.text and "Nadia Benali" not in caplog.text
