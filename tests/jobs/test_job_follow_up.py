"""``flask jobs daily``, ``flask import bmo`` and ``/api/v1/besoins`` against the database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from kit.factories import (
    make_inclusive_structure,
    make_need,
    make_proposal,
    make_structure,
    make_user,
)
from kit.mails import last_mail_to, readable, text_of_mail
from kit.pages import text_of

from app.cli import load_demo
from app.db import utcnow
from app.jobs.models import BmoFigure, JobNeed, JobProposal, NeedStatus, ProposalStatus

DATA = Path(__file__).parent / "data"


def test_the_daily_command_reminds_closes_and_expires(app, session):
    creche = make_structure(session, "Multi-accueil Les Lucioles")
    make_user(session, "gestionnaire", "direction@lucioles.example.org", structures=[creche])
    now = utcnow()
    stale = make_need(session, creche, contact_email="", updated_at=now - timedelta(days=51))
    reminded = make_need(
        session,
        creche,
        contact_email="",
        updated_at=now - timedelta(days=61),
        reminded_at=now - timedelta(days=11),
    )
    fresh = make_need(session, creche, contact_email="")
    siae = make_inclusive_structure(session)
    coach = make_user(session, "employeur-inclusif", "charge@ai-var.example.org", structures=[siae])
    old = make_proposal(
        session,
        fresh,
        coach,
        siae,
        sent_at=now - timedelta(days=31),
        last_activity_at=now - timedelta(days=31),
    )
    waiting = make_proposal(session, fresh, coach, siae, sent_at=now - timedelta(days=3, hours=1))

    result = app.test_cli_runner().invoke(args=["jobs", "daily"])
    assert result.exit_code == 0, result.output
    assert "Besoins : 1 rappel(s), 1 fermé(s)" in result.output
    assert "Propositions : 1 rappel(s), 1 expirée(s)" in result.output
    for item in (stale, reminded, fresh, old, waiting):
        session.refresh(item)
    assert stale.reminded_at is not None and stale.status == NeedStatus.OPEN
    assert reminded.status == NeedStatus.CLOSED and reminded.closure == "sans-mise-a-jour"
    assert old.status == ProposalStatus.EXPIRED and waiting.reminders_sent == 1
    assert fresh.status == NeedStatus.OPEN
    mail = readable(text_of_mail(last_mail_to(app, "charge@ai-var.example.org")))
    assert "(Multi-accueil Les Lucioles, Toulon) : Expirée sans réponse." in mail


def test_importing_bmo_shows_the_difficult_share_next_to_passerelle_figures(app, client, session):
    result = app.test_cli_runner().invoke(args=["import", "bmo", str(DATA / "bmo-extrait.csv")])
    assert result.exit_code == 0, result.output
    assert (
        "2024 : 4 lignes" in result.output and "1 lignes d’autres métiers ignorées" in result.output
    )
    assert session.query(BmoFigure).count() == 4
    again = app.test_cli_runner().invoke(args=["import", "bmo", str(DATA / "bmo-extrait.csv")])
    assert again.exit_code == 0 and session.query(BmoFigure).count() == 4  # a year is replaced
    creche = make_structure(session, "Multi-accueil Les Lucioles")
    make_need(session, creche)
    text = readable(text_of(client.get("/bourse-emploi/tension").get_data(as_text=True)))
    assert "Var (83) moins de 5 besoins 62 % (2024)" in text  # (90 + 110) / (120 + 200 + 0)


def test_a_file_that_is_not_bmo_imports_nothing(app, session, tmp_path):
    wrong = tmp_path / "x.csv"
    wrong.write_text("a;b\n1;2\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import", "bmo", str(wrong)])
    assert result.exit_code != 0 and "Rien n’a été importé" in result.output


def test_the_api_lists_open_needs_with_the_page_parameters(client, session):
    creche = make_structure(session, "Multi-accueil Les Lucioles")
    make_need(session, creche, immersion_places=2)
    make_need(session, creche, code_insee="13055", rome_code="K1307", title="Animateur")
    body = client.get("/api/v1/besoins?lieu=83137&rayon=20&metier=J1304&immersion=1").get_json()
    assert body["total"] == 1
    item = body["items"][0]
    assert item["metier"] == {"code_rome": "J1304", "libelle": "Auxiliaire de puériculture"}
    assert item["distance_km"] == 0 and "contact" not in str(item)
    assert client.get("/api/v1/besoins?metier=K1303").get_json()["total"] == 1  # v3 → K1307
    wrong = client.get("/api/v1/besoins?heures=99&departement=xx")
    assert wrong.status_code == 422
    assert set(wrong.get_json()["erreurs"]) == {"heures", "departement"}


def test_demo_data_has_needs_and_proposals_labelled_as_demonstration(app, client, session):
    with app.app_context():
        load_demo(300, seed=7, echo=lambda *_: None)
    assert session.query(JobNeed).filter(JobNeed.is_demo).count() == 3
    assert session.query(JobProposal).filter(JobProposal.is_demo).count() == 2
    text = readable(
        text_of(client.get("/bourse-emploi?lieu=Toulon&rayon=30").get_data(as_text=True))
    )
    assert "3 besoins ouverts autour de Toulon" in text
    assert text.count("données de démonstration") >= 3
