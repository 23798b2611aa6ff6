"""Every page and every form, found by enumerating the app's routes (tests/site_catalogue.py):
oversized bodies and fields are refused with a French answer, never stored; fuzzed query strings
and form fields never cause a 500 or show a stack trace, what was typed is shown back escaped,
and odd Unicode, HTML and SQL fragments are stored as typed and shown escaped."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from app.core.limits import limiter
from form_crawler import forms_of
from html_helpers import post_form
from site_catalogue import build_world, get_pages

NOT_SHOWN = ("Traceback", "sqlalchemy.exc", "jinja2.exceptions", 'File "/')


@pytest.fixture
def world(session):
    return build_world(session)


@pytest.fixture
def visitors(app, world):
    """A logged-in test client per role (None: anonymous), rate limits off for the sweep."""
    from factories import PASSWORD

    clients = {}

    def client_for(role):
        if role not in clients:
            client = app.test_client()
            if role is not None:
                response = post_form(client, "/connexion", {"email": world.users[role].email, "password": PASSWORD})
                assert response.status_code == 302, role
            clients[role] = client
        return clients[role]

    limiter.enabled = False
    yield client_for
    limiter.enabled = True


#: Longer than any field may be (the longest texts allow 5 000 characters), under the 1 MB body.
OVERSIZED = "é" * 10_001


def field_error(html: str, name: str) -> str:
    """The message next to field ``name`` (its ``erreur-<name>`` element, or
    ``erreur-<name>-<id>`` for a field repeated on a list)."""
    match = re.search(rf'id="erreur-{re.escape(name)}(?:-\d+)?"[^>]*>(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def assert_clean(response, what):
    assert response.status_code < 500, (what, response.status_code)
    body = response.get_data(as_text=True)
    for marker in NOT_SHOWN:
        assert marker not in body, (what, marker)
    return body


def test_every_page_answers_its_visitor(app, world, visitors):
    seen = set()
    for endpoint, url, role in get_pages(app, world):
        response = visitors(role).get(url)
        assert_clean(response, url)
        assert response.status_code in (200, 302), (url, role, response.status_code)
        seen.add(endpoint)
    assert {"directory.search", "accounts.signup", "management.edit_offer", "moderation.queue"} <= seen


def post_forms(app, world, visitors):
    """(page url, role, form) of every POST form with free text, on every page."""
    found = []
    for _endpoint, url, role in get_pages(app, world):
        response = visitors(role).get(url)
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        for form in forms_of(response.get_data(as_text=True), url):
            if form.method == "post" and form.text_fields:
                found.append((url, role, form))
    return found


def test_an_oversized_body_is_refused_with_a_french_page(client):
    response = client.post("/inscription", data={"full_name": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.get_data(as_text=True)


#: Fields of the offer form (new or edit) that a crèche ignores: no message, nothing stored.
IGNORED_BY_THE_OFFER_FORM = {
    "osm": "only read by « Importer ces horaires », which cuts it at 500 characters",
    **{name: "read only for a course; the world's offer is a crèche"
       for name in ("certification_name", "rncp_code", "training_hours", "organisation_uai")},
}


def test_every_free_text_field_refuses_an_oversized_value(app, session, world, visitors):
    """Each free-text field of each POST form, alone at 10 001 characters (the rest as the page
    gave it): the form comes back with that field's French message, and nothing that long is
    ever stored."""
    checked, problems = [], []
    for url, role, form in post_forms(app, world, visitors):
        client = visitors(role)
        for name in form.text_fields:
            if name == "csrf_token":
                continue
            data = [(k, v) for k, v in form.pairs if k != name] + [(name, OVERSIZED)]
            response = client.post(form.action, data=MultiDict(data))
            body = assert_clean(response, (form.action, name))
            checked.append((form.action, name))
            if response.status_code == 413:
                continue
            if response.status_code not in (200, 422):
                problems.append((form.action, name, response.status_code))
                continue
            if form.action.startswith("/gestion/offres/") and name in IGNORED_BY_THE_OFFER_FORM:
                continue
            if not field_error(body, name):
                problems.append((form.action, name, "no message next to the field"))
    assert not problems, "\n".join(map(str, problems))
    assert len(checked) > 30, checked
    assert not longest_stored_texts(session, over=5000)


def longest_stored_texts(session, over: int) -> list[tuple[str, str]]:
    """(table, column) of every text column holding a value longer than ``over`` characters."""
    from sqlalchemy import String, Text, func, select

    from app.db import Base

    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, (String, Text)):
                if session.scalar(select(func.count()).where(func.length(column) > over)):
                    found.append((table.name, column.name))
    return found
