"""One structured log line per request (method, route rule, status, duration), and nothing a
person typed: no query string, no email address, no token, no password."""

from __future__ import annotations

import json
import logging

import pytest
from kit.factories import PASSWORD, make_offer
from kit.forms import post_form
from kit.pages import text_of
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


def test_a_500_is_one_json_line_without_the_values_of_the_error(
    app, client, session, user_factory, request_lines, caplog, capsys
):
    """Issue 24, finding 11. A database error quotes the row it refused (PostgreSQL: « Key
    (email)=(…) already exists », SQLAlchemy: the statement's parameters): the 500 handler logs
    one JSON line (request id, method, route, the query's field names, the exception's type, the
    traceback as one string), never a message nor a value, and the person sees the French page
    with the reference to quote."""
    from app.accounts.models import User
    from app.db import get_session

    user = user_factory("prescripteur", email=EMAIL)

    def duplicate_account(name: str):
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

    app.add_url_rule("/essai-doublon/<name>", "duplicate_account", duplicate_account)
    caplog.set_level(logging.DEBUG)
    response = client.get(f"/essai-doublon/nadia.benali?q={QUERY_WORD}&lieu=Toulon")
    assert response.status_code == 500
    page = text_of(response.get_data(as_text=True))
    assert "Une erreur est survenue de notre côté" in page
    reference = response.headers["X-Request-Id"]
    assert f"référence à citer si vous nous écrivez : {reference}" in page

    error_lines = [line for line in request_lines if '"unexpected_error"' in line]
    assert len(error_lines) == 1 and "\n" not in error_lines[0]  # ONE line
    logged = json.loads(error_lines[0])
    assert logged["level"] == "error" and logged["time"]
    assert logged["request_id"] == reference
    assert (logged["method"], logged["route"]) == ("GET", "/essai-doublon/<name>")
    assert logged["query_fields"] == ["lieu", "q"]
    assert logged["exception"] == "sqlalchemy.exc.IntegrityError"
    assert "sqlalchemy.exc.IntegrityError (message not logged)" in logged["traceback"]
    assert "in duplicate_account" in logged["traceback"]  # where it happened is kept
    # Its request line carries the same id, so the two can be joined.
    (request_line,) = [json.loads(line) for line in request_lines if '"request"' in line]
    assert (request_line["request_id"], request_line["status"]) == (reference, 500)
    everything = "\n".join(request_lines) + caplog.text + capsys.readouterr().err
    for secret in (EMAIL, "Nadia Benali", "nadia.benali", QUERY_WORD, "Toulon"):
        assert secret not in everything, secret


def test_a_request_id_from_the_proxy_is_kept_when_well_formed(client, request_lines):
    assert client.get("/", headers={"X-Request-Id": "abc-123-def"}).headers["X-Request-Id"] == (
        "abc-123-def"
    )
    forged = client.get("/", headers={"X-Request-Id": "<script>alert(1)</script>"}).headers[
        "X-Request-Id"
    ]
    assert len(forged) == 16 and forged.isalnum()
    assert [json.loads(line)["request_id"] for line in request_lines] == ["abc-123-def", forged]
