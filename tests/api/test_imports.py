"""Imports (flask import data-inclusion | lheo | eaje): upsert by (source, identifier), a report
(created, updated, unchanged, rejected with line and reason), nothing applied from a file that
cannot be read or when the import fails midway, re-indexing; and the round trip
export → import into an empty database → export gives the same records."""

from __future__ import annotations

import json
import shutil
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from app import create_app, migrate
from app.config import Settings
from app.db import get_session
from app.directory.models import (
    Certification,
    Modality,
    Offer,
    OfferKind,
    OfferStatus,
    Structure,
    StructureKind,
    Training,
    TrainingSession,
)
from app.moderation.models import ApplicationStatus, AvipApplication

DATA = Path(__file__).parent / "data"


def run(app, *args):
    # Flask's CLI reuses an app context already pushed (the ``session`` fixture's): push this
    # app's own, so that a second instance really works on its own database.
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def count(session, model=Offer):
    return session.scalar(select(func.count(model.id)))


def confirm_avip(app, since=None):
    """The coordinators confirm the AVIP applications an import filed (the page's date kept)."""
    with app.app_context():
        s = get_session()
        for application in s.scalars(select(AvipApplication)):
            s.execute(
                update(Offer)
                .where(Offer.id == application.offer_id)
                .values(avip=True, avip_since=since, updated_at=Offer.updated_at)
            )
            application.status = ApplicationStatus.GRANTED
        s.commit()


def offer(session, **where):
    session.expire_all()
    return session.scalars(select(Offer).filter_by(**where)).one()


# ---- EAJE ---------------------------------------------------------------------------------------


def test_eaje_import_creates_reports_and_is_searchable(app, client, session):
    result = run(app, "import", "eaje", str(DATA / "eaje.csv"))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Créées : 2" in out and "Rejetées : 2" in out
    assert "ligne 4 : code INSEE inconnu : 99999." in out
    assert "ligne 5 : nombre de places invalide : beaucoup." in out
    mimosas = offer(session, import_source="eaje", import_id="EAJE-83-001")
    assert (
        mimosas.title == "Multi-accueil Les Mimosas" and mimosas.kind is OfferKind.CRECHE_COLLECTIVE
    )
    assert mimosas.capacity == 40 and mimosas.status is OfferStatus.PUBLISHED
    assert (
        mimosas.structure.name == "Ville de Toulon"
        and mimosas.structure.kind is StructureKind.COMMUNE
    )
    assert next((s.weekday, s.opens, s.closes) for s in mimosas.slots) == (
        0,
        time(7, 30),
        time(18, 30),
    )
    galopins = offer(session, import_id="EAJE-83-002")
    assert galopins.kind is OfferKind.MICRO_CRECHE and galopins.code_insee == "83126"
    assert galopins.structure.kind is StructureKind.ENTREPRISE
    found = client.get("/api/v1/offres?commune=83137&rayon_km=20").get_json()
    assert {i["titre"] for i in found["items"]} == {
        "Multi-accueil Les Mimosas",
        "Micro-crèche Les Galopins",
    }


def test_eaje_reimport_is_idempotent_and_updates_what_changed(app, session, tmp_path):
    run(app, "import", "eaje", str(DATA / "eaje.csv"))
    again = run(app, "import", "eaje", str(DATA / "eaje.csv"))
    assert "Créées : 0" in again.output and "Inchangées : 2" in again.output
    changed = tmp_path / "eaje.csv"
    changed.write_text(
        (DATA / "eaje.csv").read_text().replace("Toulon;83137;40;", "Toulon;83137;45;")
    )
    third = run(app, "import", "eaje", str(changed))
    assert "Mises à jour : 1" in third.output and "Inchangées : 1" in third.output
    assert offer(session, import_id="EAJE-83-001").capacity == 45
    assert count(session) == 2 and count(session, Structure) == 2


