"""Test clients as people use them: logged in through the real login form, or asking for
htmx fragments."""

from __future__ import annotations

from kit.factories import PASSWORD
from kit.forms import post_form


def login_as(client, user, password: str = PASSWORD):
    """Log ``user`` in on ``client`` through the real login form (CSRF token included)."""
    response = post_form(client, "/connexion", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


class HtmxClient:
    """A test client whose GETs are htmx requests (``HX-Request: true``)."""

    def __init__(self, client):
        self.client = client

    def get(self, *args, **kwargs):
        headers = {"HX-Request": "true", **kwargs.pop("headers", {})}
        return self.client.get(*args, headers=headers, **kwargs)
