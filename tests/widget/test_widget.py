"""The partner widget: tokens (admin pages), the bare /widget pages and their frame-ancestors,
presets, links opening in a new tab, the /integrer snippet builder; every other route refuses
framing."""

from __future__ import annotations

import re

import pytest
from kit.forms import post_form
from kit.pages import tags, text_of
from sqlalchemy import select

from app.directory.models import OfferKind
from app.widget.models import PartnerToken
from app.widget.rules import clean_presets, origin_allowed, parse_origins


@pytest.fixture
def partner(session):
    token = PartnerToken(
        name="Caf du Var",
        token="jeton-caf-83",
        allowed_origins=["https://*.caf.fr", "https://www.caf.fr"],
        presets={"code_insee": "83137", "rayon": "5"},
        active=True,
    )
    session.add(token)
    session.commit()
    return token


def input_named(html, name):
    return next(t for t in tags(html, "input") if t.get("name") == name)


def csp(response):
    return response.headers["Content-Security-Policy"]


# ---- rules ------------------------------------------------------------------------------------


def test_origins_are_checked_like_the_browser_does():
    origins, errors = parse_origins(
        "https://www.caf.fr\nhttps://*.caf.fr/  http://localhost:8080\nwww.caf.fr\nhttps://caf.fr/page"
    )
    assert origins == ["https://www.caf.fr", "https://*.caf.fr", "http://localhost:8080"]
    assert len(errors) == 2 and "« www.caf.fr » n’est pas une origine" in errors[0]
    patterns = ["https://*.caf.fr", "http://127.0.0.2:8000"]
    assert origin_allowed("https://agence.caf.fr", patterns)
    assert not origin_allowed("https://caf.fr", patterns)  # the wildcard is for subdomains
    assert not origin_allowed("http://agence.caf.fr", patterns)
    assert not origin_allowed("https://evil-caf.fr", patterns)
    assert origin_allowed("http://127.0.0.2:8000", patterns)
    assert not origin_allowed("http://127.0.0.2:8001", patterns)
    assert not origin_allowed("null", patterns)


def test_presets_are_validated():
    assert clean_presets(
        {"code_insee": "83137", "rayon": "10", "type": "mam,micro_creche", "avip": "1"}
    )[0] == {"code_insee": "83137", "rayon": "10", "type": ["mam", "micro_creche"], "avip": "1"}
    _, errors = clean_presets(
        {"code_insee": "99999", "departement": "999", "rayon": "7", "type": ["creche"]}
    )
    assert set(errors) == {"code_insee", "departement", "rayon", "type"}


# ---- admin pages --------------------------------------------------------------------------------


def test_an_admin_creates_edits_and_revokes_a_token(client, session, login, user_factory):
    login(user_factory("admin", departement_code=None))
    created = post_form(
        client,
        "/admin/partenaires",
        {
            "name": "Mairie de Toulon",
            "origins_text": "https://www.toulon.fr\nhttps://*.toulon.fr",
            "code_insee": "83137",
            "rayon": "5",
            "type": ["creche_collective", "micro_creche"],
            "avip": "y",
        },
    )
    assert created.status_code == 302
    token = session.scalars(select(PartnerToken)).one()
    assert token.allowed_origins == ["https://www.toulon.fr", "https://*.toulon.fr"]
    assert token.presets == {
        "code_insee": "83137",
        "rayon": "5",
        "type": ["creche_collective", "micro_creche"],
        "avip": "1",
    }
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert token.token in page and 'data-commune="83137"' in page.replace("&#34;", '"').replace(
        "&quot;", '"'
    )

    revoked = post_form(
        client,
        f"/admin/partenaires/{token.id}/statut",
        {"action": "revoquer"},
        token_from=f"/admin/partenaires/{token.id}",
    )
    assert revoked.status_code == 302
    session.refresh(token)
    assert token.active is False and token.revoked_at is not None
    assert "Révoqué" in client.get("/admin/partenaires").get_data(as_text=True)
    assert client.get(f"/widget/recherche?token={token.token}").status_code == 403


