"""Alerts as people meet them: a parent's double opt-in, a prescripteur's alerts in « Mon
espace », the daily digest (one email per recipient, at most daily), unsubscription in one
click, expiry and renewal, rate limits, and who may touch which alert."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import itsdangerous.timed
import pytest
from alert_search import TOULON_10
from kit.factories import make_offer
from kit.forms import csrf_token, csrf_token_in, post_form
from kit.mails import readable
from kit.pages import controls_named, text_of
from sqlalchemy import func, select

from app.alerts.models import AlertMatch, SavedSearch
from app.alerts.services import confirm_token
from app.db import utcnow
from app.directory.models import OfferKind


def _links(message) -> list[str]:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return [re.sub(r"^https?://[^/]+", "", u) for u in re.findall(r"https?://\S+", body)]


def _text(message) -> str:
    return readable(message.get_body(preferencelist=("plain",)).get_content())


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(SavedSearch)) or 0


def _confirm_parent(client, smtp, address="amina@exemple.fr", url=TOULON_10):
    response = post_form(client, url, {"email": address, "accord": "y"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/alertes/envoyee")
    confirm = next(u for u in _links(smtp.last_to(address)) if "/alertes/confirmer/" in u)
    page = client.get(confirm).get_data(as_text=True)
    assert "Confirmer l’alerte" in text_of(page)
    done = client.post(confirm, data={"csrf_token": csrf_token_in(page)})
    assert "Votre alerte est active" in text_of(done.get_data(as_text=True))


@pytest.fixture
def base(session, daily):
    """An offer near Toulon without places; the first daily run records the offers' state."""
    offer = make_offer(session, title="Crèche Les Lucioles", free_places=0)
    assert "premier passage" in daily()
    return offer


def test_a_parent_confirms_first_then_gets_the_offer_that_gains_places(
    client, session, smtp, daily, base
):
    response = post_form(client, TOULON_10, {"email": "Amina@Exemple.fr", "accord": "y"})
    assert response.status_code == 303
    assert len(smtp.messages) == 1  # the confirmation only
    assert "Confirmez votre alerte" in smtp.messages[0]["Subject"]
    # Not confirmed: nothing is sent for it.
    base.free_places = 2
    session.commit()
    daily()
    assert len(smtp.messages) == 1
    assert session.scalar(select(func.count()).select_from(AlertMatch)) == 0
    confirm = next(u for u in _links(smtp.messages[0]) if "/alertes/confirmer/" in u)
    page = client.get(confirm).get_data(as_text=True)
    client.post(confirm, data={"csrf_token": csrf_token_in(page)})
    alert = session.scalars(select(SavedSearch)).one()
    assert alert.email == "amina@exemple.fr" and alert.confirmed_at is not None
    # Places freed again after confirmation: the digest comes.
    base.free_places = 0
    session.commit()
    daily()
    base.free_places = 3
    session.commit()
    daily()
    digest = smtp.last_to("amina@exemple.fr")
    text = _text(digest)
    assert digest["Subject"] == "Une nouvelle offre pour votre alerte"
    assert "Crèche Les Lucioles" in text and "3 places disponibles" in text
    assert f"/offre/{base.id}" in text
    assert "Toulon · 10 km" in text


def test_a_new_offer_appearing_is_sent_and_an_other_change_is_not(
    client, login, session, smtp, daily, base, user_factory
):
    me = user_factory("prescripteur", "ines@francetravail.example.org")
    login(me)
    assert post_form(client, TOULON_10, {}).status_code == 303
    base.description = "Nouvelle description"  # not a new place: nothing
    session.commit()
    daily()
    assert smtp.messages == []
    make_offer(session, title="Micro-crèche Les Pins", kind=OfferKind.MICRO_CRECHE)
    make_offer(session, title="Crèche de Marseille", code_insee="13055", free_places=4)
    daily()
    text = _text(smtp.last_to(me.email))
    assert "Micro-crèche Les Pins" in text and "nouvelle offre" in text
    assert "Marseille" not in text


