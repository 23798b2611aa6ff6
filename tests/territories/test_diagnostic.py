"""The coordinators' diagnostic: what only they see, printable."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from kit.factories import make_offer, make_referral, make_user
from kit.pages import section, text_of

from app.db import utcnow
from app.referrals.models import ReferralStatus


def test_the_coordinator_sees_structures_stale_offers_and_reviews_due(client, session, login):
    offer = make_offer(session, title="Crèche des Lucioles")
    prescriber = make_user(session, "prescripteur")
    now = utcnow()
    for hours, status in ((5, ReferralStatus.ACCEPTED), (30, ReferralStatus.REFUSED)):
        make_referral(
            session,
            offer,
            prescriber,
            sent_at=now - timedelta(days=4),
            first_answer_at=now - timedelta(days=4) + timedelta(hours=hours),
            status=status,
        )
    old = make_offer(session, title="Offre oubliée")
    old.updated_at = datetime(2020, 1, 1)
    make_offer(
        session, title="Label à revoir", avip=True, avip_review_on=date.today() + timedelta(days=10)
    )
    session.commit()
    old.updated_at = datetime(2020, 1, 1)  # onupdate set it again
    session.commit()
    login(make_user(session, "coordinateur", departement_code="83"))
    public = client.get("/territoires/83").get_data(as_text=True)
    assert "/coordination/diagnostic/83" in public
    page = client.get("/coordination/diagnostic/83").get_data(as_text=True)
    structures = text_of(section(page, "structures").split("</section>")[0])
    assert "Association Familles Solidaires" in structures
    assert "2 2 5 heures 50 %" in structures.replace("\u00a0", " ").replace("\u202f", " ")
    assert "Offre oubliée" in text_of(section(page, "a-verifier").split("</section>")[0])
    assert "Label à revoir" in text_of(section(page, "reexamens").split("</section>")[0])
    assert "no-store" in client.get("/coordination/diagnostic/83").headers["Cache-Control"]


def test_the_diagnostic_prints_without_menus():
    css = Path("static/css/passerelle.css").read_text(encoding="utf-8")
    assert ".diagnostic section { break-inside: avoid-page; }" in css
    assert "@media print { .site-header nav" in css
