"""The job exchange through its pages: a crèche director publishes a need (the regulation said
in the form), an association intermédiaire finds it and proposes two people without naming
them, the director answers from the emailed link, the proposer is told, and the outcome feeds
the tension figures."""

from __future__ import annotations

import re

from kit.factories import make_inclusive_structure, make_need, make_structure, make_user
from kit.forms import csrf_token, csrf_token_in
from kit.mails import last_mail_to, link_in, readable, text_of_mail
from kit.pages import text_of

from app.jobs.models import JobNeed, JobProposal, NeedStatus, ProposalStatus


def _text(response) -> str:
    return readable(text_of(response.get_data(as_text=True)))


def test_a_director_publishes_a_need_and_the_form_says_the_regulation(client, session, login):
    creche = make_structure(session, "Multi-accueil Les Lucioles")
    director = make_user(
        session, "gestionnaire", "direction@lucioles.example.org", structures=[creche]
    )
    login(director)
    page = client.get("/bourse-emploi/besoins/nouveau")
    text = _text(page)
    assert "R.2324-42 du code de la santé publique" in text
    assert "Une association intermédiaire ou une ETTI met une personne à disposition" in text
    assert "PMSMP" in text and "GEIQ embauche en apprentissage" in text
    token = csrf_token_in(page.get_data(as_text=True))
    response = client.post(
        "/bourse-emploi/besoins/nouveau",
        data={
            "csrf_token": token,
            "metier": "J1304",
            "contrats": ["mise-a-disposition", "cddi"],
            "heures": "24",
            "jours": ["lu", "ma", "je"],
            "de": "7:30",
            "a": "15h",
            "postes": "2",
            "qualification": "cap-aepe",
            "en_formation": "y",
            "tutorat": "y",
            "immersions": "2",
            "periode_immersion": "de janvier à mars",
            "lieu": "Toulon",
        },
    )
    assert response.status_code == 303, _text(response)[:2000]
    need = session.query(JobNeed).one()
    assert need.time_slots == "Mo,Tu,Th 07:30-15:00"
    assert need.contact_email == "direction@lucioles.example.org"
    detail = _text(client.get(response.headers["Location"]))
    assert "Auxiliaire de puériculture (code ROME J1304)" in detail
    assert "24 h par semaine · lundi et mardi 7 h 30 – 15 h 00 ; jeudi 7 h 30 – 15 h 00" in detail
    assert (
        "CAP Accompagnant éducatif petite enfance (AEPE) (en cours de formation accepté)" in detail
    )
    assert "2 personnes · de janvier à mars" in detail


def test_a_need_form_with_mistakes_says_what_to_correct_and_keeps_what_was_typed(
    client, session, login
):
    creche = make_structure(session, "Multi-accueil Les Lucioles")
    login(make_user(session, "gestionnaire", structures=[creche]))
    response = client.post(
        "/bourse-emploi/besoins/nouveau",
        data={
            "csrf_token": csrf_token(client, "/bourse-emploi/besoins/nouveau"),
            "metier": "J1304",
            "heures": "70",
            "jours": ["lu"],
            "de": "7:30",
            "postes": "1",
            "qualification": "cap-aepe",
            "lieu": "Xyzzyville",
        },
    )
    assert response.status_code == 422
    text = _text(response)
    assert "Cochez au moins un type de contrat." in text
    assert "Indiquez un nombre d’heures entre 1 et 48." in text
    assert "Indiquez l’heure de début et l’heure de fin." in text
    assert 'value="70"' in response.get_data(as_text=True)
    assert 'value="Xyzzyville"' in response.get_data(as_text=True)
    assert session.query(JobNeed).count() == 0