def test_one_digest_per_recipient_for_all_alerts_and_at_most_daily(
    client, login, session, smtp, daily, base, user_factory
):
    me = user_factory("prescripteur", "ines@francetravail.example.org")
    login(me)
    post_form(client, TOULON_10, {})
    post_form(client, TOULON_10.replace("rayon=10", "rayon=3") + "&type=micro_creche", {})
    assert _count(session) == 2
    make_offer(session, title="Micro-crèche A", kind=OfferKind.MICRO_CRECHE, free_places=1)
    make_offer(session, title="Crèche B", offset_km=(6.0, 0.0))
    daily()
    assert len(smtp.messages) == 1
    text = _text(smtp.messages[0])
    assert "2 offres répondent à vos alertes" in text  # distinct offers
    assert smtp.messages[0]["Subject"] == "Nouvelles offres pour vos alertes"
    assert text.count("Micro-crèche A") == 2 and text.count("Crèche B") == 1
    # The same day, a new offer waits for tomorrow.
    make_offer(session, title="Crèche C")
    daily()
    assert len(smtp.messages) == 1
    for alert in session.scalars(select(SavedSearch)):
        alert.last_sent_at = utcnow() - timedelta(days=1)
    session.commit()
    daily()
    assert len(smtp.messages) == 2 and "Crèche C" in _text(smtp.messages[1])


