"""A person in an insertion path finds her way into early childhood on a phone (390 × 844), with
and without JavaScript: a job page, then « Où j’en suis » to a printable summary; axe clean."""

from __future__ import annotations

from datetime import timedelta

from accessibility import BLOCKING, axe_source, run_axe
from kit.browser import assert_no_horizontal_overflow, screenshot
from kit.factories import make_offer

from app.db import get_session
from app.directory.models import Certification, Modality, OfferKind, Training, TrainingSession
from app.geo.timezones import today_in_france
from app.search import get_index


def _text(locator) -> str:
    return locator.inner_text().replace("\xa0", " ").replace("\u202f", " ")


def _assert_axe_clean(page, source: str) -> None:
    """axe in the page when scripts run (without them, tests/e2e/test_accessibility.py audits
    these pages with the site's scripts blocked)."""
    if not page.js_enabled:
        return
    blocking = [v for v in run_axe(page, source) if v["impact"] in BLOCKING]
    assert blocking == [], blocking


def _course(app) -> None:
    with app.app_context():
        session = get_session()
        offer = make_offer(
            session, title="CAP AEPE en un an", kind=OfferKind.FORMATION, commit=False
        )
        offer.training = Training(
            certification=Certification.CAP_AEPE,
            modality=Modality.PRESENTIEL,
            funding=["cpf", "opco"],
            vae_possible=True,
            sessions=[TrainingSession(start=today_in_france() + timedelta(days=45))],
        )
        session.commit()
        get_index().sync(session)


def test_a_job_page_on_a_phone(page, live_server):
    source = axe_source()
    page.goto(f"{live_server}/travailler-petite-enfance")
    page.get_by_role("link", name="Agent·e de crèche").click()
    page.get_by_role("heading", name="Agent·e de crèche", level=1).wait_for()
    text = _text(page.locator("main"))
    assert "Ce que je peux faire sans diplôme" in text
    assert "12,02 € brut de l’heure" in text
    assert "K1307" in text and "K1303" in text
    pay_sources = page.locator("details.fact-sources").last  # the pay's, JS or not
    pay_sources.locator("summary").click()
    assert page.get_by_role("link", name="Salaire minimum de croissance").first.is_visible()
    page.get_by_label("Votre commune ou code postal").fill("Toulon")
    page.get_by_role("button", name="Mettre à jour les liens").click()
    link = page.get_by_role("link", name="Les structures qui accueillent des immersions")
    link.wait_for()
    assert link.get_attribute("href") == (
        "/bourse-emploi?lieu=Toulon&rayon=10&metier=K1307&immersion=1"
    )
    assert_no_horizontal_overflow(page)
    _assert_axe_clean(page, source)
    screenshot(page, f"metier-agent-creche-{'js' if page.js_enabled else 'sans-js'}")


def test_the_guided_path_to_a_printable_summary(page, live_server, app):
    _course(app)
    source = axe_source()
    page.goto(f"{live_server}/travailler-petite-enfance/ou-j-en-suis")
    _assert_axe_clean(page, source)
    page.get_by_role("button", name="Voir mes chemins").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "5 réponses à compléter" not in _text(summary)  # the place is optional
    assert "4 réponses à compléter" in _text(summary)
    _assert_axe_clean(page, source)

    page.get_by_label("Salarié·e en insertion (SIAE : AI, ACI, EI, ETTI)").check()
    page.get_by_label("Aucun diplôme").check()
    page.get_by_label("Pas encore").check()
    page.get_by_label("Quelques heures par jour (temps partiel, horaires d’école)").check()
    page.get_by_label("Votre commune ou code postal").fill("Toulon")
    page.get_by_label("Distance").select_option("20")
    page.get_by_role("button", name="Voir mes chemins").click()
    page.get_by_role("heading", name="Mon chemin").wait_for()
    text = _text(page.locator(".path-summary"))
    assert "Découvrir le métier en immersion (PMSMP)" in text
    assert "Se former pendant votre contrat d’insertion (PEC, CDDI, CIE)" in text
    assert text.count("Prochaine étape") == 3
    assert "CAP AEPE en un an" in text and "Prochaine session" in text
    assert "situation=iae" in page.url and "rayon=20" in page.url  # shareable, nothing stored
    assert page.get_by_role("button", name="Imprimer cette page").is_visible() == page.js_enabled
    assert_no_horizontal_overflow(page)
    _assert_axe_clean(page, source)
    screenshot(page, f"ou-j-en-suis-{'js' if page.js_enabled else 'sans-js'}")

    page.emulate_media(media="print")
    assert not page.locator(".guided-form").is_visible()
    assert page.locator(".path-summary").is_visible()
    if page.js_enabled:
        pdf = page.pdf(format="A4")
        assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1  # one page
