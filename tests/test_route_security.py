"""Every route of the app, enumerated: each POST/PUT/PATCH/DELETE without a CSRF token is
refused (the JSON API aside, see README), each private route refuses anonymous visitors, and
security headers are on every response."""

from __future__ import annotations

import pytest

PRIVATE_PREFIXES = (
    "/gestion",
    "/coordination",
    "/compte",
    "/label-avip",
    "/orientations",
    "/admin",
)
# Public pages under a private prefix: a structure answers a referral from its emailed, signed
# link without an account; the page for parents about their data.
PUBLIC_EXCEPTIONS = ("/orientations/reponse/", "/orientations/vos-donnees")
CSRF_EXEMPT_PREFIXES = ("/api/",)
#: RFC 8058's one-click unsubscription: the mail client POSTs without a page, so without a CSRF
#: token; the signed link is the authority (a broken one is a 404, tests/alerts).
ONE_CLICK_SUFFIX = "/un-clic"


def concrete(rule) -> str:
    """The rule's URL with placeholder values for its arguments."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        values[name] = 1 if converter in ("IntegerConverter", "FloatConverter") else "x"
    return rule.build(values, append_unknown=False)[1]


def routes(app, methods):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods & methods):
            yield method, concrete(rule)


def test_every_state_changing_route_requires_a_csrf_token(app, client, user_factory, login):
    login(user_factory("admin", departement_code=None))
    checked = []
    for method, url in routes(app, {"POST", "PUT", "PATCH", "DELETE"}):
        if url.startswith(CSRF_EXEMPT_PREFIXES):
            continue
        if url.endswith(ONE_CLICK_SUFFIX):
            assert client.open(url, method=method, data={"x": "1"}).status_code == 404, url
            continue
        response = client.open(url, method=method, data={"x": "1"})
        assert response.status_code == 400, (method, url, response.status_code)
        assert "Le formulaire a expiré" in response.get_data(as_text=True), (method, url)
        checked.append(url)
    assert "/connexion" in checked and "/deconnexion" in checked


def test_every_private_page_sends_anonymous_visitors_to_the_login(app, client):
    checked = []
    for _method, url in routes(app, {"GET"}):
        if url.startswith(PRIVATE_PREFIXES) and not url.startswith(PUBLIC_EXCEPTIONS):
            response = client.get(url)
            assert response.status_code == 302, (url, response.status_code)
            assert response.headers["Location"].startswith("/connexion?suivant="), url
            checked.append(url)
    assert "/compte" in checked and "/orientations" in checked and "/orientations/1" in checked


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/recherche",
        "/estimer-mes-aides",
        "/connexion",
        "/inscription",
        "/api/v1/openapi.json",
        "/api",
        "/api/v1/offres",
        "/n-existe-pas",
    ],
)
def test_security_headers_are_on_every_response(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert (
        "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]
