"""The « Orienter un parent » form, sent as a browser does (CSRF token and the form's key), and
the referral a redirect points to."""

from __future__ import annotations

import re

from kit.forms import csrf_token_in


def form_key(html: str) -> str:
    return re.search(r'name="cle" value="([0-9a-f]{32})"', html).group(1)


def send(client, offer, data: dict, *, confirm: bool = False, key: str | None = None):
    """POST the « Orienter un parent » form as a browser does (CSRF token and the form's key)."""
    page = client.get(f"/orientations/nouvelle/{offer.id}").get_data(as_text=True)
    payload = {"csrf_token": csrf_token_in(page), "cle": key or form_key(page), **data}
    if confirm:
        payload["confirmer"] = "1"
    return client.post(f"/orientations/nouvelle/{offer.id}", data=payload)


def referral_id_of(response) -> int:
    return int(re.search(r"/orientations/(\d+)$", response.headers["Location"]).group(1))
