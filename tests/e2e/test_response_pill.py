"""The response-time pill of an offer page (issue 14, « Polish »): on a 390 × 844 phone its words
stay on one line inside the rounded border, and it says whom it concerns (the professionals'
referrals). Screenshot in test-results/."""

from __future__ import annotations

from datetime import timedelta

from kit.browser import PHONE, screenshot
from kit.factories import make_referral, make_user

from app.db import utcnow
from app.referrals.models import ReferralStatus


def test_the_pill_stays_on_one_line_and_says_whom_it_concerns(
    browser, live_server, session, index, offer
):
    prescriber = make_user(session, "prescripteur", "conseil@francetravail.example.org")
    for days_ago, hours in ((20, 30), (15, 50), (10, 40)):
        sent = utcnow() - timedelta(days=days_ago)
        make_referral(
            session,
            offer,
            prescriber,
            commit=False,
            sent_at=sent,
            last_activity_at=sent,
            status=ReferralStatus.ACCEPTED,
            first_answer_at=sent + timedelta(hours=hours),
            closed_at=sent + timedelta(days=2),
        )
    session.commit()
    index.sync(session)
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    page.js_enabled = True
    page.goto(f"{live_server}/offre/{offer.id}")
    pill = page.locator(".response-badge")
    assert pill.inner_text().replace("\u00a0", " ") == "Répond aux orientations sous 2 jours"
    line = page.locator(".response-time")
    assert "pour les orientations des professionnels des 6 derniers mois" in line.inner_text()
    box = pill.bounding_box()
    line_height = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.response-badge')).lineHeight)"
        " || 1.5 * parseFloat(getComputedStyle(document.querySelector('.response-badge')).fontSize)"
    )
    assert box["height"] < 1.8 * line_height, (box, line_height)  # one line of text
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    screenshot(page, "offre-pastille-delai-de-reponse")
    context.close()
