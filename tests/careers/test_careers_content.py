"""The careers content: every fact has an official source with its date, ROME codes exist, and a
missing source or date fails (the rule « content is the product »)."""

from __future__ import annotations

import tomllib
from datetime import date
from importlib import resources

import pytest

from app.careers.content import ContentError, build_content, content, parse_fact, parse_sources
from app.directory.models import Certification
from app.directory.training import prerequisites
from app.jobs.rome import DATA as ROME_FILE


def _raw(name: str) -> dict:
    return tomllib.loads(
        resources.files("app.careers").joinpath(f"data/{name}").read_text(encoding="utf-8")
    )


def test_every_fact_has_a_dated_source_with_an_address():
    c = content()
    facts = c.all_facts()
    assert len(facts) > 100
    for where, fact in facts:
        assert fact.sources, where
        for source in fact.sources:
            assert source.url.startswith("https://"), (where, source.id)
            assert source.title and source.publisher, (where, source.id)
            assert isinstance(source.consulted, date), (where, source.id)


def test_what_could_not_be_checked_says_so():
    verify = [f.verify for _, f in content().all_facts() if f.verify]
    assert verify and all(v.startswith("à vérifier") for v in verify)


def test_a_fact_without_source_fails():
    sources = parse_sources(_raw("sources.toml"))
    with pytest.raises(ContentError, match="aucune source"):
        parse_fact({"text": "Le Smic est de 12,02 €."}, sources, "jobs.x.pay")
    with pytest.raises(ContentError, match="source inconnue"):
        parse_fact({"text": "…", "sources": ["blog"]}, sources, "jobs.x.pay")


def test_a_source_without_its_date_fails():
    raw = _raw("sources.toml")
    del raw["smic"]["consulted"]
    with pytest.raises(ContentError, match="consulted"):
        parse_sources(raw)


def test_a_job_pay_without_source_fails_the_whole_content():
    jobs = _raw("jobs.toml")
    del jobs["jobs"][0]["pay"]["sources"]
    rome = ROME_FILE.read_text(encoding="utf-8")
    with pytest.raises(ContentError, match=r"assistant-maternel\.pay: aucune source"):
        build_content(
            _raw("sources.toml"), jobs, _raw("qualifications.toml"), _raw("ways.toml"), rome
        )


def test_rome_codes_come_from_the_reference():
    c = content()
    assert [r.code for r in c.jobs["assistant-maternel"].rome_v4] == ["K1310"]
    assert [r.code for r in c.jobs["assistant-maternel"].rome_v3] == ["K1303"]
    assert c.jobs["atsem"].rome_v4[0].label.startswith("Agent territorial spécialisé")
    assert c.jobs["educateur-jeunes-enfants"].rome_v4[0].code == "K1202"


def test_the_seven_jobs_and_four_qualifications():
    c = content()
    assert set(c.jobs) == {
        "assistant-maternel",
        "auxiliaire-de-puericulture",
        "accompagnant-educatif-petite-enfance",
        "educateur-jeunes-enfants",
        "agent-de-creche",
        "garde-enfants-domicile",
        "atsem",
    }
    assert {q.certification for q in c.qualifications.values()} == {
        c.value for c in Certification if c is not Certification.OTHER
    }


def test_diploma_facts_as_checked():
    q = content().qualifications
    assert q["cap-aepe"].rncp.value == "RNCP38565" and q["cap-aepe"].level.value == 3
    assert q["deap"].rncp.value == "RNCP40743" and q["deap"].level.value == 4
    assert q["deeje"].rncp.value == "RNCP37679" and q["deeje"].level.value == 6
    assert q["deeje"].rncp.verify  # RNCP41745 announced: to check
    assert q["titre-assistant-maternel"].rncp.verify  # no number found offline


def test_pay_figures_from_the_smic_of_2026():
    jobs = content().jobs
    assert jobs["agent-de-creche"].pay.low == 12.02
    # 0,281 × 12,02 € = 3,38 € (CASF D.423-9)
    assert jobs["assistant-maternel"].pay.low == round(0.281 * 12.02, 2)
    assert "casf_am_salaire" in {s.id for s in jobs["assistant-maternel"].pay.sources}


def test_funding_of_ways_are_the_directory_values():
    from app.directory.models import Funding

    values = {f.value for f in Funding}
    for way in content().ways.values():
        assert set(way.funding) <= values, way.slug


def test_directory_prerequisites_have_sources_and_dates():
    rows = prerequisites()
    assert set(rows) == {c.value for c in Certification if c is not Certification.OTHER}
    for row in rows.values():
        assert row.source_url.startswith("https://") and row.source_title
        assert isinstance(row.consulted, date)
    assert not rows["cap_aepe"].diploma_required and rows["deeje"].diploma_required
