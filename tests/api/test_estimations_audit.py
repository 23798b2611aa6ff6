"""The audit's cases (issue 15) through POST /api/v1/estimations: the same figures as the pure
rules (tests/estimator/test_estimator_audit.py, where each source is cited)."""

from __future__ import annotations

import pytest

URL = "/api/v1/estimations"


def post(client, payload):
    response = client.post(URL, json=payload)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def cmg(body, position=0, mode="assistant_maternel"):
    cost = next(c for c in body["enfants"][position]["couts"] if c["mode"] == mode)
    return next(a["montant_mensuel"] for a in cost["aides"] if a["code"] == "cmg")


def care(hours, wage, **more):
    return {"heures_par_mois": hours, "tarif_horaire": wage, "frais_entretien_mensuels": 0, **more}


def test_single_parent_cmg_plus_30_percent(client):
    # CSS art. L.531-5 / D.531-18, care from 1 October 2018: 688,05 € capped at 680,00 €.
    body = post(
        client,
        {
            "date": "2024-06-01",
            "parent_isole": True,
            "enfants": [{"age": 1}],
            "ressources_mensuelles": 2500,
            "garde": care(160, 5),
        },
    )
    assert cmg(body) == 680.00


@pytest.mark.parametrize(
    "child, amount",
    [
        ({"age": 3, "scolarise": False}, 333.74),
        ({"age": 3, "mois_naissance": 2}, 333.74),
        ({"age": 3, "scolarise": True}, 166.87),
        ({"age": 3}, 166.87),
    ],
)
def test_child_of_3_full_cmg_until_school(client, child, amount):
    # Décret du 30 octobre 2019 (care from 1 November 2019).
    body = post(
        client,
        {
            "date": "2024-06-01",
            "enfants": [child],
            "ressources_mensuelles": 2500,
            "garde": care(150, 4.5),
        },
    )
    assert cmg(body) == amount


@pytest.mark.parametrize(
    "flags, amount",
    [({"enfant_aeeh": True}, 433.86), ({"parent_aah": True}, 433.86)],
)
def test_aeeh_and_aah_plus_30_percent(client, flags, amount):
    # CSS art. L.531-5 III 4° (loi n°2018-1203, art. 69) and D.531-18.
    body = post(
        client,
        {
            "date": "2024-06-01",
            "enfants": [{"age": 2}],
            "ressources_mensuelles": 4000,
            "garde": care(150, 4.5),
            **flags,
        },
    )
    assert cmg(body) == amount


def test_atypical_hours_plus_10_percent(client):
    body = post(
        client,
        {
            "date": "2024-06-01",
            "enfants": [{"age": 2}],
            "ressources_mensuelles": 4000,
            "horaires_atypiques": True,
            "garde": care(150, 4.5),
        },
    )
    assert cmg(body) == 367.11


def test_no_creche_for_a_teenager(client):
    body = post(
        client,
        {
            "date": "2024-06-01",
            "enfants": [{"age": 14, "garde": True}],
            "ressources_mensuelles": 2000,
            "garde": {"heures_par_mois": 74},
        },
    )
    assert body["couts"] == []
    assert any("périscolaire" in note for note in body["enfants"][0]["notes"])


def test_each_rule_on_its_own_date(client):
    # Instruction DG n°2024-16 §3.1: the AGE's conditions on the day the job starts.
    body = post(
        client,
        {
            "date": "2024-04-25",
            "inscrit_france_travail": True,
            "categorie_demandeur": 1,
            "enfants": [{"age": 11}],
            "activite": {"type": "cdi", "date_debut": "2024-05-06", "heures_par_semaine": 35},
        },
    )
    assert body["age"]["dispositif"] == "age" and body["age"]["montant"] == 416.00
    assert body["age"]["date_reference"] == "2024-05-06"
    body = post(
        client,
        {
            "date": "2024-06-15",
            "inscrit_france_travail": True,
            "allocation_journaliere": 41.30,
            "enfants": [{"age": 2}],
            "activite": {"type": "cdi", "date_debut": "2024-07-01", "heures_par_semaine": 35},
            "ressources_mensuelles": 2000,
            "garde": {"heures_par_mois": 150},
        },
    )
    assert body["age"]["eligible"] is True
    assert body["date_reference_garde"] == "2024-07-01"


def test_one_entry_per_child_and_totals(client):
    body = post(
        client,
        {
            "date": "2024-06-01",
            "enfants": [{"age": 1}, {"age": 2}, {"age": 9}],
            "ressources_mensuelles": 4000,
            "garde": care(200, 5),
        },
    )
    assert [child["age"] for child in body["enfants"]] == [1, 2]
    total = next(t for t in body["totaux"] if t["mode"] == "assistant_maternel")
    assert total["enfants"] == [1, 2]
    assert total["credit_impot_annuel"] == 3500.00 and total["credit_impot_verse_en"] == 2025
    assert total["a_payer_chaque_mois"] == pytest.approx(2 * (1000 - 333.74))


def test_a_child_field_is_checked(client):
    response = client.post(URL, json={"enfants": [{"age": 3, "mois_naissance": 13}]})
    assert response.status_code == 422
    assert "enfants[0].mois_naissance" in response.get_json()["erreurs"]
