"""The open-data export in the data·inclusion schema v1: ``flask export data-inclusion OUTDIR``
(JSON and CSV) and the same records at /api/v1/export/data-inclusion/…; every record is
validated by the schema's own package (data-inclusion-schema)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, time, timedelta

import pytest
from data_inclusion.schema import v1

from app.api.datainclusion import SERVICE_FIELDS, STRUCTURE_FIELDS, record_from_csv_row
from app.directory.models import (
    Certification,
    Modality,
    OfferKind,
    OfferStatus,
    Structure,
    StructureKind,
    Training,
    TrainingSession,
)

BASE = "https://passerelle.example.fr"
STRICT = {"ignore_warnings": False}


@pytest.fixture
def offers(app, offer_factory, session, today):
    app.config["PUBLIC_URL"] = BASE
    operator = Structure(
        name="Association Familles Solidaires",
        kind=StructureKind.ASSOCIATION,
        siret="12345678900012",
    )
    made = {
        "avip": offer_factory(
            title="Micro-crèche Les Petits Pas",
            kind=OfferKind.MICRO_CRECHE,
            structure=operator,
            address="12 rue des Lilas",
            avip=True,
            avip_since=today - timedelta(days=10),
            contact_phone="01 99 00 12 34",
            contact_email="contact@exemple.org",
            contact_name="Mme Martin",
            website="https://petitspas.example.org",
            cost_info="Barème de la Cnaf.",
            age_min_months=3,
            age_max_months=36,
            disability_access=True,
            how_to_apply="Appelez la directrice.",
        ),
        "night": offer_factory(
            title="Accueil de nuit Les Étoiles",
            kind=OfferKind.ACCUEIL_EPHEMERE,
            structure=operator,
            slots=[(d, time(21, 0), time(6, 0)) for d in range(5)],
            contact_phone="01 99 00 00 01",
            contact_public=False,
            description="Accueil d'urgence la nuit.",
        ),
        "course": offer_factory(
            title="CAP AEPE en alternance – Toulon",
            kind=OfferKind.FORMATION,
            slots=[],
            code_insee="83137",
        ),
        "demo": offer_factory(title="Crèche fictive", is_demo=True),
        "draft": offer_factory(title="Crèche en préparation", status=OfferStatus.DRAFT),
        "ended": offer_factory(
            title="Accueil d'été",
            kind=OfferKind.ACCUEIL_EPHEMERE,
            valid_from=today - timedelta(days=60),
            valid_until=today - timedelta(days=1),
        ),
    }
    made["course"].training = Training(
        certification=Certification.CAP_AEPE,
        modality=Modality.DISTANCE,
        sessions=[TrainingSession(start=date(2027, 1, 4))],
    )
    session.commit()
    return made


def run_export(app, folder):
    result = app.test_cli_runner().invoke(args=["export", "data-inclusion", str(folder)])
    assert result.exit_code == 0, result.output
    return result


def test_the_command_writes_json_and_csv_that_the_schema_accepts(app, offers, tmp_path):
    result = run_export(app, tmp_path / "export")
    assert "3 structures et 3 services exportés" in result.output
    folder = tmp_path / "export"
    structures = json.loads((folder / "structures.json").read_text())
    services = json.loads((folder / "services.json").read_text())
    assert len(structures) == len(services) == 3
    for record in structures:
        v1.Structure.model_validate(record, context=STRICT)
    for record in services:
        v1.Service.model_validate(record, context=STRICT)
    for name, model, fields, records in (
        ("structures", v1.Structure, STRUCTURE_FIELDS, structures),
        ("services", v1.Service, SERVICE_FIELDS, services),
    ):
        rows = list(csv.DictReader(io.StringIO((folder / f"{name}.csv").read_text())))
        assert tuple(rows[0]) == fields
        from_csv = [record_from_csv_row(row) for row in rows]
        for record in from_csv:
            model.model_validate(record, context=STRICT)
        assert from_csv == records  # the CSV says the same as the JSON


def by_id(records, ident):
    return next(r for r in records if r["id"] == ident)


def test_the_mapping_of_a_labelled_creche(app, offers, tmp_path):
    run_export(app, tmp_path)
    structures = json.loads((tmp_path / "structures.json").read_text())
    services = json.loads((tmp_path / "services.json").read_text())
    offer = offers["avip"]
    service = by_id(services, f"passerelle--offre-{offer.id}")
    place = by_id(structures, f"passerelle--lieu-{offer.id}")
    assert service["structure_id"] == place["id"]
    assert service["thematiques"] == ["famille--garde-denfants"]
    assert service["nom"] == "Micro-crèche" and place["nom"] == "Micro-crèche Les Petits Pas"
    assert service["horaires_accueil"] == place["horaires_accueil"] == "Mo-Fr 07:00-19:00"
    assert place["reseaux_porteurs"] == ["creches-avip"]
    assert place["siret"] == "12345678900012"
    assert service["lien_source"] == place["lien_source"] == f"{BASE}/offre/{offer.id}"
    assert (service["code_insee"], service["code_postal"], service["commune"]) == (
        "83137",
        "83000",
        "Toulon",
    )
    assert service["latitude"] == pytest.approx(offer.latitude)
    assert service["frais"] == "payant" and service["frais_precisions"] == "Barème de la Cnaf."
    assert "personnes-en-situation-de-handicap" in service["publics"]
    assert "demandeurs-emploi" in service["publics"]
    assert service["publics_precisions"] == "Enfants âgés de 3 mois à 36 mois (exclu)."
    assert (service["telephone"], service["courriel"], service["contact_nom_prenom"]) == (
        "01 99 00 12 34",
        "contact@exemple.org",
        "Mme Martin",
    )
    assert service["modes_mobilisation"] == ["envoyer-un-courriel", "se-presenter", "telephoner"]
    assert service["date_maj"] == offer.updated_at.date().isoformat()


def test_night_hours_private_contact_and_training(app, offers, tmp_path):
    run_export(app, tmp_path)
    structures = json.loads((tmp_path / "structures.json").read_text())
    services = json.loads((tmp_path / "services.json").read_text())
    night = by_id(services, f"passerelle--offre-{offers['night'].id}")
    assert night["horaires_accueil"] == "Mo-Fr 21:00-06:00"
    assert night["telephone"] is None and "01 99 00 00 01" not in json.dumps(services)
    assert by_id(structures, f"passerelle--lieu-{offers['night'].id}")["reseaux_porteurs"] is None
    course = by_id(services, f"passerelle--offre-{offers['course'].id}")
    assert (
        course["thematiques"] == ["se-former--trouver-sa-formation"]
        and course["type"] == "formation"
    )
    assert course["nom"] == "CAP Accompagnant éducatif petite enfance (AEPE)"
    assert course["modes_accueil"] == ["a-distance"]
    ids = {s["id"] for s in services}
    for name in ("demo", "draft", "ended"):
        assert f"passerelle--offre-{offers[name].id}" not in ids


def test_the_api_serves_the_same_records(app, client, offers, tmp_path):
    run_export(app, tmp_path)
    for kind in ("structures", "services"):
        response = client.get(f"/api/v1/export/data-inclusion/{kind}.json")
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["Cache-Control"] == "public, max-age=3600"
        assert response.get_json() == json.loads((tmp_path / f"{kind}.json").read_text())
        as_csv = client.get(f"/api/v1/export/data-inclusion/{kind}.csv")
        assert as_csv.mimetype == "text/csv"
        assert as_csv.get_data(as_text=True) == (tmp_path / f"{kind}.csv").read_text()


def test_an_empty_directory_exports_empty_lists(app, client):
    assert client.get("/api/v1/export/data-inclusion/services.json").get_json() == []
