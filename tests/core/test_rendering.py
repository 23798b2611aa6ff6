"""One helper decides page or fragment: an htmx request gets the fragment, a boosted link or a
history restore the whole page, and every answer says Vary: HX-Request."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("headers", "whole_page"),
    [
        ({}, True),
        ({"HX-Request": "true"}, False),
        ({"HX-Request": "true", "HX-Boosted": "true"}, True),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, True),
    ],
)
def test_page_or_fragment(client, headers, whole_page):
    response = client.get("/recherche?q=creche", headers=headers)
    assert response.status_code == 200
    assert ("<html" in response.get_data(as_text=True)) is whole_page
    assert "HX-Request" in response.headers["Vary"]
