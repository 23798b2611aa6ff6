"""A partner asks for a token on /integrer; an admin approves it (the token is emailed and its
origins may frame the widget) or declines it with a reason (emailed; the request is deleted
DECLINED_KEPT_DAYS later by the daily job). The snippet and its preview on /integrer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from kit.factories import make_offer
from kit.forms import csrf_token, post_form
from kit.mails import readable, text_of_mail
from kit.pages import text_of
from sqlalchemy import select

from app.core.limits import limiter
from app.db import utcnow
from app.referrals.commands import run_daily
from app.widget.models import PartnerRequest, PartnerToken, RequestStatus
from app.widget.rules import DECLINED_KEPT_DAYS, declined_purge_due, snippet

FORM = "/integrer/demander-un-jeton"
GOOD = {
    "organisation": "Mission locale de Toulon",
    "siret": "130 005 481 00010",
    "origins_text": "https://www.ml-toulon.fr\nhttps://*.ml-toulon.fr/",
    "contact_name": "Sophie Durand",
    "contact_email": "sophie.durand@ml-toulon.fr",
    "intended_use": "La recherche de garde sur la page « Parents » de notre site.",
}


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def ask(client, **changes):
    return post_form(client, FORM, {**GOOD, **changes})


@pytest.fixture
def admin(user_factory):
    return user_factory("admin", "admin@passerelle.example.org", departement_code=None)


@pytest.fixture
def no_limits():
    limiter.enabled = False
    yield
    limiter.enabled = True


@pytest.fixture
def waiting(client, session):
    assert ask(client).status_code == 302
    return session.scalars(select(PartnerRequest)).one()


# ---- the request form --------------------------------------------------------------------------


def test_a_partner_asks_for_a_token(client, session):
    page = client.get("/integrer").get_data(as_text=True)
    assert 'href="/integrer/demander-un-jeton"' in page
    sent = ask(client)
    assert sent.status_code == 302 and sent.headers["Location"] == "/integrer"
    shown = plain(text_of(client.get("/integrer").get_data(as_text=True)))
    assert "Demande envoyée" in shown and "sophie.durand@ml-toulon.fr" in shown
    request = session.scalars(select(PartnerRequest)).one()
    assert request.status is RequestStatus.PENDING
    assert request.siret == "13000548100010"
    assert request.origins == ["https://www.ml-toulon.fr", "https://*.ml-toulon.fr"]
    assert session.scalars(select(PartnerToken)).all() == []  # nothing allowed before a decision


@pytest.mark.parametrize(
    ("origins", "message"),
    [
        ("http://www.ml-toulon.fr", "seules les adresses en https sont acceptées"),
        ("www.ml-toulon.fr", "« www.ml-toulon.fr » n’est pas une origine"),
        ("https://www.ml-toulon.fr/parents", "n’est pas une origine"),
        ("", "Indiquez au moins une adresse de site."),
    ],
)
def test_origins_must_be_https_origins_and_are_shown_back(client, session, origins, message):
    response = ask(client, origins_text=origins)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in plain(text_of(html))
    assert origins in html  # what was typed stays in its field
    assert GOOD["intended_use"].replace("« ", "«").split()[0] in html
    assert session.scalars(select(PartnerRequest)).all() == []


def test_other_fields_are_explained_in_french(client):
    response = ask(client, organisation="", contact_email="sophie@", siret="123", intended_use="")
    text = plain(text_of(response.get_data(as_text=True)))
    assert response.status_code == 422
    for message in (
        "Indiquez le nom de votre organisme.",
        "Indiquez une adresse électronique valide",
        "Un SIRET compte 14 chiffres.",
        "Dites en quelques mots l’usage prévu.",
    ):
        assert message in text


@pytest.mark.parametrize(
    "bad",
    ["\x00", "é" * 5000, "https://" + "a" * 300 + ".fr", "https://[::1]", "<script>"],
)
def test_no_input_makes_a_500(client, no_limits, bad):
    for field in GOOD:
        assert ask(client, **{field: bad}).status_code in (302, 422)


def test_the_form_needs_its_csrf_token(client, session):
    assert client.post(FORM, data=GOOD).status_code in (400, 422)
    assert session.scalars(select(PartnerRequest)).all() == []


def test_the_form_is_rate_limited(client):
    token = csrf_token(client, FORM)
    statuses = [
        client.post(FORM, data={"csrf_token": token, **GOOD, "organisation": ""}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [422] * 5 and statuses[5] == 429


# ---- the admins' queue and the decision -------------------------------------------------------


def test_the_request_waits_in_the_admins_queue(client, login, admin, waiting):
    login(admin)
    for page in ("/admin/partenaires", "/coordination"):
        text = plain(text_of(client.get(page).get_data(as_text=True)))
        assert "Demandes de jeton" in text and "Mission locale de Toulon (1)" not in text
        assert "Mission locale de Toulon" in text
    detail = plain(text_of(client.get(f"/admin/partenaires/demandes/{waiting.id}").get_data(True)))
    assert "https://*.ml-toulon.fr" in detail and "sophie.durand@ml-toulon.fr" in detail


def test_coordinators_do_not_see_partner_requests(client, login, user_factory, waiting):
    login(user_factory("coordinateur"))
    assert "Mission locale" not in client.get("/coordination").get_data(as_text=True)
    assert client.get(f"/admin/partenaires/demandes/{waiting.id}").status_code == 403


def test_an_admin_approves_the_token_is_emailed_and_works(
    client, session, login, admin, waiting, smtp
):
    login(admin)
    approved = post_form(
        client,
        f"/admin/partenaires/demandes/{waiting.id}/accepter",
        {"name": "Mission locale de Toulon", "origins_text": "https://www.ml-toulon.fr"},
        token_from=f"/admin/partenaires/demandes/{waiting.id}",
    )
    assert approved.status_code == 302
    session.expire_all()
    token = session.scalars(select(PartnerToken)).one()
    assert token.allowed_origins == ["https://www.ml-toulon.fr"]  # as the admin confirmed
    assert waiting.status is RequestStatus.APPROVED and waiting.token_id == token.id

    mail = smtp.last_to("sophie.durand@ml-toulon.fr")
    body = readable(text_of_mail(mail))
    assert "Votre jeton pour le widget" in readable(mail["Subject"])
    assert f"Votre jeton : {token.token}" in body
    assert f'  data-token="{token.token}"\n' in body  # the code, one attribute a line
    assert "- https://www.ml-toulon.fr\n" in body
    assert f"/integrer?token={token.token}" in body

    # The widget now answers for that site only (CSP frame-ancestors), the API reads from it.
    widget = client.get(f"/widget/recherche?token={token.token}")
    assert widget.status_code == 200
    assert (
        "frame-ancestors 'self' https://www.ml-toulon.fr"
        in widget.headers["Content-Security-Policy"]
    )
    api = client.get("/api/v1/communes?q=Toulon", headers={"Origin": "https://www.ml-toulon.fr"})
    assert api.headers["Access-Control-Allow-Origin"] == "*"

    # Decided once: a second approval changes nothing.
    again = post_form(
        client,
        f"/admin/partenaires/demandes/{waiting.id}/accepter",
        {"name": "Autre", "origins_text": "https://autre.fr"},
        token_from="/admin/partenaires",
    )
    assert again.status_code == 302
    assert len(session.scalars(select(PartnerToken)).all()) == 1


def test_the_admin_may_fix_the_origins_and_is_told_what_is_wrong(
    client, session, login, admin, waiting
):
    login(admin)
    response = post_form(
        client,
        f"/admin/partenaires/demandes/{waiting.id}/accepter",
        {"name": "", "origins_text": "ml-toulon.fr"},
        token_from=f"/admin/partenaires/demandes/{waiting.id}",
    )
    assert response.status_code == 422
    text = plain(text_of(response.get_data(as_text=True)))
    assert (
        "Indiquez le nom du partenaire." in text
        and "« ml-toulon.fr » n’est pas une origine" in text
    )
    assert session.scalars(select(PartnerToken)).all() == []


def test_an_admin_declines_with_a_reason_and_it_is_purged_later(
    app, client, session, login, admin, waiting, smtp
):
    login(admin)
    url = f"/admin/partenaires/demandes/{waiting.id}/refuser"
    without = post_form(client, url, {"reason": ""}, token_from="/admin/partenaires")
    assert without.status_code == 422
    assert "Indiquez le motif du refus" in plain(text_of(without.get_data(as_text=True)))
    declined = post_form(
        client,
        url,
        {"reason": "Le site n’est pas celui d’un organisme public."},
        token_from="/admin/partenaires",
    )
    assert declined.status_code == 302
    body = readable(text_of_mail(smtp.last_to("sophie.durand@ml-toulon.fr")))
    assert "Le site n’est pas celui d’un organisme public." in body
    assert f"effacée dans {DECLINED_KEPT_DAYS} jours" in body
    assert session.scalars(select(PartnerToken)).all() == []

    with app.app_context():
        run_daily(echo=lambda _: None)  # too early: kept
    session.expire_all()
    assert session.get(PartnerRequest, waiting.id) is not None
    waiting.decided_at = utcnow() - timedelta(days=DECLINED_KEPT_DAYS, minutes=1)
    session.commit()
    lines = []
    with app.app_context():
        run_daily(echo=lines.append)
    session.expire_all()
    assert session.scalars(select(PartnerRequest)).all() == []
    assert "1 demande de jeton refusée(s) effacée(s)" in plain(lines[0])


def test_the_purge_rule():
    now = utcnow()
    assert not declined_purge_due(None, now)
    assert not declined_purge_due(now - timedelta(days=DECLINED_KEPT_DAYS - 1), now)
    assert declined_purge_due(now - timedelta(days=DECLINED_KEPT_DAYS), now)


# ---- the snippet and the preview ---------------------------------------------------------------


def test_the_snippet_puts_one_attribute_a_line_and_escapes_values():
    code = snippet("https://passerelle.fr", [("data-token", 'a"b'), ("data-widget", "recherche")])
    assert code.splitlines() == [
        "<script",
        '  src="https://passerelle.fr/static/js/embed.js"',
        '  data-token="a&quot;b"',
        '  data-widget="recherche"',
        "  async></script>",
    ]


def test_the_code_is_in_a_readonly_textarea_with_a_copy_button(client):
    html = client.get("/integrer?token=mon-jeton").get_data(as_text=True)
    assert '<textarea id="code-widget"' in html and "readonly" in html
    assert "data-token=&#34;mon-jeton&#34;" in html or "data-token=&quot;mon-jeton&quot;" in html
    assert 'data-copy="code-widget"' in html and "Copier le code" in html


def test_the_preview_shows_a_sample_place_when_none_is_chosen(client, session):
    offer = make_offer(session, title="Crèche Les Mimosas", code_insee="83137")
    html = client.get("/integrer").get_data(as_text=True)
    assert f"code_insee={offer.code_insee}" in html
    assert "Aperçu autour de Toulon" in plain(text_of(html))
    assert "data-commune" not in html  # the sample is not in the code to paste
    chosen = client.get("/integrer?lieu=Hy%C3%A8res").get_data(as_text=True)
    assert "Aperçu autour" not in chosen and "data-commune=" in chosen
