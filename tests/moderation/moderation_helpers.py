"""Helpers of the coordination tests."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from factories import PASSWORD
from html_helpers import post_form


def login_as(client, user):
    """Log ``user`` in on ``client`` through the real login form."""
    response = post_form(client, "/connexion", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def link_in(message_text: str) -> str:
    """The path (and query) of the first link of an email."""
    parts = urlsplit(re.search(r"https?://\S+", message_text).group(0))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def readable(text: str) -> str:
    """An email's subject or body as read: no-break spaces as spaces, one kind of line break."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\r\n", "\n")