def test_invalid_token_forms_are_explained_in_french(client, login, user_factory, session):
    login(user_factory("admin", departement_code=None))
    response = post_form(
        client, "/admin/partenaires", {"name": "", "origins_text": "caf.fr", "code_insee": "99999"}
    )
    assert response.status_code == 422
    text = text_of(response.get_data(as_text=True))
    assert "Indiquez le nom du partenaire." in text
    assert "« caf.fr » n’est pas une origine" in text
    assert "Code commune INSEE inconnu" in text
    assert session.scalars(select(PartnerToken)).all() == []


def test_only_admins_manage_tokens(client, login, user_factory):
    login(user_factory("coordinateur"))
    assert client.get("/admin/partenaires").status_code == 403


# ---- the widget ---------------------------------------------------------------------------------


def test_the_widget_may_be_framed_by_the_partner_origins_only(client, partner):
    response = client.get(f"/widget/recherche?token={partner.token}")
    assert response.status_code == 200
    assert "frame-ancestors 'self' https://*.caf.fr https://www.caf.fr" in csp(response)
    assert "X-Frame-Options" not in response.headers
    assert "unsafe-inline" not in csp(response)


@pytest.mark.parametrize("query", ["", "token=inconnu", "token=" + "x" * 500])
def test_an_unknown_or_missing_token_gets_a_short_french_message(client, query):
    response = client.get(f"/widget/recherche?{query}")
    assert response.status_code == 403
    assert "n’est pas activé pour ce site" in response.get_data(as_text=True)
    assert "frame-ancestors *" in csp(response)
    assert client.get(f"/widget/estimateur?{query}").status_code == 403