def test_an_ai_proposes_two_people_and_the_director_answers_from_the_emailed_link(
    app, client, session, login
):
    creche = make_structure(session, "Multi-accueil Les Lucioles")
    need = make_need(session, creche, contact_email="direction@lucioles.example.org")
    ai = make_inclusive_structure(session, "AI Var Emploi")
    coach = make_user(
        session,
        "employeur-inclusif",
        "charge@ai-var.example.org",
        structures=[ai],
        full_name="Sami Haddad",
    )
    login(coach)
    search = _text(client.get("/bourse-emploi?lieu=Toulon&rayon=20&metier=J1304&contrat=cddi"))
    assert "1 besoin ouvert autour de Toulon" in search
    assert "Proposer des personnes pour Auxiliaire de puériculture" in search
    form_page = client.get(f"/bourse-emploi/besoins/{need.id}/proposer")
    assert "ni nom, ni âge, ni adresse" in _text(form_page)
    html = form_page.get_data(as_text=True)
    key = re.search(r'name="cle" value="(\w+)"', html).group(1)
    data = {
        "csrf_token": csrf_token_in(html),
        "cle": key,
        "contrat": "mise-a-disposition",
        "personnes-0-qualification": "cap-aepe-en-cours",
        "personnes-0-disponible": "2027-01-04",
        "personnes-0-experience": "Deux ans d’aide à domicile auprès de familles.",
        "personnes-1-qualification": "aucune",
        "personnes-1-experience": "Animatrice de centre de loisirs l’été.",
        "personnes-2-qualification": "",
    }
    sent = client.post(f"/bourse-emploi/besoins/{need.id}/proposer", data=data)
    assert sent.status_code == 303
    again = client.post(f"/bourse-emploi/besoins/{need.id}/proposer", data=data)  # double click
    assert again.headers["Location"] == sent.headers["Location"]
    proposal = session.query(JobProposal).one()
    assert proposal.people_count == 2 and proposal.proposer_structure_id == ai.id

    mail = readable(text_of_mail(last_mail_to(app, "direction@lucioles.example.org")))
    assert "AI Var Emploi vous propose 2 personnes" in mail
    assert "CAP AEPE en cours, disponible à partir du 4 janvier 2027." in mail
    link = link_in(mail)
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/compte")})

    page = client.get(link)  # no account
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    answered = client.post(
        link,
        data={
            "csrf_token": csrf_token_in(html),
            "version": str(proposal.version),
            "reponse": "rendez-vous",
            "date_rencontre": "2027-01-06",
            "note": "Venez mercredi à 10 h avec les deux personnes.",
        },
    )
    assert answered.status_code == 303
    session.refresh(proposal)
    assert proposal.status == ProposalStatus.MEETING
    assert proposal.first_answer_at is not None and proposal.seen_at is not None
    told = readable(text_of_mail(last_mail_to(app, "charge@ai-var.example.org")))
    assert "Rencontre proposée" in told and "6 janvier 2027" in told

    html = client.get(link).get_data(as_text=True)
    client.post(
        link + "/issue",
        data={
            "csrf_token": csrf_token_in(html),
            "version": str(proposal.version),
            "issue": "mise-a-disposition",
        },
    )
    session.refresh(proposal)
    assert proposal.status == ProposalStatus.CLOSED and proposal.outcome == "mise-a-disposition"
    assert proposal.need.filled_at is not None
    steps = _text(client.get(link))
    for step in (
        "Proposition envoyée",
        "Vue par la crèche",
        "Rencontre proposée",
        "Issue : mise à disposition",
    ):
        assert step in steps


def test_a_broken_or_expired_link_says_so(client, session):
    assert client.get("/bourse-emploi/reponse/nimporte-quoi").status_code == 400
    assert "Ce lien n’est pas valable" in _text(client.get("/bourse-emploi/reponse/abc"))


def test_the_tension_page_counts_open_needs_and_hides_small_territories(client, session):
    creche = make_structure(session, "Multi-accueil Les Lucioles")
    for _ in range(5):
        make_need(session, creche)
    make_need(session, creche, code_insee="13055")
    text = _text(client.get("/bourse-emploi/tension"))
    assert "6 besoins ouverts, 6 postes" in text
    assert re.search(r"Var \(83\) 5 5", text)
    assert "Bouches-du-Rhône (13) moins de 5 besoins" in text
    data = client.get("/bourse-emploi/tension.json").get_json()
    rows = {r["code"]: r for r in data["departements"]}
    assert rows["83"]["besoins_ouverts"] == 5 and rows["83"]["sans_proposition"] == 5
    assert rows["13"]["besoins_ouverts"] is None
    assert client.get("/bourse-emploi/tension.csv").get_data(as_text=True).startswith("code;")


def test_a_closed_need_leaves_the_public_search(client, session):
    creche = make_structure(session, "Multi-accueil Les Lucioles")
    need = make_need(session, creche, status=NeedStatus.CLOSED)
    assert client.get(f"/bourse-emploi/besoins/{need.id}").status_code == 404
    assert "Aucun besoin" in _text(client.get("/bourse-emploi"))


def test_the_htmx_fragment_is_the_results_region_of_the_full_page(client, htmx_client, session):
    creche = make_structure(session, "Multi-accueil Les Lucioles")
    make_need(session, creche)
    url = "/bourse-emploi?lieu=Toulon&rayon=20&metier=K1303&contrat=cddi&heures=99"
    full = client.get(url).get_data(as_text=True)
    response = htmx_client.get(url)
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and "HX-Request" in response.headers["Vary"]
    region = re.search(r'<section id="resultats".*?</section>', full, re.S).group(0)
    assert re.search(r'<section id="resultats".*?</section>', fragment, re.S).group(0) == region
    assert '<div id="resume-erreurs" hx-swap-oob="true">' in fragment
    assert "Indiquez un nombre d’heures entre 1 et 48." in readable(fragment)
    assert 'value="99"' in full  # what was typed is shown back


def test_a_place_not_found_is_said_and_the_other_criteria_still_apply(client, session):
    creche = make_structure(session, "Multi-accueil Les Lucioles")
    make_need(session, creche)
    text = _text(client.get("/bourse-emploi?lieu=Zzzyxville&metier=J1304"))
    assert "Zzzyxville" in text and "1 besoin ouvert" in text
