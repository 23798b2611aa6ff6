"""« Territoires » on a phone (390 × 844), with and without JavaScript: the national page and
its figures, a département, the definitions one click away, the outcome question answered in
one click, the coordinators' diagnostic printed; axe finds nothing serious on any of them."""

from __future__ import annotations

from datetime import date

import pytest
from accessibility import BLOCKING, axe_source, run_axe
from kit.browser import assert_no_horizontal_overflow, log_in, screenshot
from kit.factories import PASSWORD, make_offer, make_referral, make_user
from playwright.sync_api import expect

from app.accounts.tokens import make_token
from app.territories.models import OutcomeAsk
from app.territories.outcomes import OUTCOME_LINK


def _axe_clean(page) -> None:
    """With JavaScript only: axe is a script (the no-JS pages are audited with the site's
    scripts blocked by tests/e2e/test_accessibility.py, which visits every route)."""
    if not page.js_enabled:
        return
    violations = [
        v
        for v in run_axe(page, axe_source())
        if v["impact"] in BLOCKING or v["impact"] == "moderate"
    ]
    assert not violations, violations


@pytest.fixture
def offers(session):
    make_offer(session, title="Crèche AVIP des Mimosas", avip=True, avip_places=3)
    make_offer(session, title="Crèche d’Hyères", code_insee="83069")
    make_offer(session, title="Crèche de Lyon", code_insee="69123")
    make_user(
        session,
        "coordinateur",
        "coordination@caf69.example.org",
        departement_code="69",
        organisation="Caf du Rhône",
    )


def test_france_then_a_departement_then_a_definition(page, live_server, offers):
    page.goto(f"{live_server}/territoires")
    page.get_by_role("heading", name="Territoires : l’accueil AVIP par département").wait_for()
    expect(page.get_by_role("row", name="Constat au 30 juin 2021 (protocole)")).to_be_visible()
    assert_no_horizontal_overflow(page)
    _axe_clean(page)
    screenshot(page, "territoires")
    page.locator("ul.columns-list").get_by_role("link", name="69 Rhône").click()
    page.get_by_role("heading", name="Rhône (69)").wait_for()
    expect(page.get_by_text("Aucune offre AVIP dans ce département.")).to_be_visible()
    expect(page.get_by_role("link", name="coordination@caf69.example.org")).to_be_visible()
    assert_no_horizontal_overflow(page)
    _axe_clean(page)
    screenshot(page, "territoire-69")
    page.locator("#tableau-communes").get_by_role("link", name="AVIP", exact=True).click()
    page.wait_for_url("**/territoires/definitions#avip_offers")
    expect(page.locator("#avip_offers")).to_have_text("Offres AVIP")
    _axe_clean(page)


def test_the_outcome_question_is_answered_in_one_click(page, live_server, app, session, offers):
    prescriber = make_user(session, "prescripteur")
    referral = make_referral(session, make_offer(session), prescriber)
    ask = OutcomeAsk(referral_id=referral.id, months=3, due_on=date.today())
    session.add(ask)
    session.commit()
    with app.test_request_context():
        token = make_token(OUTCOME_LINK, {"a": ask.id})
    page.goto(f"{live_server}/territoires/suivi/{token}")
    _axe_clean(page)
    page.get_by_role("button", name="En formation").click()
    expect(page.get_by_text("Merci : votre réponse « En formation » est comptée.")).to_be_visible()
    page.goto(f"{live_server}/territoires/suivi/{token}")
    expect(page.get_by_text("Une réponse a déjà été donnée avec ce lien : merci.")).to_be_visible()


def test_the_coordinators_diagnostic_prints_without_the_menu(page, live_server, session, offers):
    coordinator = make_user(session, "coordinateur", "coordination@caf83.example.org")
    log_in(page, live_server, coordinator.email, PASSWORD)
    page.goto(f"{live_server}/territoires/83")
    page.get_by_role("link", name="Diagnostic de la coordination (imprimable)").click()
    page.get_by_role("heading", name="Diagnostic de l’accueil AVIP : Var (83)").wait_for()
    _axe_clean(page)
    page.emulate_media(media="print")
    expect(page.locator(".site-header nav")).to_be_hidden()
    expect(page.get_by_role("heading", name="Labels AVIP à réexaminer")).to_be_visible()
    screenshot(page, "diagnostic-impression")
