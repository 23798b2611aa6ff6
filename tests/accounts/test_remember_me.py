"""« Rester connecté·e » (issue 24, finding 6): a remember cookie lasts weeks, not a year, and
« Se déconnecter » revokes it server-side: a copy replayed from another browser opens nothing."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

from kit.factories import PASSWORD
from kit.forms import csrf_token, post_form
from kit.pages import text_of


def remember_me(client, user) -> str:
    response = post_form(
        client, "/connexion", {"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "remember_token=" in c)
    return cookie


def browser_with_only(app, token: str):
    other = app.test_client()
    other.set_cookie("remember_token", token)
    return other


def test_a_copied_remember_cookie_opens_nothing_after_logout(app, client, user_factory):
    user = user_factory("prescripteur", "conseiller@francetravail.fr")
    remember_me(client, user)
    token = client.get_cookie("remember_token").value
    # Before logout, the cookie alone opens the account from another browser...
    thief = browser_with_only(app, token)
    assert thief.get("/compte").status_code == 200

    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/compte")})
    assert client.get("/compte").status_code == 302

    # ... after « Se déconnecter », the same copy opens nothing: the login page.
    replayed = browser_with_only(app, token)
    response = replayed.get("/compte", follow_redirects=True)
    assert response.request.path == "/connexion"
    page = response.get_data(as_text=True)
    assert text_of(page).startswith("Connexion – Passerelle") and 'name="password"' in page
    assert thief.get("/compte").status_code == 302  # the browser that used it is logged out too


def test_the_remember_cookie_lasts_thirty_days(client, user_factory):
    cookie = remember_me(client, user_factory("prescripteur", "conseiller@francetravail.fr"))
    expires = next(p for p in cookie.split("; ") if p.lower().startswith("expires="))
    days = (parsedate_to_datetime(expires.split("=", 1)[1]).timestamp() - time.time()) / 86400
    assert 29.9 < days <= 30
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
