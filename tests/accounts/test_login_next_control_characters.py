"""A line break (or any control character) in the login's « suivant » (issue 24, finding 8):
after a good password, a safe redirect to the account page, never a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from kit.factories import PASSWORD
from kit.forms import post_form


@pytest.mark.parametrize("suivant", ["/compte\n", "/\r\nSet-Cookie: x=1", "/gestion\x00", "/a\x7f"])
def test_a_control_character_in_suivant_leads_to_the_account_page(client, user_factory, suivant):
    user = user_factory("prescripteur", "conseiller@francetravail.fr")
    url = f"/connexion?suivant={quote(suivant)}"
    response = post_form(client, url, {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/compte"
    assert "Set-Cookie: x" not in str(response.headers)
    assert client.get("/compte").status_code == 200


def test_a_plain_path_in_suivant_is_still_followed(client, user_factory):
    user = user_factory("prescripteur", "conseiller@francetravail.fr")
    response = post_form(
        client, "/connexion?suivant=/orientations", {"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/orientations"
