"""The job exchange's part of the OpenAPI document: ``GET /api/v1/besoins``, the open needs of
the « bourse de l'emploi » (the same parameters as the ``/bourse-emploi`` page)."""

from __future__ import annotations

from typing import Any

from app.jobs import rome
from app.jobs.criteria import MAX_HOURS, MAX_PAGE, PLACE_LENGTH, RADII
from app.jobs.models import ContractKind, Qualification

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}


def _parameter(name: str, description: str, schema: dict[str, Any], example=None):
    parameter: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }
    if example is not None:
        parameter["example"] = example
    return parameter


#: An empty value means « not given » (a GET form sends every field), as on the page.
PARAMETERS = [
    _parameter(
        "lieu",
        "Commune (nom, code postal ou code INSEE) autour de laquelle chercher ; une commune "
        "introuvable ou ambiguë donne 422.",
        {"type": "string", "maxLength": PLACE_LENGTH},
        "83137",
    ),
    _parameter(
        "rayon",
        "Distance maximale en km (par défaut 20).",
        {"type": "string", "enum": ["", *[str(r) for r in RADII]]},
        "20",
    ),
    _parameter(
        "metier",
        "Code ROME 4.0 ou v3 (K1303 en v3 couvre K1303, K1307, K1308, K1309 et K1310 en 4.0).",
        {"type": "string", "enum": ["", *sorted({j.code for j in rome.all_jobs()})]},
        "K1303",
    ),
    _parameter(
        "contrat",
        "Type de contrat accepté.",
        {"type": "string", "enum": ["", *[k.value for k in ContractKind]]},
    ),
    _parameter(
        "immersion",
        "1 : seulement les lieux qui accueillent des immersions (PMSMP).",
        {"type": "string", "enum": ["", "1", "0", "oui", "non", "true", "false", "on", "off"]},
    ),
    _parameter(
        "heures",
        "Heures par semaine, au plus.",
        {"type": "string", "pattern": "^[0-9]{0,2}$"},
        "24",
    ),
    _parameter(
        "departement",
        "Code du département.",
        {"type": "string", "pattern": "^(0[1-9]|[1-8][0-9]|9[0-5]|2[AB]|97[1-6])?$"},
        "83",
    ),
    _parameter(
        "page", "Page de résultats (20 par page).", {"type": "string", "pattern": "^[0-9]{0,3}$"}
    ),
]

NEED = {
    "type": "object",
    "description": "Un besoin de recrutement ouvert d’une crèche, d’une MAM ou d’un gestionnaire.",
    "required": [
        "id",
        "metier",
        "structure",
        "contrats",
        "heures_par_semaine",
        "creneaux",
        "debut",
        "postes",
        "tutorat",
        "qualification",
        "en_cours_de_formation_accepte",
        "immersions_pmsmp",
        "periode_immersions",
        "commune",
        "departement",
        "distance_km",
        "publie_le",
        "mis_a_jour_le",
        "donnees_de_demonstration",
        "url",
    ],
    "properties": {
        "id": {"type": "integer"},
        "metier": {
            "type": "object",
            "required": ["code_rome", "libelle"],
            "properties": {"code_rome": STRING, "libelle": STRING},
        },
        "structure": STRING,
        "contrats": {
            "type": "array",
            "items": {"type": "string", "enum": [k.value for k in ContractKind]},
        },
        "heures_par_semaine": {"type": "integer", "minimum": 1, "maximum": MAX_HOURS},
        "creneaux": {"type": "string", "description": "Horaires au format OpenStreetMap."},
        "debut": {"type": ["string", "null"], "format": "date"},
        "postes": {"type": "integer", "minimum": 1},
        "tutorat": {"type": "boolean"},
        "qualification": {"type": "string", "enum": [q.value for q in Qualification]},
        "en_cours_de_formation_accepte": {"type": "boolean"},
        "immersions_pmsmp": {"type": "integer", "minimum": 0},
        "periode_immersions": STRING,
        "commune": {
            "type": "object",
            "required": ["code_insee", "nom"],
            "properties": {"code_insee": STRING, "nom": STRING},
        },
        "departement": STRING,
        "distance_km": {"type": ["number", "null"]},
        "publie_le": {"type": "string", "format": "date"},
        "mis_a_jour_le": {"type": "string", "format": "date"},
        "donnees_de_demonstration": {"type": "boolean"},
        "url": {"type": "string", "format": "uri"},
    },
}
NEED_PAGE = {
    "type": "object",
    "required": ["total", "page", "par_page", "pages", "items"],
    "properties": {
        "total": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
        "par_page": {"type": "integer"},
        "pages": {"type": "integer", "minimum": 1},
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Besoin"}},
    },
}


def job_paths(get_headers: dict[str, Any], error_response: dict[str, Any]) -> dict[str, Any]:
    return {
        "/api/v1/besoins": {
            "get": {
                "operationId": "chercherBesoins",
                "summary": "Les besoins de recrutement ouverts de la bourse de l’emploi",
                "description": (
                    "Les besoins publiés par les crèches, MAM et gestionnaires pour les SIAE, "
                    "GEIQ et prescripteurs : la recherche de la page /bourse-emploi, avec les "
                    "mêmes paramètres. Aucune coordonnée : on propose des personnes depuis la "
                    "page du besoin (url)."
                ),
                "tags": ["Bourse de l’emploi"],
                "parameters": PARAMETERS,
                "responses": {
                    "200": {
                        "description": "Une page de besoins et le nombre total.",
                        "headers": get_headers,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/PageBesoins"}
                            }
                        },
                    },
                    "422": {
                        "description": (
                            "Des paramètres ne conviennent pas : un message par paramètre."
                        ),
                        **error_response,
                    },
                },
            }
        }
    }


def job_schemas() -> dict[str, Any]:
    return {"Besoin": NEED, "PageBesoins": NEED_PAGE}
