"""« Mon espace » shows what waits first (issue 22): the referrals a structure has to answer,
the information a structure asks of a prescripteur and the answers he received, the AVIP labels
a coordinator must review; each counted, its first items shown. Lists put « à traiter » first."""

from __future__ import annotations

from datetime import timedelta

from kit.factories import make_referral
from kit.pages import text_of

from app.db import utcnow
from app.geo.timezones import today_in_france
from app.referrals.models import Referral, ReferralStatus

S = ReferralStatus


def refer(session, offer, prescriber, status: ReferralStatus, days_ago: int, name: str) -> Referral:
    at = utcnow() - timedelta(days=days_ago)
    return make_referral(
        session,
        offer,
        prescriber,
        status=status,
        parent_first_name=name,
        sent_at=at,
        last_activity_at=at,
    )


def test_a_structure_sees_the_referrals_to_answer(
    client, login, session, offer, prescriber, manager
):
    refer(session, offer, prescriber, S.SENT, 3, "Amina")
    refer(session, offer, prescriber, S.SENT, 1, "Bintou")
    refer(session, offer, prescriber, S.ACCEPTED, 0, "Chloé")
    login(manager)
    page = text_of(client.get("/compte").get_data(as_text=True))
    assert "À traiter" in page
    assert "2 orientations auxquelles répondre" in page
    assert page.index("Amina K.") < page.index("Bintou K.")  # the oldest first
    assert "Chloé" not in page
    # « Orientations reçues »: those to answer first, though the accepted one is newer.
    listing = text_of(client.get("/orientations/recues").get_data(as_text=True))
    assert listing.index("Bintou") < listing.index("Chloé")


def test_a_prescripteur_sees_questions_then_answers(client, login, session, offer, prescriber):
    refer(session, offer, prescriber, S.INFO_REQUESTED, 5, "Amina")
    refer(session, offer, prescriber, S.ACCEPTED, 1, "Bintou")
    refer(session, offer, prescriber, S.REFUSED, 30, "Chloé")  # answered long ago
    refer(session, offer, prescriber, S.SENT, 0, "Dalila")  # waits for the structure
    login(prescriber)
    page = text_of(client.get("/compte").get_data(as_text=True))
    assert "1 structure vous demande des informations" in page
    assert "1 réponse reçue ces 14 derniers jours" in page
    assert page.index("Amina K.") < page.index("Bintou K.")
    assert "Chloé" not in page and "Dalila" not in page
    listing = text_of(client.get("/orientations").get_data(as_text=True))
    assert listing.index("Amina") < listing.index("Dalila")  # to handle first


def test_nothing_waits(client, login, prescriber):
    login(prescriber)
    assert "Rien ne vous attend pour l’instant." in text_of(
        client.get("/compte").get_data(as_text=True)
    )


def test_a_coordinator_sees_the_labels_to_review(client, login, session, offer, coordinator):
    offer.avip = True
    offer.avip_review_on = today_in_france() + timedelta(days=20)
    session.commit()
    login(coordinator)
    page = text_of(client.get("/compte").get_data(as_text=True))
    assert "1 label AVIP à réexaminer" in page
    assert "Multi-accueil Les Lucioles (Toulon) · réexamen le" in page
