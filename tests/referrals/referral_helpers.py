"""Helpers of the referral tests: send a referral through the real form, read links in emails."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from html_helpers import csrf_token


def form_key(html: str) -> str:
    return re.search(r'name="cle" value="([0-9a-f]{32})"', html).group(1)


def send(client, offer, data: dict, *, confirm: bool = False, key: str | None = None):
    """POST the « Orienter un parent » form as a browser does (CSRF token and the form's key)."""
    page = client.get(f"/orientations/nouvelle/{offer.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    payload = {"csrf_token": token, "cle": key or form_key(page), **data}
    if confirm:
        payload["confirmer"] = "1"
    return client.post(f"/orientations/nouvelle/{offer.id}", data=payload)


def referral_id_of(response) -> int:
    return int(re.search(r"/orientations/(\d+)$", response.headers["Location"]).group(1))


def link_in(text: str) -> str:
    """The path of the first link of an email."""
    return urlsplit(re.search(r"https?://\S+", text).group(0)).path


def post_on(client, page: str, url: str, data: dict):
    """POST a form of ``page`` (its CSRF token) to ``url``."""
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data})


def readable(text: str) -> str:
    """An email as read: no-break spaces as spaces, one kind of line break."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\r\n", "\n")


def controls_named(html: str, control_name: str, tag: str = "input") -> list[dict]:
    """The ``tag`` elements whose ``name`` attribute is ``control_name``."""
    from html_helpers import tags

    return [a for a in tags(html, tag) if a.get("name") == control_name]
