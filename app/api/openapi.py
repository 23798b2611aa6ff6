"""The OpenAPI 3.1 document of ``/api/v1`` (served at ``/api/v1/openapi.json``).

Schemas are JSON Schema 2020-12; the examples are real: the response example is computed from
the request example by the estimator itself, so the document cannot drift from the code.
"""

from __future__ import annotations

import copy
from datetime import date
from functools import lru_cache
from typing import Any

from app.api.estimations import MAX_CHILDREN, estimation_to_json, run_estimation
from app.api.openapi_jobs import job_paths, job_schemas
from app.api.openapi_read import (
    ERROR_RESPONSE,
    GET_HEADERS,
    TOO_MANY_REQUESTS,
    read_paths,
    read_schemas,
)
from app.estimator import ACTIVITY_TYPES, MODES, TERRITORIES

API_VERSION = "1.0.0"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _number(low: float, high: float, description: str) -> dict[str, Any]:
    return _nullable(
        {"type": "number", "minimum": low, "maximum": high, "description": description}
    )


DATE = {"type": "string", "format": "date"}
MESSAGES = {"type": "array", "items": {"type": "string"}}
SOURCE = {
    "type": "object",
    "required": ["parametre", "depuis", "source", "non_verifie"],
    "properties": {
        "parametre": {
            "type": "string",
            "description": "Nom du paramètre daté, par exemple « age.montants ».",
        },
        "depuis": DATE,
        "source": {"type": "string", "description": "Texte officiel ou page d’où vient la valeur."},
        "non_verifie": {
            "type": "boolean",
            "description": "Valeur marquée UNVERIFIED : la meilleure trouvée, à confirmer.",
        },
    },
}

