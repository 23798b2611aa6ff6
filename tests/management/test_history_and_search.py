"""History of an offer (who, when, what: before → after, hours as text, in the same transaction)
and a published change found right away by the public search."""

from __future__ import annotations

import re
from datetime import timedelta

from kit.forms import read_form, with_values
from kit.pages import section, text_of
from sqlalchemy import select

from app.db import utcnow
from app.directory.models import Offer, OfferChange
from app.management import services
from app.search.changes import SearchChange


def save(client, offer, **changes):
    values = read_form(client.get(f"/gestion/offres/{offer.id}").get_data(as_text=True))
    response = client.post(f"/gestion/offres/{offer.id}", data=with_values(values, **changes))
    assert response.status_code == 302, text_of(response.get_data(as_text=True))[:1500]
    return response


def test_history_records_who_when_and_what(client, session, offer, logged_manager):
    before = utcnow()
    save(client, offer, title="Multi-accueil Les Lucioles (Mourillon)", slots__0__opens="6:00")
    change = session.scalars(select(OfferChange).where(OfferChange.offer_id == offer.id)).one()
    assert change.user_id == logged_manager.id and change.action == "updated"
    assert before - timedelta(seconds=1) <= change.at <= utcnow()
    assert change.changes["title"] == [
        "Multi-accueil Les Lucioles",
        "Multi-accueil Les Lucioles (Mourillon)",
    ]
    nbsp = "\u00a0"
    assert change.changes["hours"][0].startswith(
        f"lundi 7{nbsp}h{nbsp}30{nbsp}– 18{nbsp}h{nbsp}30 ; mardi"
    )
    assert change.changes["hours"][1].startswith(
        f"lundi 6{nbsp}h{nbsp}00{nbsp}– 18{nbsp}h{nbsp}30 ; mardi"
    )
    assert set(change.changes) == {"title", "hours"}

    html = client.get(f"/gestion/offres/{offer.id}/historique").get_data(as_text=True)
    page = text_of(html)
    assert re.search(
        (
            r"Modification — le \d{1,2}(er)? \w+ \d{4} à \d{1,2} h \d\d, par Nadia Benali \(Crèche "
            r"test\)"
        ),
        page,
    )
    assert (
        "Nom de l’offre : avant : Multi-accueil Les Lucioles →, après : Multi-accueil Les "
        "Lucioles (Mourillon)"
    ) in page
    assert "Horaires : avant : lundi 7 h 30 – 18 h 30" in page


def test_the_history_line_is_in_the_same_transaction_as_the_change(session, offer, manager):
    session.refresh(offer)
    services.set_free_places(session, manager, offer, 5, offer.created_at.date())
    session.rollback()  # the change is abandoned: so is its history line
    assert session.query(OfferChange).count() == 0
    assert session.get(Offer, offer.id).free_places == 1


def test_saving_without_change_records_a_check(client, session, offer, logged_manager):
    response = save(client, offer)
    assert "Aucune modification : l’offre est marquée comme vérifiée aujourd’hui." in text_of(
        client.get(response.headers["Location"]).get_data(as_text=True)
    )
    change = session.scalars(select(OfferChange)).one()
    assert (change.action, change.changes) == ("confirmed", {})


def test_a_published_change_is_found_right_away_by_the_public_search(
    client, session, index, offer, logged_manager
):
    index.sync(session)
    saturday_night = "/recherche?lieu=Toulon&jours=sa&de=21:00&a=23:00"
    assert "Multi-accueil Les Lucioles" not in text_of(
        client.get(saturday_night).get_data(as_text=True)
    )
    values = read_form(client.get(f"/gestion/offres/{offer.id}").get_data(as_text=True))
    values = read_form(
        client.post(
            f"/gestion/offres/{offer.id}", data=with_values(values, ajouter_creneau="1")
        ).get_data(as_text=True)
    )
    save_values = with_values(
        values,
        slots__5__weekday="5",
        slots__5__opens="20:00",
        slots__5__closes="7:00",
        title="Les Lucioles, ouvert la nuit",
    )
    assert client.post(f"/gestion/offres/{offer.id}", data=save_values).status_code == 302
    # the view synced the index after its commit: no change is left to apply
    assert index.state().last_change == session.scalar(
        select(SearchChange.id).order_by(SearchChange.id.desc()).limit(1)
    )
    html = client.get(saturday_night).get_data(as_text=True)
    results = text_of(section(html, "resultats"))
    assert "1 résultat" in results and "Les Lucioles, ouvert la nuit" in results
    assert "la nuit" in results
