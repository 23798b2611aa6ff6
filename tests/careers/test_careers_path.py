"""The rules of « Où j’en suis »: five answers → two or three ways in."""

from __future__ import annotations

import pytest

from app.careers.content import content
from app.careers.exchange import exchange_url
from app.careers.path import (
    Answers,
    fitting_jobs,
    parse_answers,
    suggest_ways,
    target_qualification,
)


def ways(**answers) -> list[str]:
    defaults = {"situation": "autre", "diploma": "aucun", "experience": "un_peu", "hours": "tous"}
    return [s.way for s in suggest_ways(Answers(**{**defaults, **answers}))]


def test_a_person_in_an_siae_without_experience_discovers_then_trains_in_her_contract():
    assert ways(situation="iae", experience="aucune") == [
        "immersion",
        "parcours-insertion",
        "alternance",
    ]


def test_more_than_a_year_with_children_suggests_vae_first():
    assert ways(situation="pec", experience="plus_d_un_an")[0] == "vae"


def test_a_job_seeker_with_experience_gets_a_poei_without_a_poec():
    found = ways(situation="demandeur", experience="un_peu")
    assert "poei" in found and "poec" not in found


def test_a_job_seeker_without_experience_gets_a_group_course():
    assert ways(situation="demandeur", experience="aucune")[:2] == ["immersion", "poec"]


def test_anyone_else_gets_the_cpf():
    assert "cpf" in ways(situation="autre")


def test_a_state_diploma_holder_is_not_sent_to_vae_nor_alternance():
    found = ways(situation="demandeur", diploma="de", experience="plus_d_un_an")
    assert "vae" not in found and "alternance" not in found
    assert 2 <= len(found) <= 3


@pytest.mark.parametrize("situation", ["iae", "pec", "cie", "demandeur", "autre"])
@pytest.mark.parametrize("diploma", ["aucun", "cap_autre", "bac", "petite_enfance", "de"])
@pytest.mark.parametrize("experience", ["aucune", "un_peu", "plus_d_un_an"])
def test_always_two_or_three_known_ways(situation, diploma, experience):
    found = ways(situation=situation, diploma=diploma, experience=experience)
    assert 2 <= len(found) <= 3 and len(set(found)) == len(found)
    assert set(found) <= set(content().ways)


def test_the_qualification_to_aim_at():
    base = {"situation": "iae", "experience": "un_peu", "hours": "journee"}
    assert target_qualification(Answers(diploma="aucun", **base)) == "cap-aepe"
    assert target_qualification(Answers(diploma="bac", **base)) == "deap"
    assert target_qualification(Answers(diploma="de", **base)) == "deeje"
    evening = {**base, "hours": "decale"}
    assert target_qualification(Answers(diploma="aucun", **evening)) == "titre-assistant-maternel"


def test_jobs_fit_the_hours_and_state_diplomas():
    jobs = {s: (j.fits_hours, j.state_diploma) for s, j in content().jobs.items()}
    partial = Answers("iae", "aucun", "aucune", "partiel")
    assert "garde-enfants-domicile" in fitting_jobs(partial, jobs)
    assert "auxiliaire-de-puericulture" not in fitting_jobs(
        Answers("iae", "aucun", "aucune", "tous"), jobs
    )
    assert "auxiliaire-de-puericulture" in fitting_jobs(
        Answers("iae", "de", "aucune", "tous"), jobs
    )


def test_nothing_sent_is_not_an_error():
    parsed = parse_answers({})
    assert parsed.answers is None and not parsed.errors and not parsed.asked


def test_missing_and_unknown_answers_are_named_in_french():
    parsed = parse_answers({"situation": "pirate", "diplome": "aucun", "rayon": "7"})
    assert parsed.answers is None
    assert parsed.errors["situation"].startswith("Réponse inconnue")
    assert parsed.errors["experience"] == "Choisissez une réponse."
    assert parsed.errors["rayon"] == "Choisissez une distance dans la liste."
    assert parsed.typed["situation"] == "pirate"


def test_full_answers():
    parsed = parse_answers(
        {
            "situation": "iae",
            "diplome": "aucun",
            "experience": "aucune",
            "heures": "partiel",
            "lieu": "Toulon",
            "rayon": "20",
        }
    )
    assert parsed.answers == Answers("iae", "aucun", "aucune", "partiel", 20, "Toulon")


def test_job_exchange_links_are_plain_urls():
    assert (
        exchange_url(metier="K1303", lieu="Toulon", rayon=10, immersion=True)
        == "/bourse-emploi?lieu=Toulon&rayon=10&metier=K1303&immersion=1"
    )
    assert exchange_url() == "/bourse-emploi"
