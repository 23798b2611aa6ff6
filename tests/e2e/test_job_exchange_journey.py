"""On phones, JS on and off: a crèche director publishes a need; an association intermédiaire
finds it and proposes two people (without naming them); the director answers from the emailed
link, without logging in; the tension page counts the need and its proposal. Each page is
checked with axe."""

from __future__ import annotations

import re
from datetime import timedelta

from accessibility import BLOCKING, axe_source, run_axe
from kit.browser import PHONE, assert_no_horizontal_overflow, screenshot, site_menu
from kit.factories import PASSWORD, make_inclusive_structure, make_need, make_structure, make_user
from kit.mails import last_link_sent_to

from app.db import utcnow
from app.jobs.models import JobProposal, ProposalStatus


def _axe_clean(page, source):
    """axe runs in the page's JavaScript: in the JS-off variant the same HTML was audited."""
    if not page.js_enabled:
        return
    blocking = [v for v in run_axe(page, source) if v["impact"] in BLOCKING]
    assert blocking == [], blocking


def _log_in(page, base, email):
    page.goto(f"{base}/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", level=1).wait_for()


def _tension_row(page, base) -> str:
    page.goto(f"{base}/bourse-emploi/tension")
    return page.locator("#total-besoins").inner_text().replace("\u202f", " ").replace("\u00a0", " ")


def test_a_need_is_published_two_people_proposed_and_answered_from_the_email(
    app, page, browser, live_server, session
):
    source = axe_source()
    creche = make_structure(session, "Multi-accueil Les Lucioles")
    for n in range(4):  # the Var already has four needs: the fifth makes its figures public
        make_need(
            session,
            creche,
            contract_kinds=["cdd", "cdi"],
            created_at=_days_ago(40 + n),
            updated_at=_days_ago(1),
        )
    director = make_user(
        session,
        "gestionnaire",
        "direction@lucioles.example.org",
        structures=[creche],
        full_name="Nadia Benali",
    )
    ai = make_inclusive_structure(session, "AI Var Emploi")
    coach = make_user(
        session,
        "employeur-inclusif",
        "charge@ai-var.example.org",
        structures=[ai],
        full_name="Sami Haddad",
    )
    before = _tension_row(page, live_server)
    assert before == "Moins de 5 besoins ouverts."  # public figures start at five needs
    assert page.get_by_text("Var (83)").count() == 1
    assert "moins de 5 besoins" in page.locator("table").first.inner_text()

    # 1. The director publishes a need.
    _log_in(page, live_server, director.email)
    site_menu(page).get_by_role("link", name="Mon espace").click()
    page.get_by_role("link", name=re.compile("Bourse de l’emploi")).click()
    page.get_by_role("link", name="Publier un besoin de recrutement").click()
    page.get_by_text("R.2324-42").first.wait_for()
    _axe_clean(page, source)
    page.get_by_label("Métier").select_option("J1304")
    page.get_by_label(re.compile("^Mise à disposition")).check()
    page.get_by_label(re.compile("^CDDI")).check()
    page.get_by_label("Heures par semaine").fill("28")
    for day in ("Lundi", "Mardi", "Jeudi", "Vendredi"):
        page.get_by_label(day, exact=True).check()
    page.get_by_label("De", exact=True).fill("7:30")
    page.get_by_label("À", exact=True).fill("14:30")
    page.get_by_label("Nombre de postes").fill("2")
    page.get_by_label("Qualification demandée").select_option("cap-aepe")
    page.get_by_label("Commune du lieu de travail").fill("Toulon")
    assert_no_horizontal_overflow(page)
    screenshot(page, "bourse-besoin-formulaire")
    page.get_by_role("button", name="Publier le besoin").click()
    page.get_by_text("Votre besoin est publié").wait_for()
    page.get_by_text("28 h par semaine").wait_for()
    _axe_clean(page, source)
    need_url = page.url
    site_menu(page).get_by_role("button", name="Se déconnecter").click()

    # 2. The AI finds it near Toulon and proposes two people.
    _log_in(page, live_server, coach.email)
    page.goto(f"{live_server}/bourse-emploi?lieu=Toulon&rayon=20&metier=J1304")
    page.get_by_role("heading", name=re.compile("5 besoins ouverts autour de Toulon")).wait_for()
    page.get_by_label("Type de contrat").select_option("cddi")
    if not page.js_enabled:
        page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("heading", name=re.compile("1 besoin ouvert autour de Toulon")).wait_for()
    assert "contrat=cddi" in page.url
    _axe_clean(page, source)
    assert_no_horizontal_overflow(page)
    screenshot(page, "bourse-recherche")
    page.get_by_role("link", name=re.compile("Proposer des personnes")).click()
    page.get_by_text("ni nom, ni âge, ni adresse").wait_for()
    page.get_by_label("Contrat proposé").select_option("mise-a-disposition")
    people = page.locator("fieldset.person")
    people.nth(0).get_by_label("Qualification").select_option("cap-aepe-en-cours")
    people.nth(0).get_by_label("Expérience, en une phrase").fill("Deux ans d’aide à domicile.")
    people.nth(1).get_by_label("Qualification").select_option("aucune")
    people.nth(1).get_by_label("Expérience, en une phrase").fill("Animatrice de centre de loisirs.")
    _axe_clean(page, source)
    assert_no_horizontal_overflow(page)
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.get_by_text("Votre proposition est envoyée").wait_for()
    page.get_by_text("En attente de réponse").wait_for()
    screenshot(page, "bourse-proposition-envoyee")

    # 3. The director answers from the emailed link, on her phone, without logging in.
    phone = browser.new_context(
        viewport=PHONE, java_script_enabled=page.js_enabled, locale="fr-FR"
    ).new_page()
    phone.js_enabled = page.js_enabled
    phone.goto(live_server + last_link_sent_to(app, "direction@lucioles.example.org"))
    phone.get_by_text("CAP AEPE en cours. Deux ans d’aide à domicile.").wait_for()
    _axe_clean(phone, source)
    phone.get_by_label("Proposer une rencontre").check()
    phone.get_by_label("Date de rencontre proposée").fill("2027-01-06")
    phone.get_by_label("Message (facultatif)").fill("Venez mercredi à 10 h.")
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "bourse-reponse-creche")
    phone.get_by_role("button", name="Envoyer ma réponse").click()
    phone.get_by_text("Votre réponse est envoyée.").wait_for()
    phone.get_by_text("Rencontre proposée le 6 janvier 2027").wait_for()
    phone.context.close()
    proposal = session.query(JobProposal).one()
    session.refresh(proposal)
    assert proposal.status == ProposalStatus.MEETING and proposal.first_answer_at is not None

    # 4. The tension page changed: five needs in the Var, figures now public.
    after = _tension_row(page, live_server)
    assert after.startswith("5 besoins ouverts, 6 postes")
    var = page.get_by_role("row", name=re.compile("Var \\(83\\)")).inner_text()
    assert "moins de 5" not in var and re.search(r"5\s+6\s+4\s+4", var), var
    _axe_clean(page, source)
    assert_no_horizontal_overflow(page)
    screenshot(page, "bourse-tension")
    assert need_url


def _days_ago(days: int):
    return utcnow() - timedelta(days=days)