def test_eaje_missing_columns_apply_nothing(app, session, tmp_path):
    bad = tmp_path / "liste.csv"
    bad.write_text("numero;adresse\n1;rue\n")
    result = run(app, "import", "eaje", str(bad))
    assert result.exit_code != 0
    assert (
        "colonnes obligatoires absentes (nom)" in result.output
        and "Rien n’a été importé" in result.output
    )
    assert count(session) == 0


# ---- LHEO ---------------------------------------------------------------------------------------


def test_lheo_actions_become_training_offers_with_sessions(app, session, client):
    result = run(app, "import", "lheo", str(DATA / "lheo.xml"))
    assert result.exit_code == 0, result.output
    assert "Créées : 2" in result.output and "Rejetées : 1" in result.output
    assert "ligne 60 : <lieu-de-formation> sans adresse." in result.output
    toulon = offer(session, import_source="lheo", import_id="F-AEPE-83/A1")
    assert (
        toulon.kind is OfferKind.FORMATION
        and toulon.title == "CAP Accompagnant éducatif petite enfance"
    )
    assert toulon.code_insee == "83137" and toulon.latitude == pytest.approx(43.1227)
    assert toulon.address == "Lycée Rouvière Quartier Sainte-Musse"
    assert (
        toulon.training.certification is Certification.CAP_AEPE
        and toulon.training.rncp_code == "RNCP38565"
    )
    assert toulon.training.hours == 980 and toulon.training.modality is Modality.PRESENTIEL
    assert [(s.start, s.end) for s in toulon.training.sessions] == [
        (date(2027, 1, 4), date(2027, 6, 30)),
        (date(2027, 9, 6), date(2028, 2, 28)),
    ]
    assert toulon.structure.name == "GRETA du Var" and toulon.structure.siret == "19830053100018"
    assert toulon.contact_phone == "01 99 00 77 88"
    draguignan = offer(session, import_id="F-AEPE-83/A2")
    assert (
        draguignan.commune_name == "Draguignan"
        and draguignan.training.modality is Modality.ALTERNANCE
    )
    assert draguignan.training.hours == 1200
    assert [(s.start, s.end) for s in draguignan.training.sessions] == [(date(2027, 3, 1), None)]
    assert draguignan.structure_id == toulon.structure_id
    body = client.get("/api/v1/offres?types=formation").get_json()
    assert body["total"] == 2
    again = run(app, "import", "lheo", str(DATA / "lheo.xml"))
    assert "Inchangées : 2" in again.output


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("<lheo><offres><formation>", "XML illisible"),
        ('<?xml version="1.0"?><!DOCTYPE lheo [<!ENTITY a "aaaa">]><lheo/>', "DTD"),
        ("<catalogue/>", "racine doit être <lheo>"),
    ],
)
def test_an_unreadable_lheo_file_applies_nothing(app, session, tmp_path, content, words):
    bad = tmp_path / "offres.xml"
    bad.write_text(content)
    result = run(app, "import", "lheo", str(bad))
    assert (
        result.exit_code != 0 and words in result.output and "Rien n’a été importé" in result.output
    )
    assert count(session) == 0


# ---- data·inclusion -----------------------------------------------------------------------------


def test_data_inclusion_services_with_their_structures(app, session):
    result = run(app, "import", "data-inclusion", str(DATA / "data-inclusion" / "services.json"))
    assert result.exit_code == 0, result.output
    out = result.output
    assert (
        "Créées : 3" in out
        and "Ignorées (hors petite enfance) : 1" in out
        and "Rejetées : 1" in out
    )
    # Hours that cannot be read no longer cost the record: they are reported.
    assert "ligne 3 : horaires non repris : « du lundi au vendredi le matin »." in out
    assert "ligne 5 : ni code INSEE ni commune." in out
    # The AVIP flag of the file goes to the coordinators: the label is not set by an import.
    assert "Labels AVIP à confirmer par la coordination : 1" in out
    creche = offer(session, import_source="data-inclusion:dora", import_id="dora--svc-1")
    assert creche.title == "Crèche Arc-en-ciel" and creche.kind is OfferKind.CRECHE_COLLECTIVE
    assert creche.avip is False and (creche.age_min_months, creche.age_max_months) == (2, 36)
    assert (
        session.scalar(select(AvipApplication.status).where(AvipApplication.offer_id == creche.id))
        is ApplicationStatus.SUBMITTED
    )
    assert creche.code_insee == "13055" and creche.address == "5 rue d’Aubagne"
    assert creche.website == "https://arc-en-ciel.example.org"
    assert creche.import_url == "https://dora.example.org/services/svc-1"
    assert creche.updated_at.date() == date(2026, 10, 2)
    assert creche.structure.siret == "44306184100047"
    course = offer(session, import_id="dora--svc-4")
    assert (
        course.kind is OfferKind.FORMATION and course.training.certification is Certification.DEEJE
    )


