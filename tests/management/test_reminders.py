"""Freshness: « à vérifier » after 3 months (rule, list, public search) and the reminder command
(one email per manager through a real SMTP server, at most once per 30 days)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from kit.factories import make_offer
from kit.mails import readable, retries_due
from kit.pages import section, text_of

from app.core.dates import add_months
from app.db import utcnow
from app.directory.models import Offer, OfferStatus, Structure, StructureKind
from app.directory.rules import is_stale, months_elapsed
from app.management.commands import remind_stale_offers
from app.management.presenters import freshness_text


@pytest.mark.parametrize(
    "updated, today, stale",
    [
        (date(2026, 8, 21), date(2026, 11, 21), True),  # exactly 3 months
        (date(2026, 8, 22), date(2026, 11, 21), False),
        (
            date(2026, 11, 30),
            date(2027, 2, 28),
            True,
        ),  # end of month: 28 February is 3 months after 30 November
        (date(2026, 11, 30), date(2027, 2, 27), False),
    ],
)
def test_an_offer_is_to_be_checked_three_months_after_its_last_update(updated, today, stale):
    assert is_stale(updated, today) is stale


@given(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.integers(0, 500))
def test_stale_is_three_calendar_months_everywhere(today, days):
    updated = today - timedelta(days=days)
    stale = add_months(updated, 3) <= today
    assert is_stale(updated, today) is stale
    assert (months_elapsed(updated, today) >= 3) is stale


@pytest.mark.parametrize(
    "updated, text",
    [
        (date(2026, 11, 21), "mis à jour aujourd’hui"),
        (date(2026, 11, 20), "mis à jour hier"),
        (date(2026, 11, 16), "mis à jour il y a 5\u00a0jours"),
        (date(2026, 11, 5), "mis à jour il y a 2\u00a0semaines"),
        (date(2026, 10, 31), "mis à jour il y a 3\u00a0semaines"),
        (date(2026, 9, 21), "mis à jour il y a 2\u00a0mois"),
        (date(2026, 8, 21), "mis à jour il y a 3\u00a0mois"),
        (date(2025, 10, 1), "mis à jour il y a 1\u00a0an"),
        (date(2023, 1, 1), "mis à jour il y a 3\u00a0ans"),
    ],
)
def test_freshness_in_words(updated, text):
    assert freshness_text(updated, date(2026, 11, 21)) == text


def ago(days):
    return utcnow() - timedelta(days=days)


@pytest.fixture
def stale_world(session, structure, user_factory):
    """Two gestionnaires share a structure with two stale offers; another structure has a
    stale offer and one gestionnaire; fresh, draft and unmanaged offers get no email."""
    other = Structure(name="Crèche familiale du Port", kind=StructureKind.COMMUNE)
    first = make_offer(session, title="Les Lucioles", structure=structure, updated_at=ago(100))
    second = make_offer(
        session, title="Les Lucioles – annexe", structure=structure, updated_at=ago(200)
    )
    third = make_offer(session, title="Le Port", structure=other, updated_at=ago(95))
    make_offer(session, title="Fraîche", structure=structure, updated_at=ago(10))
    make_offer(
        session,
        title="Brouillon",
        structure=structure,
        status=OfferStatus.DRAFT,
        updated_at=ago(300),
    )
    make_offer(session, title="Sans gestionnaire", updated_at=ago(300))
    people = {
        "nadia": user_factory(
            "gestionnaire", email="nadia@lucioles.example.org", structures=[structure]
        ),
        "paul": user_factory(
            "gestionnaire", email="paul@lucioles.example.org", structures=[structure]
        ),
        "lea": user_factory("gestionnaire", email="lea@port.example.org", structures=[other]),
        "gone": user_factory(
            "gestionnaire", email="parti@port.example.org", structures=[other], status="disabled"
        ),
    }
    return {"offers": (first, second, third), "people": people}


def test_the_command_emails_each_manager_once_and_not_again_within_30_days(
    app, session, smtp, stale_world
):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["remind-stale-offers"])
    assert result.exit_code == 0, result.output
    assert "3 courriels de rappel envoyés pour 3 offres à vérifier." in result.output
    assert "1 offre à vérifier sans gestionnaire à prévenir." in result.output
    assert sorted(m["To"] for m in smtp.messages) == [
        "lea@port.example.org",
        "nadia@lucioles.example.org",
        "paul@lucioles.example.org",
    ]
    body = readable(smtp.text(smtp.last_to("nadia@lucioles.example.org")))
    assert "Ces 2 offres n’ont pas été mises à jour depuis plus de 3 mois" in body
    first, second, _third = stale_world["offers"]
    assert f"/gestion/offres/{first.id}" in body and f"/gestion/offres/{second.id}" in body
    assert "Le Port" not in body and "Fraîche" not in body and "Brouillon" not in body
    assert (
        smtp.last_to("nadia@lucioles.example.org")["Subject"]
        == "Vos offres sont-elles à jour\u202f? – Passerelle"
    )

    session.expire_all()
    for offer in stale_world["offers"]:
        fresh = session.get(Offer, offer.id)
        assert fresh.reminded_at is not None
        assert is_stale(fresh.updated_at, date.today())  # a reminder is not an update

    again = runner.invoke(args=["remind-stale-offers"])
    assert "0 courriel de rappel envoyé pour 0 offre à vérifier." in again.output
    assert len(smtp.messages) == 3


def test_a_reminder_goes_again_after_30_days(app, session, smtp, stale_world):
    with app.app_context():
        assert remind_stale_offers(echo=lambda *a, **k: None) == 3
    first = stale_world["offers"][0]
    session.execute(
        Offer.__table__.update()
        .where(Offer.id == first.id)
        .values(reminded_at=ago(31), updated_at=Offer.updated_at)
    )
    session.commit()
    with app.app_context():
        assert (
            remind_stale_offers(echo=lambda *a, **k: None) == 2
        )  # Nadia and Paul, for that offer only
    assert len(smtp.messages) == 5
    assert "Votre offre n’a pas été mise à jour" in smtp.text(smtp.messages[-1])


def test_a_refused_reminder_waits_in_the_queue_and_goes_later(app, session, smtp, stale_world):
    port = app.config["MAIL_PORT"]
    app.config.update(MAIL_PORT=9)  # nothing listens there
    result = app.test_cli_runner().invoke(args=["remind-stale-offers"])
    assert "3 courriels de rappel envoyés" in result.output
    assert "3 courriel(s) refusé(s) par le serveur de courriel pour l’instant" in result.output
    assert smtp.messages == []
    app.config.update(MAIL_PORT=port)
    retries_due(session)
    sent = app.test_cli_runner().invoke(args=["mail", "send-pending"])
    assert "Courriels : 3 envoyé(s)" in sent.output
    assert "Ces 2 offres" in readable(smtp.text(smtp.last_to("nadia@lucioles.example.org")))
    # Not reminded again meanwhile: the queued emails are the reminders.
    assert (
        "0 courriel de rappel" in app.test_cli_runner().invoke(args=["remind-stale-offers"]).output
    )


def test_stale_offers_show_a_badge_in_the_public_search(client, session, index, structure):
    make_offer(
        session,
        title="Crèche ancienne",
        structure=structure,
        updated_at=datetime.now() - timedelta(days=120),
    )
    make_offer(session, title="Crèche récente", structure=structure, offset_km=(1.0, 0.0))
    index.sync(session)
    html = client.get("/recherche?lieu=Toulon").get_data(as_text=True)
    cards = html.split('<li class="offer-card">')[1:]
    old = text_of(next(c for c in cards if "Crèche ancienne" in c))
    recent = text_of(next(c for c in cards if "Crèche récente" in c))
    assert (
        "À vérifier" in old and "(il y a plus de 3 mois : à vérifier auprès de la structure)" in old
    )
    assert "À vérifier" not in recent
    assert "badge--stale" in section(html, "resultats")
