"""The estimator's htmx-only addresses answer a fragment to htmx and a redirect to the page
otherwise: both say Vary: HX-Request, so that no cache gives one for the other."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "path", ["/estimer-mes-aides/valider?activite=cdi", "/estimer-mes-aides/enfants?activite=cdi"]
)
def test_fragment_and_redirect_both_vary_on_hx_request(client, htmx_client, path):
    fragment = htmx_client.get(path)
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    plain = client.get(path)
    assert plain.status_code == 302
    assert plain.headers["Location"].startswith("/estimer-mes-aides?")
    assert "HX-Request" in plain.headers["Vary"]
