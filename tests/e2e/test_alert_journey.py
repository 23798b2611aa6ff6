"""Issue 22's journey on a phone, with and without JavaScript: a prescripteur saves a search
from the results page, a manager frees a place in the back office, ``flask alerts daily`` runs,
and the alert email (through a real local SMTP server) names the offer with its link."""

from __future__ import annotations

from datetime import time, timedelta

from kit.browser import assert_no_horizontal_overflow, screenshot
from kit.factories import PASSWORD, make_offer, make_structure, make_user
from kit.mails import readable, text_of_mail
from sqlalchemy import update

from app.db import utcnow
from app.search.changes import SearchChange


def _log_in(page, live_server, user) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server}/connexion")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", level=1).first.wait_for()


def _daily(app, session) -> str:
    # The change log is read once settled (rules.SETTLE): date it back as time would.
    session.execute(update(SearchChange).values(created_at=utcnow() - timedelta(hours=1)))
    session.commit()
    result = app.test_cli_runner().invoke(args=["alerts", "daily"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_prescripteur_saves_a_search_and_gets_the_place_freed(
    page, live_server, app, session, index, smtp
):
    structure = make_structure(session, "Association Les Petits Loups")
    make_offer(
        session,
        title="Multi-accueil Les Lucioles",
        structure=structure,
        free_places=0,
        slots=[(d, time(7, 30), time(18, 30)) for d in range(5)],
    )
    manager = make_user(
        session, "gestionnaire", email="nadia@lucioles.example.org", structures=[structure]
    )
    ines = make_user(session, "prescripteur", email="ines@francetravail.example.org")
    index.sync(session)
    assert "premier passage" in _daily(app, session)

    _log_in(page, live_server, ines)
    page.goto(f"{live_server}/recherche?lieu=Toulon&code_insee=83137&rayon=10&age=24")
    page.get_by_role("link", name="Créer une alerte pour cette recherche").click()
    page.get_by_role("heading", name="Créer une alerte", level=1).wait_for()
    assert "Toulon" in page.locator(".alert-label").inner_text()
    assert_no_horizontal_overflow(page)
    screenshot(page, "alerte-creer")
    page.get_by_role("button", name="Créer l’alerte").click()
    page.get_by_role("heading", name="Mes alertes", level=1).wait_for()
    page.get_by_text("Alerte enregistrée").wait_for()
    assert_no_horizontal_overflow(page)

    _log_in(page, live_server, manager)
    page.goto(f"{live_server}/gestion")
    page.get_by_label("Places disponibles aujourd’hui").fill("2")
    page.get_by_role(
        "button", name="Mettre à jour les places de « Multi-accueil Les Lucioles »"
    ).click()
    page.get_by_text("2 places disponibles").first.wait_for()

    output = _daily(app, session)
    assert "1 courriel(s) de synthèse" in output
    mail = smtp.last_to(ines.email)
    text = readable(text_of_mail(mail))
    assert "Multi-accueil Les Lucioles" in text and "2 places disponibles" in text
    assert mail["List-Unsubscribe"].startswith("<http")