ACTIVITY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["type", "date_debut"],
    "description": "L’emploi ou la formation qui commence.",
    "properties": {
        "type": {"type": "string", "enum": list(ACTIVITY_TYPES)},
        "date_debut": DATE,
        "duree_jours": _nullable(
            {
                "type": "integer",
                "minimum": 0,
                "maximum": 3660,
                "description": (
                    "Durée d’un CDD ou d’une mission d’intérim, en jours calendaires consécutifs."
                ),
            }
        ),
        "duree_heures": _number(0, 10000, "Durée totale d’une formation, en heures."),
        "heures_par_semaine": _number(0, 168, "Heures de travail ou de formation par semaine."),
        "heures_par_mois": _number(0, 744, "Heures de travail ou de formation par mois."),
        "salarie_entreprise": {
            "type": "boolean",
            "description": "Création d’entreprise : salarié·e de l’entreprise créée (AGEPI).",
        },
    },
}
CARE = {
    "type": "object",
    "additionalProperties": False,
    "description": "La garde nécessaire, pour estimer le coût de chaque mode de garde.",
    "properties": {
        "heures_par_mois": _nullable(
            {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 744,
                "description": (
                    "Heures de garde par mois, plus de 0 (par défaut : celles de l’activité)."
                ),
            }
        ),
        "tarif_horaire": _number(
            0,
            100,
            (
                "Salaire horaire net d’un·e assistant·e maternel·le ; sans lui, seule la crèche "
                "est estimée."
            ),
        ),
        "frais_entretien_mensuels": _number(
            0,
            10000,
            "Indemnités d’entretien par mois (absent ou null : estimées au minimum légal).",
        ),
        "frais_repas_mensuels": _number(0, 10000, "Frais de repas par mois."),
        "prix_horaire_micro_creche": _number(
            0, 100, "Prix horaire d’une micro-crèche hors barème de la Caf (CMG « structure »)."
        ),
        "tarif_horaire_domicile": _number(
            0,
            100,
            (
                "Salaire horaire net d’une garde à domicile (un salaire pour tous les enfants "
                "gardés ensemble)."
            ),
        ),
        "age_enfant": _nullable(
            {
                "type": "integer",
                "minimum": 0,
                "maximum": 17,
                "description": (
                    "Âge d’un seul enfant gardé (par défaut : les enfants marqués « garde », "
                    "sinon ceux de moins de 6 ans)."
                ),
            }
        ),
        "date_debut": _nullable(
            {
                **DATE,
                "description": (
                    "Premier jour de garde : les barèmes de la Caf de ce mois s’appliquent (par "
                    "défaut : le début de l’activité, sinon la date de l’estimation)."
                ),
            }
        ),
    },
}
REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "description": (
        "Tous les champs sont facultatifs ; une estimation sans activité ni enfant "
        "dit ce qui manque."
    ),
    "properties": {
        "date": {
            **DATE,
            "description": (
                "Date de l’estimation : les règles en vigueur ce jour-là (par défaut "
                "aujourd’hui ; avant le 1er mai 2024, l’AGEPI)."
            ),
        },
        "territoire": {"type": "string", "enum": list(TERRITORIES), "default": "metropole"},
        "parent_isole": {"type": "boolean", "default": False},
        "inscrit_france_travail": {"type": "boolean", "default": False},
        "categorie_demandeur": {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": 8},
                {"type": "string", "enum": ["csp", "pap"]},
                {"type": "null"},
            ],
            "description": "Catégorie d’inscription ; null si inconnue.",
        },
        "allocation_journaliere": _number(
            0,
            1000,
            (
                "Allocation chômage nette par jour, en euros ; null sans allocation (le RSA n’en "
                "est pas une)."
            ),
        ),
        "enfants": {
            "type": "array",
            "maxItems": MAX_CHILDREN,
            "description": "Chaque enfant à charge, avec son âge en années aujourd’hui.",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["age"],
                "properties": {
                    "age": {"type": "integer", "minimum": 0, "maximum": 25},
                    "garde": _nullable(
                        {
                            "type": "boolean",
                            "description": (
                                "Cet enfant a besoin d’une garde (par défaut : oui avant 6 ans)."
                            ),
                        }
                    ),
                    "scolarise": _nullable(
                        {
                            "type": "boolean",
                            "description": (
                                "Va déjà à l’école (décide du CMG plein d’un enfant de 3 ans "
                                "avant septembre)."
                            ),
                        }
                    ),
                    "mois_naissance": _nullable(
                        {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": 12,
                            "description": (
                                "Mois de naissance (CMG d’un enfant de 3 ans, crédit d’impôt "
                                "d’un enfant de 6 ans)."
                            ),
                        }
                    ),
                },
            },
        },
        "activite": _nullable(ACTIVITY),
        "date_demande": _nullable(
            {**DATE, "description": "Date de la demande (par défaut : la date de l’estimation)."}
        ),
        "date_derniere_aide": _nullable(
            {
                **DATE,
                "description": (
                    "Date de début de l’emploi ou de la formation de la dernière AGE ou AGEPI."
                ),
            }
        ),
        "ressources_mensuelles": _number(
            0, 1_000_000, "Ressources du foyer de l’année N-2 divisées par 12, en euros."
        ),
        "garde": _nullable(CARE),
        "enfant_aeeh": {
            "type": "boolean",
            "default": False,
            "description": "Un enfant du foyer perçoit l’AEEH.",
        },
        "parent_aah": {
            "type": "boolean",
            "default": False,
            "description": (
                "Le parent ou son conjoint perçoit l’AAH (CMG majoré avant septembre 2025)."
            ),
        },
        "horaires_atypiques": {
            "type": "boolean",
            "default": False,
            "description": (
                "Au moins 25 heures de garde par mois entre 22 h et 6 h, le dimanche ou un jour "
                "férié (CMG majoré avant septembre 2025)."
            ),
        },
    },
}
CONDITION = {
    "type": "object",
    "required": ["code", "ok", "statut", "message"],
    "properties": {
        "code": {
            "type": "string",
            "enum": [
                "registration",
                "resources",
                "child_age",
                "isolated_parent",
                "event",
                "application_delay",
                "once_per_12_months",
            ],
        },
        "ok": {"type": "boolean"},
        "statut": {
            "type": "string",
            "enum": ["oui", "non", "a_verifier"],
            "description": (
                "« a_verifier » : impossible à trancher d’après les réponses (ok reste vrai), "
                "le message dit quoi vérifier."
            ),
        },
        "message": {"type": "string", "description": "La raison, en français clair."},
    },
}
MODE_COST = {
    "type": "object",
    "required": [
        "mode",
        "libelle",
        "heures_par_mois",
        "prix_horaire",
        "cout_mensuel",
        "aides",
        "reste_a_charge_mensuel",
        "reste_a_charge_horaire",
        "hypotheses",
        "sources",
    ],
    "properties": {
        "mode": {"type": "string", "enum": list(MODES)},
        "libelle": {"type": "string"},
        "heures_par_mois": {"type": "number"},
        "prix_horaire": {
            "type": "number",
            "description": "Prix d’une heure avant les aides, en euros.",
        },
        "cout_mensuel": {"type": "number", "description": "Coût par mois avant les aides."},
        "aides": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "libelle", "montant_mensuel", "explication"],
                "properties": {
                    "code": {"type": "string", "enum": ["cmg", "credit_impot"]},
                    "libelle": {"type": "string"},
                    "montant_mensuel": {"type": "number"},
                    "explication": {"type": "string"},
                },
            },
        },
        "a_payer_chaque_mois": {
            "type": "number",
            "description": "Ce que vous payez chaque mois : coût moins le CMG.",
        },
        "credit_impot_annuel": {
            "type": "number",
            "description": "Crédit d’impôt de l’année de garde, versé l’année suivante.",
        },
        "credit_impot_verse_en": _nullable({"type": "integer"}),
        "reste_a_charge_mensuel": {
            "type": "number",
            "description": "Après toutes les aides, crédit d’impôt réparti sur 12 mois.",
        },
        "reste_a_charge_horaire": {"type": "number"},
        "tarif_psu": _nullable(
            {"type": "boolean", "description": "Prix du barème national de la Caf (PSU)."}
        ),
        "non_compte": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Ce que le chiffre ne compte pas ou estime, à dire à côté de lui.",
        },
        "prochaines_etapes": MESSAGES,
        "hypotheses": MESSAGES,
        "date_reference": _nullable(DATE),
        "sources": {"type": "array", "items": SOURCE},
    },
}
MODE_TOTAL = {
    "type": "object",
    "required": [
        "mode",
        "libelle",
        "enfants",
        "cout_mensuel",
        "cmg_mensuel",
        "a_payer_chaque_mois",
        "credit_impot_annuel",
        "credit_impot_verse_en",
    ],
    "properties": {
        "mode": {"type": "string", "enum": list(MODES)},
        "libelle": {"type": "string"},
        "enfants": {"type": "array", "items": {"type": "integer"}},
        "cout_mensuel": {"type": "number"},
        "cmg_mensuel": {"type": "number"},
        "a_payer_chaque_mois": {"type": "number"},
        "credit_impot_annuel": {"type": "number"},
        "credit_impot_verse_en": _nullable({"type": "integer"}),
    },
}
RESPONSE = {
    "type": "object",
    "required": ["date", "age", "couts", "date_reference_garde", "enfants", "totaux", "notes"],
    "properties": {
        "date": DATE,
        "age": {
            "type": "object",
            "required": [
                "dispositif",
                "nom",
                "nom_complet",
                "eligible",
                "montant",
                "montant_si_eligible",
                "explication_montant",
                "conditions",
                "date_limite_demande",
                "prochaines_etapes",
                "notes",
                "sources",
            ],
            "properties": {
                "dispositif": {"type": "string", "enum": ["age", "agepi"]},
                "nom": {"type": "string"},
                "nom_complet": {"type": "string"},
                "eligible": {"type": "boolean"},
                "montant": {
                    "type": "number",
                    "description": "Versé une fois, en euros ; 0 sans droit.",
                },
                "montant_si_eligible": {
                    "type": "number",
                    "description": (
                        "Le montant si toutes les conditions étaient remplies (dérogation)."
                    ),
                },
                "explication_montant": {"type": "string"},
                "conditions": {"type": "array", "items": CONDITION},
                "date_limite_demande": _nullable(DATE),
                "prochaines_etapes": {"type": "string"},
                "notes": MESSAGES,
                "sources": {"type": "array", "items": SOURCE},
                "date_reference": _nullable(DATE),
                "explication_date_reference": {"type": "string"},
            },
        },
        "couts": {
            "type": "array",
            "items": MODE_COST,
            "description": "Les modes de garde du premier enfant gardé (voir « enfants »).",
        },
        "date_reference_garde": _nullable(DATE),
        "enfants": {
            "type": "array",
            "description": "Une entrée par enfant à faire garder, avec ses modes de garde.",
            "items": {
                "type": "object",
                "required": ["position", "age", "couts", "notes"],
                "properties": {
                    "position": {"type": "integer"},
                    "age": {"type": "integer"},
                    "couts": {"type": "array", "items": MODE_COST},
                    "notes": MESSAGES,
                },
            },
        },
        "totaux": {
            "type": "array",
            "items": MODE_TOTAL,
            "description": "Chaque mode de garde pour tous les enfants qui peuvent y aller.",
        },
        "notes": MESSAGES,
    },
}
VALIDATION_ERROR = {
    "type": "object",
    "required": ["message"],
    "properties": {
        "message": {"type": "string"},
        "erreurs": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": (
                "Un message par champ, nommé par son chemin "
                "(« activite.duree_jours », « enfants[0].age »)."
            ),
        },
    },
}