def test_a_folder_and_csv_files_are_read_too(app, session, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    from app.api.datainclusion import SERVICE_FIELDS, STRUCTURE_FIELDS, to_csv

    for name, fields in (("services", SERVICE_FIELDS), ("structures", STRUCTURE_FIELDS)):
        records = json.loads((DATA / "data-inclusion" / f"{name}.json").read_text())
        (folder / f"{name}.csv").write_text(
            to_csv([{k: r.get(k) for k in fields} for r in records], fields)
        )
    result = run(app, "import", "data-inclusion", str(folder))
    assert result.exit_code == 0, result.output
    assert "Créées : 3" in result.output and "Rejetées : 1" in result.output
    assert "Labels AVIP à confirmer par la coordination : 1" in result.output


def test_broken_json_applies_nothing(app, session, tmp_path):
    bad = tmp_path / "services.json"
    bad.write_text('[{"id": "x",')
    result = run(app, "import", "data-inclusion", str(bad))
    assert result.exit_code != 0 and "n’est pas un JSON lisible" in result.output
    assert count(session) == 0


def test_a_failure_midway_applies_nothing(app, session, monkeypatch):
    from app.api import imports

    real_write, calls = imports._write, []

    def failing_write(offer, item, *args):
        calls.append(item.key)
        if len(calls) == 2:
            raise RuntimeError("disque plein")
        real_write(offer, item, *args)

    monkeypatch.setattr(imports, "_write", failing_write)
    result = run(app, "import", "eaje", str(DATA / "eaje.csv"))
    assert result.exit_code != 0 and "rien n’a été importé" in result.output
    assert count(session) == 0 and count(session, Structure) == 0


# ---- round trip ----------------------------------------------------------------------------------


@pytest.fixture
def empty_app(tmp_path):
    """A second instance on an empty SQLite database, whatever the suite runs on."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    migrate.upgrade(url)
    other = create_app(
        Settings(
            DATABASE_URL=url,
            SEARCH_INDEX_DIR=str(tmp_path / "index-b"),
            ENV="test",
            TESTING=True,
            PUBLIC_URL="https://autre.example.fr",
        )
    )
    yield other
    other.extensions["search_index"].close()
    other.extensions["db_engine"].dispose()


def test_round_trip_export_import_export_gives_the_same_records(
    app, offer_factory, session, today, empty_app, tmp_path
):
    app.config["PUBLIC_URL"] = "https://passerelle.example.fr"
    offer_factory(title="Brouillon (décale les numéros)", status=OfferStatus.DRAFT)
    operator = Structure(
        name="Crèches du Var", kind=StructureKind.ENTREPRISE, siret="12345678900012"
    )
    offer_factory(
        title="Micro-crèche Les Petits Pas",
        kind=OfferKind.MICRO_CRECHE,
        structure=operator,
        avip=True,
        avip_since=today - timedelta(days=3),
        contact_email="contact@exemple.org",
        contact_phone="01 99 00 12 34",
        website="https://petits-pas.example.org",
        address="1 rue A",
        age_min_months=3,
        age_max_months=48,
        disability_access=True,
        how_to_apply="Appeler.",
    )
    offer_factory(
        title="Micro-crèche Les Grands Pas",
        kind=OfferKind.MICRO_CRECHE,
        structure=operator,
        code_insee="83126",
        description="Une autre micro-crèche du même gestionnaire.",
    )
    offer_factory(
        title="Nuit",
        kind=OfferKind.ACCUEIL_EPHEMERE,
        contact_public=False,
        contact_phone="01 99 00 00 09",
        slots=[(d, time(21, 0), time(6, 0)) for d in range(7)],
        code_insee="13055",
    )
    offer_factory(
        title="MAM Les Doudous",
        kind=OfferKind.MAM,
        slots=[(5, time(8, 0), time(12, 0))],
        cost_info="4,50 € de l’heure",
        website="pas une adresse",
    )
    course = offer_factory(
        title="DEEJE – IRTS", kind=OfferKind.FORMATION, slots=[], code_insee="75056"
    )
    course.training = Training(
        certification=Certification.DEEJE,
        modality=Modality.PRESENTIEL,
        sessions=[TrainingSession(start=date(2027, 9, 1))],
    )
    session.commit()

    first = tmp_path / "premier"
    assert run(app, "export", "data-inclusion", str(first)).exit_code == 0
    imported = run(empty_app, "import", "data-inclusion", str(first / "services.json"))
    assert "Créées : 5" in imported.output and "Rejetées : 0" in imported.output, imported.output
    assert "Labels AVIP à confirmer par la coordination : 1" in imported.output
    confirm_avip(empty_app, today - timedelta(days=3))
    second = tmp_path / "second"
    assert run(empty_app, "export", "data-inclusion", str(second)).exit_code == 0
    for name in ("structures.json", "services.json", "structures.csv", "services.csv"):
        assert (second / name).read_text() == (first / name).read_text(), name

    # The records name the original offers, not the new database's numbers.
    services = json.loads((second / "services.json").read_text())
    with empty_app.app_context():
        new_ids = set(get_session().scalars(select(Offer.id)))
    assert all(
        s["lien_source"].startswith("https://passerelle.example.fr/offre/") for s in services
    )
    assert {int(s["id"].rsplit("-", 1)[1]) for s in services} != new_ids

    # Importing the same files again changes nothing.
    again = run(empty_app, "import", "data-inclusion", str(first))
    assert "Inchangées : 5" in again.output and "Créées : 0" in again.output


def test_the_round_trip_of_the_csv_files(app, offer_factory, session, empty_app, tmp_path):
    offer_factory(title="Crèche des Lilas", avip=True)
    first = tmp_path / "premier"
    run(app, "export", "data-inclusion", str(first))
    csv_only = tmp_path / "csv"
    csv_only.mkdir()
    for name in ("services.csv", "structures.csv"):
        shutil.copy(first / name, csv_only / name)
    assert "Créées : 1" in run(empty_app, "import", "data-inclusion", str(csv_only)).output
    confirm_avip(empty_app)
    second = tmp_path / "second"
    run(empty_app, "export", "data-inclusion", str(second))
    assert (second / "services.json").read_text() == (first / "services.json").read_text()
    assert (second / "structures.json").read_text() == (first / "structures.json").read_text()


def test_imported_records_are_exported_under_their_producer_and_stay_valid(app, tmp_path):
    from data_inclusion.schema import v1

    run(app, "import", "data-inclusion", str(DATA / "data-inclusion" / "services.json"))
    confirm_avip(app)
    run(app, "export", "data-inclusion", str(tmp_path))
    services = json.loads((tmp_path / "services.json").read_text())
    structures = json.loads((tmp_path / "structures.json").read_text())
    creche = next(s for s in services if s["id"] == "dora--svc-1")
    assert creche["source"] == "dora" and creche["structure_id"] == "dora--creche-arc-en-ciel"
    assert creche["lien_source"] == "https://dora.example.org/services/svc-1"
    assert next(s for s in structures if s["id"] == "dora--creche-arc-en-ciel")[
        "reseaux_porteurs"
    ] == ["creches-avip"]
    for record in services:
        v1.Service.model_validate(record, context={"ignore_warnings": False})
    for record in structures:
        v1.Structure.model_validate(record, context={"ignore_warnings": False})
