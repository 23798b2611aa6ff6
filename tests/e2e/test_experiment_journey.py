"""A coordinator of the Var tries a wider AGE (children under 15), sees its cost, puts it in
force; a mother in Toulon then sees the experimental rule in her estimate — on a phone
(390 × 844) and on a desktop screen, each page checked with axe."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from accessibility import BLOCKING, axe_source, run_axe
from kit.browser import PHONE, RESULTS, log_in
from kit.estimator import estimator_answers
from kit.factories import PASSWORD, make_user

from app.geo.timezones import today_in_france

SCREENS = {"telephone": PHONE, "bureau": {"width": 1280, "height": 900}}


def assert_axe_clean(page, source: str) -> None:
    blocking = [v for v in run_axe(page, source) if v["impact"] in BLOCKING]
    assert blocking == [], blocking


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


@pytest.mark.parametrize("screen", SCREENS)
def test_a_coordinator_puts_an_experiment_in_force_and_a_parent_sees_it(
    browser, live_server, session, screen
):
    coordinator = make_user(
        session, "coordinateur", "coordination@caf83.example.org", departement_code="83"
    )
    source = axe_source()
    context = browser.new_context(viewport=SCREENS[screen], locale="fr-FR")
    page = context.new_page()
    log_in(page, live_server, coordinator.email, PASSWORD)
    page.goto(f"{live_server}/coordination")
    page.get_by_role("link", name="Expérimentations de l’AGE").click()
    page.get_by_role("link", name="Créer un scénario").click()
    page.get_by_role("heading", name="Nouveau scénario", level=1).wait_for()
    page.get_by_label("Nom du scénario").fill("AGE jusqu’à 15 ans dans le Var")
    age_limit = page.get_by_label("Âge limite de l’enfant")
    assert age_limit.input_value() == "12"  # the national rule, proposed
    age_limit.fill("15")
    assert_axe_clean(page, source)
    page.get_by_role("button", name="Enregistrer et voir le coût").click()

    page.get_by_role("heading", name="AGE jusqu’à 15 ans dans le Var", level=1).wait_for()
    text = plain(page.locator("main").inner_text())
    assert "Brouillon" in text and "12 ans" in text and "15 ans" in text
    assert "Coût par bénéficiaire supplémentaire" in text
    assert page.locator("svg.bar-chart rect.bar-scenario").count() == 1
    page.screenshot(path=str(RESULTS / f"experimentation-cout-{screen}.png"), full_page=True)
    assert_axe_clean(page, source)
    if screen == "telephone":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width
    page.get_by_role("button", name="Mettre en vigueur").click()
    page.get_by_text("Le scénario est en vigueur").wait_for()
    assert "En vigueur" in page.locator("main").inner_text()
    context.close()

    start = today_in_france() + timedelta(days=10)
    answers = [
        (k, v)
        for k, v in estimator_answers(
            today_in_france().isoformat(),
            start.isoformat(),
            (start + timedelta(days=89)).isoformat(),
        )
        if k not in ("enfants-0", "enfants-1")
    ] + [("enfants-0", "13"), ("calculer", "1")]
    parent = browser.new_context(viewport=SCREENS[screen], locale="fr-FR").new_page()
    parent.goto(f"{live_server}/estimer-mes-aides?{urlencode(answers)}")
    results = parent.locator("#resultats")
    results.get_by_text("Votre estimation", exact=True).wait_for()
    text = plain(results.inner_text())
    assert "Votre estimation applique les règles expérimentales du département Var (83)" in text
    assert "Vous pouvez demander l’AGE : 416,00 €" in text
    assert "Avec les règles nationales, vous ne rempliriez pas toutes les conditions" in text
    parent.screenshot(path=str(RESULTS / f"experimentation-parent-{screen}.png"), full_page=True)
    assert_axe_clean(parent, source)
    parent.context.close()