EXAMPLE_REQUEST = {
    "date": "2026-11-21",
    "territoire": "metropole",
    "parent_isole": True,
    "inscrit_france_travail": True,
    "categorie_demandeur": 1,
    "allocation_journaliere": None,
    "enfants": [{"age": 2}, {"age": 7}],
    "activite": {
        "type": "cdd",
        "date_debut": "2026-12-01",
        "duree_jours": 92,
        "heures_par_semaine": 35,
    },
    "date_derniere_aide": None,
    "ressources_mensuelles": 1450,
    "garde": {"heures_par_mois": 160, "tarif_horaire": 4.6, "frais_entretien_mensuels": 70},
}
EXAMPLE_ERROR = {
    "message": "Certaines valeurs ne conviennent pas : voir « erreurs ».",
    "erreurs": {"activite.duree_jours": "Indiquez un nombre entier entre 0 et 3660 (jours)."},
}


@lru_cache(maxsize=1)
def _example_response() -> dict[str, Any]:
    return estimation_to_json(run_estimation(EXAMPLE_REQUEST, today=date(2026, 11, 21)))


def openapi_document(server_url: str) -> dict[str, Any]:
    """The whole document; ``server_url`` is where this instance answers."""
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "API Passerelle",
            "version": API_VERSION,
            "summary": (
                "Modes de garde et aides à la garde pour les parents qui reprennent un emploi."
            ),
            "description": (
                "API publique et gratuite de Passerelle. Les réponses sont en JSON, les messages "
                "en français. Les montants sont en euros. Les estimations ne sont pas enregistrées."
            ),
            "license": {
                "name": "Licence Ouverte 2.0",
                "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            },
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/v1/estimations": {
                "post": {
                    "operationId": "creerEstimation",
                    "summary": (
                        "Estimer l’AGE (ex-AGEPI) de France Travail et le coût de chaque "
                        "mode de garde"
                    ),
                    "description": (
                        "Les mêmes règles que la page « Estimer mes aides » : pour chaque "
                        "condition de l’AGE, un verdict et une raison ; pour la crèche, "
                        "l’assistant·e maternel·le et la MAM, le coût par mois avant et après le "
                        "CMG et le crédit d’impôt."
                    ),
                    "tags": ["Estimations"],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/DemandeEstimation"},
                                "examples": {
                                    "cdd": {
                                        "summary": "CDD de 3 mois, deux enfants",
                                        "value": EXAMPLE_REQUEST,
                                    }
                                },
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "L’estimation.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Estimation"},
                                    "examples": {
                                        "cdd": {"value": copy.deepcopy(_example_response())}
                                    },
                                }
                            },
                        },
                        "400": {
                            "description": "Le corps n’est pas un JSON valide.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Erreur"}
                                }
                            },
                        },
                        "415": {
                            "description": "Le corps n’est pas envoyé en JSON.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Erreur"}
                                }
                            },
                        },
                        "422": {
                            "description": "Des valeurs ne conviennent pas : un message par champ.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Erreur"},
                                    "examples": {"duree": {"value": EXAMPLE_ERROR}},
                                }
                            },
                        },
                        "429": TOO_MANY_REQUESTS,
                    },
                }
            },
            **read_paths(),
            **job_paths(GET_HEADERS, ERROR_RESPONSE),
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "documentOpenapi",
                    "summary": "Ce document",
                    "tags": ["Documentation"],
                    "responses": {
                        "200": {
                            "description": "Le document OpenAPI 3.1.",
                            "content": {"application/json": {}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "DemandeEstimation": REQUEST,
                "Estimation": RESPONSE,
                "Erreur": VALIDATION_ERROR,
                **read_schemas(),
                **job_schemas(),
            }
        },
    }