def test_unsubscribe_in_one_click_and_from_the_link(client, session, smtp, daily, base):
    _confirm_parent(client, smtp)
    _confirm_parent(client, smtp, url=TOULON_10 + "&type=creche_collective")
    base.free_places = 1
    session.commit()
    daily()
    digest = smtp.last_to("amina@exemple.fr")
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = re.sub(r"^<https?://[^/]+|>$", "", digest["List-Unsubscribe"])
    assert header.endswith("/un-clic")
    # RFC 8058: a POST without cookie nor CSRF token, from the mail client.
    fresh = client.application.test_client()
    response = fresh.post(header, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert _count(session) == 0  # both alerts, and the address with them
    assert "amina@exemple.fr" not in str(session.execute(select(SavedSearch.email)).all())
    # The link in the body still answers, kindly.
    one = next(u for u in _links(digest) if "/alertes/desinscription/" in u)
    assert "Désinscription faite" in text_of(client.get(one).get_data(as_text=True))


def test_unsubscribe_one_alert_from_the_page(client, session, smtp, daily, base):
    _confirm_parent(client, smtp)
    _confirm_parent(client, smtp, url=TOULON_10 + "&age=24")
    base.free_places = 1
    session.commit()
    daily()
    links = [u for u in _links(smtp.last_to("amina@exemple.fr")) if "desinscription" in u]
    page = client.get(links[0]).get_data(as_text=True)
    assert "Se désinscrire" in text_of(page)
    client.post(links[0], data={"csrf_token": csrf_token_in(page)})
    assert _count(session) == 1


def test_expiry_reminder_renewal_and_purge(client, session, smtp, daily, base):
    _confirm_parent(client, smtp)
    alert = session.scalars(select(SavedSearch)).one()
    assert (alert.expires_at - utcnow()).days in (182, 183)  # 6 months
    alert.expires_at = utcnow() + timedelta(days=10)
    session.commit()
    daily()
    reminder = smtp.last_to("amina@exemple.fr")
    assert "arrivent à échéance" in reminder["Subject"]
    renew = next(u for u in _links(reminder) if "/alertes/renouveler/" in u)
    daily()
    assert len([m for m in smtp.messages if "échéance" in m["Subject"]]) == 1  # once
    page = client.get(renew).get_data(as_text=True)
    client.post(renew, data={"csrf_token": csrf_token_in(page)})
    session.expire_all()
    alert = session.scalars(select(SavedSearch)).one()
    assert alert.expires_at > utcnow() + timedelta(days=180) and alert.reminded_at is None
    alert.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    daily()
    assert _count(session) == 0


def test_an_unconfirmed_alert_goes_with_its_address_after_a_week(client, session, smtp, daily):
    post_form(client, TOULON_10, {"email": "lea@exemple.fr", "accord": "y"})
    alert = session.scalars(select(SavedSearch)).one()
    alert.created_at = utcnow() - timedelta(days=8)
    session.commit()
    daily()
    assert _count(session) == 0


def test_saving_is_rate_limited_per_address(client, session, smtp):
    statuses = [
        post_form(
            client, TOULON_10 + f"&age={a}", {"email": "x@exemple.fr", "accord": "y"}
        ).status_code
        for a in (0, 12, 24, 36)
    ]
    assert statuses == [303, 303, 303, 429]


def test_a_prescripteur_saves_several_searches_in_a_row(client, login, session, user_factory):
    login(user_factory("prescripteur", "ines@francetravail.example.org"))
    statuses = [
        post_form(client, TOULON_10 + f"&age={a}", {}).status_code for a in (0, 12, 24, 36, 48)
    ]
    assert statuses == [303] * 5 and _count(session) == 5


def test_saving_is_rate_limited_per_ip(client, session, smtp):
    statuses = [
        post_form(client, TOULON_10, {"email": f"p{i}@exemple.fr", "accord": "y"}).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [303] * 10 and statuses[10] == 429


def test_bad_input_is_told_and_kept(client, session):
    response = post_form(client, TOULON_10, {"email": "amina@", "accord": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    text = text_of(page)
    assert "Cochez la case pour recevoir les alertes." in text
    assert controls_named(page, "email")[0]["value"] == "amina@"
    for url in (
        "/alertes/nouvelle",
        "/alertes/nouvelle?lieu=Nulle-Part-Sur-Terre&rayon=7&age=deux&jours=xx&de=25:00",
        "/alertes/nouvelle?code_insee=99999&lieu=" + "x" * 500,
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "cherchez d’abord autour d’une commune" in text_of(page.get_data(as_text=True))
        token = csrf_token(client, "/connexion")
        assert client.post(url, data={"csrf_token": token}).status_code == 422
    for url in (
        "/alertes/confirmer/abc",
        "/alertes/renouveler/abc",
        "/alertes/confirmer/" + "x" * 5000,
    ):
        assert client.get(url).status_code == 404
    assert _count(session) == 0


def test_nobody_touches_another_ones_alert(client, login, session, smtp, user_factory):
    ines = user_factory("prescripteur", "ines@francetravail.example.org")
    karim = user_factory("prescripteur", "karim@mission-locale.example.org")
    login(ines)
    post_form(client, TOULON_10 + "&age=24", {})
    alert = session.scalars(select(SavedSearch)).one()
    assert "Toulon" in text_of(client.get("/compte/alertes").get_data(as_text=True))
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/compte")})
    login(karim)
    assert "Toulon" not in text_of(client.get("/compte/alertes").get_data(as_text=True))
    token = csrf_token(client, "/compte")
    for action in ("supprimer", "renouveler"):
        response = client.post(f"/compte/alertes/{alert.id}/{action}", data={"csrf_token": token})
        assert response.status_code == 404
    assert _count(session) == 1
    client.post("/deconnexion", data={"csrf_token": token})
    login(ines)
    client.post(
        f"/compte/alertes/{alert.id}/supprimer", data={"csrf_token": csrf_token(client, "/compte")}
    )
    assert _count(session) == 0


def test_the_results_page_offers_to_save_the_search(client, session, index):
    make_offer(session)
    index.sync(session)
    page = client.get("/recherche?lieu=Toulon&rayon=5&age=24&tri=distance&page=1")
    link = next(
        a for a in re.findall(r'href="([^"]+)"', page.get_data(as_text=True)) if "alertes" in a
    )
    link = link.replace("&amp;", "&")
    assert "rayon=5" in link and "age=24" in link and "tri=" not in link and "page=" not in link
    text = text_of(client.get(link).get_data(as_text=True))
    assert "Toulon · 5 km · 2 ans" in readable(text)


def test_an_expired_confirmation_link_says_so(app, client, session, smtp, monkeypatch):
    """Made 8 days ago (the link lives 7): « Lien expiré », and nothing confirmed."""
    post_form(client, TOULON_10, {"email": "lea@exemple.fr", "accord": "y"})
    alert = session.scalars(select(SavedSearch)).one()
    real = time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() - 8 * 86400)
    with app.test_request_context():
        token = confirm_token(alert)
    monkeypatch.setattr(itsdangerous.timed.time, "time", real)
    response = client.get(f"/alertes/confirmer/{token}")
    assert response.status_code == 410
    assert "Lien expiré" in text_of(response.get_data(as_text=True))
    session.expire_all()
    assert session.scalars(select(SavedSearch)).one().confirmed_at is None
