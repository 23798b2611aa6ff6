"""Every careers page renders what a person needs, with its sources; the guided path answers
from the address alone and prints on one page."""

from __future__ import annotations

from pathlib import Path

import pytest
from kit.pages import tags, text_of, unlabelled_controls

from app.careers.content import content

JOBS = list(content().jobs)
QUALIFICATIONS = list(content().qualifications)
BASE = "/travailler-petite-enfance"


def get_text(client, url: str) -> tuple[str, str]:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    return html, text_of(html)


def test_index_lists_jobs_qualifications_and_ways(client):
    html, text = get_text(client, BASE)
    assert "Travailler dans la petite enfance" in text
    for job in content().jobs.values():
        assert job.name in text
    assert tags(html, "a", href=f"{BASE}/ou-j-en-suis")


@pytest.mark.parametrize("slug", JOBS)
def test_every_job_page_shows_its_facts_and_their_sources(client, slug):
    job = content().jobs[slug]
    html, text = get_text(client, f"{BASE}/metiers/{slug}")
    for heading in (
        "Une journée",
        "Les horaires",
        "Ce que je peux faire sans diplôme",
        "Le salaire",
    ):
        assert heading in text
    assert job.pay.sources[0].url in html
    assert job.rome_v4[0].code in text and job.rome_v3[0].code in text
    if any(f.verify for f in job.facts):
        assert "à vérifier" in text
    assert not unlabelled_controls(html)


def test_job_page_links_to_the_job_exchange_near_me(client):
    html, _ = get_text(client, f"{BASE}/metiers/garde-enfants-domicile?lieu=Toulon&rayon=20")
    assert tags(html, "a", href="/bourse-emploi?lieu=Toulon&amp;rayon=20&amp;metier=K1303") or tags(
        html, "a", href="/bourse-emploi?lieu=Toulon&rayon=20&metier=K1303"
    )
    assert tags(html, "a", href="/bourse-emploi?lieu=Toulon&rayon=20&metier=K1303&immersion=1")


def test_unknown_job_or_qualification_is_a_404(client):
    assert client.get(f"{BASE}/metiers/astronaute").status_code == 404
    assert client.get(f"{BASE}/diplomes/bac-plus-12").status_code == 404


@pytest.mark.parametrize("slug", QUALIFICATIONS)
def test_every_qualification_page_renders(client, slug):
    q = content().qualifications[slug]
    html, text = get_text(client, f"{BASE}/diplomes/{slug}")
    assert q.name in text and "Les blocs de compétences" in text and "Par la VAE" in text
    assert q.rncp.sources[0].url in html


def test_qualification_page_lists_the_courses_near_me_with_their_next_session(
    client, courses, today
):
    _, text = get_text(client, f"{BASE}/diplomes/cap-aepe?lieu=Toulon&rayon=10")
    assert "CAP AEPE en un an" in text
    assert "Prochaine session" in text
    assert "DEEJE Institut du Var" not in text  # another diploma
    _, text = get_text(client, f"{BASE}/diplomes/deeje?lieu=Toulon&rayon=20")
    assert "DEEJE Institut du Var" in text


def test_a_bad_distance_is_said_and_the_page_still_answers(client):
    _, text = get_text(client, f"{BASE}/diplomes/cap-aepe?lieu=Toulon&rayon=7000")
    assert "Choisissez une distance dans la liste." in text


def test_ways_page_says_who_decides_and_who_pays(client):
    _html, text = get_text(client, f"{BASE}/parcours")
    for way in content().ways.values():
        assert way.name in text
    assert text.count("Qui décide") == len(content().ways)
    assert "70 %" in text  # PIC IAE
    assert "Un mois au plus" in text  # PMSMP


def test_sources_page_lists_each_source_with_its_date(client):
    html, text = get_text(client, f"{BASE}/sources")
    for source in content().used_sources():
        assert source.url in html
    assert "consulté le 5 décembre 2026" in text


def test_guided_path_asks_five_questions_without_answers(client):
    html, text = get_text(client, f"{BASE}/ou-j-en-suis")
    assert "Mon chemin" not in text
    assert [a["name"] for a in tags(html, "input", type="radio")].count("situation") == 5
    assert "5. Jusqu’où pouvez-vous aller, et d’où ?" in text.replace("'", "’")
    assert not unlabelled_controls(html)


ANSWERS = "situation=iae&diplome=aucun&experience=aucune&heures=partiel&lieu=Toulon&rayon=10"


def test_guided_path_suggests_ways_with_next_step_and_nearest_courses(client, courses):
    html, text = get_text(client, f"{BASE}/ou-j-en-suis?{ANSWERS}")
    assert "Mon chemin" in text
    assert "Découvrir le métier en immersion (PMSMP)" in text
    assert "Se former pendant votre contrat d’insertion" in text
    assert text.count("Prochaine étape") == 3
    assert "CAP AEPE en un an" in text  # open without diploma, near Toulon
    assert tags(
        html, "a", href="/bourse-emploi?lieu=Toulon&rayon=10&metier=K1307&immersion=1"
    )  # agent·e de crèche
    assert "Rien n’est enregistré" in text.replace("'", "’")


def test_guided_path_missing_answers_are_listed_and_kept(client):
    html, text = get_text(client, f"{BASE}/ou-j-en-suis?situation=pec&heures=zzz")
    assert "réponses à compléter" in text
    assert "Choisissez une réponse." in text and "Réponse inconnue" in text
    assert tags(html, "input", id="champ-situation-pec", checked="")
    assert "Mon chemin" not in text


def test_guided_path_prints_one_summary(client):
    html, _ = get_text(client, f"{BASE}/ou-j-en-suis?{ANSWERS}")
    assert tags(html, "button", type="button", class_="js-only")  # window.print through data-print
    assert 'class="guided-form no-print"' in html
    css = (Path(__file__).parents[2] / "static/css/passerelle.css").read_text(encoding="utf-8")
    assert ".guided-form, .site-header, .site-footer, .fact-sources { display: none; }" in css


def test_menu_links_to_careers(client):
    html, _ = get_text(client, "/")
    assert tags(html, "a", href=BASE)