def test_every_other_page_refuses_framing(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if (
            "GET" not in rule.methods
            or rule.arguments
            or rule.endpoint == "static"
            or rule.rule.startswith("/widget/")
        ):
            continue
        with client.get(rule.rule) as response:  # closed: /favicon.ico is a file
            assert "frame-ancestors 'none'" in csp(response), rule.rule
            assert response.headers.get("X-Frame-Options") == "DENY", rule.rule
        checked += 1
    assert checked > 20


def test_presets_search_around_the_commune_and_links_open_in_a_new_tab(
    client, partner, offer_factory
):
    near = offer_factory(title="Crèche du Mourillon", offset_km=(1, 0))
    offer_factory(title="Crèche de Lyon", code_insee="69123")
    html = client.get(f"/widget/recherche?token={partner.token}").get_data(as_text=True)
    assert "Crèche du Mourillon" in html and "Crèche de Lyon" not in html
    assert 'value="Toulon (83 – Var)"' in html  # the preset place, shown so it can be changed
    link = tags(html, "a", href=f"/offre/{near.id}")[0]
    assert link["target"] == "_blank" and link["rel"] == "noopener"
    form = tags(html, "form", id="recherche")[0]
    assert form["action"] == "/widget/recherche"
    assert {"name": "token", "value": partner.token, "type": "hidden"}.items() <= input_named(
        html, "token"
    ).items()
    assert "site-header" not in html  # the bare layout


def test_the_url_overrides_the_token_presets(client, partner, offer_factory):
    offer_factory(title="Crèche de Lyon", code_insee="69123")
    html = client.get(f"/widget/recherche?token={partner.token}&code_insee=69123").get_data(
        as_text=True
    )
    assert "Crèche de Lyon" in html


def test_pagination_and_fragments_stay_in_the_widget(client, htmx_client, partner, offer_factory):
    for n in range(7):  # PAGE_SIZE is 5 in tests
        offer_factory(title=f"Crèche {n}", offset_km=(n * 0.1, 0))
    html = client.get(f"/widget/recherche?token={partner.token}").get_data(as_text=True)
    next_page = next(a["href"] for a in tags(html, "a", rel="next"))
    assert next_page.startswith("/widget/recherche?") and f"token={partner.token}" in next_page
    fragment = htmx_client.get(next_page)
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert "frame-ancestors 'self' https://*.caf.fr" in csp(fragment)


def test_a_departement_preset_limits_the_search(client, session, offer_factory):
    session.add(
        PartnerToken(
            name="CD 13",
            token="cd13",
            allowed_origins=["https://www.departement13.fr"],
            presets={"departement": "13"},
            active=True,
        )
    )
    session.commit()
    offer_factory(title="Crèche de Marseille", code_insee="13055")
    offer_factory(title="Crèche de Toulon")
    html = client.get("/widget/recherche?token=cd13").get_data(as_text=True)
    assert "Crèche de Marseille" in html and "Crèche de Toulon" not in html
    assert input_named(html, "departement")["value"] == "13"


def test_the_parent_origin_is_kept_only_when_the_token_allows_it(client, partner):
    allowed = client.get(
        f"/widget/recherche?token={partner.token}&parent=https://agence.caf.fr&id=w1"
    ).get_data(as_text=True)
    assert (
        'data-parent-origin="https://agence.caf.fr"' in allowed and 'data-widget-id="w1"' in allowed
    )
    other = client.get(
        f"/widget/recherche?token={partner.token}&parent=https://evil.example&id=w1"
    ).get_data(as_text=True)
    assert 'data-parent-origin=""' in other


def test_the_estimator_widget(client, partner):
    response = client.get(f"/widget/estimateur?token={partner.token}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert tags(html, "form", id="formulaire-estimation")[0]["action"] == "/widget/estimateur"
    assert input_named(html, "token")["value"] == partner.token
    assert "frame-ancestors 'self' https://*.caf.fr" in csp(response)


def test_kinds_in_the_url_preselect_the_search(client, partner, offer_factory):
    offer_factory(title="MAM Les Doudous", kind=OfferKind.MAM)
    offer_factory(title="Crèche Les Lilas")
    html = client.get(f"/widget/recherche?token={partner.token}&type=mam").get_data(as_text=True)
    assert "MAM Les Doudous" in html and "Crèche Les Lilas" not in html


# ---- /integrer -----------------------------------------------------------------------------------


def test_the_embed_page_builds_the_snippet_and_the_preview(client, htmx_client):
    page = client.get(
        "/integrer?widget=recherche&token=abc&lieu=Toulon&rayon=5&type=mam&type=micro_creche&avip=y"
    )
    html = page.get_data(as_text=True)
    snippet = text_of(
        re.search(r'<textarea id="code-widget"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    ).split()
    assert snippet[:4] == [
        "<script",
        'src="http://localhost/static/js/embed.js"',
        'data-token="abc"',
        'data-widget="recherche"',
    ]
    assert snippet[4:] == [
        'data-commune="83137"',
        'data-rayon="5"',
        'data-types="mam,micro_creche"',
        'data-avip="1"',
        "async></script>",
    ]
    preview = tags(html, "iframe")[0]["src"]
    assert (
        preview
        == "/widget/recherche?token=abc&code_insee=83137&rayon=5&type=mam&type=micro_creche&avip=1"
    )
    assert "Demandez un jeton" in html
    fragment = htmx_client.get("/integrer?widget=estimateur").get_data(as_text=True)
    assert "<html" not in fragment and "/widget/estimateur?apercu=1" in fragment


def test_the_preview_without_token_is_framed_by_this_site_only(client):
    response = client.get("/widget/recherche?apercu=1")
    assert response.status_code == 200 and csp(response).endswith("frame-ancestors 'self'")


def test_an_unknown_place_on_the_embed_page_is_explained(client):
    html = client.get("/integrer?lieu=Zzzzzzz").get_data(as_text=True)
    assert "Zzzzzzz" in html and tags(html, "iframe")[0]["src"] == "/widget/recherche?apercu=1"
    assert "aria-invalid" in html


@pytest.mark.parametrize("token", ["nul\x00octet", "x" * 65, "<script>", "jeton caf", "é"])
def test_a_token_of_the_wrong_shape_gets_the_french_message_not_an_error(client, token):
    for path in ("/widget/recherche", "/widget/estimateur"):
        response = client.get(path, query_string={"token": token})
        assert response.status_code == 403
        assert "<script>" not in response.get_data(as_text=True)
