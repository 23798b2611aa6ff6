"""The read endpoints' part of the OpenAPI document: offers, communes and the open-data export.

The offer example is computed: a fixed offer (never stored) goes through :func:`offer_to_json`,
the serialiser of the real responses, so the example cannot drift from the code.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from app.api.datainclusion import (
    INTEGER_FIELDS,
    LIST_FIELDS,
    NUMBER_FIELDS,
    SERVICE_FIELDS,
    STRUCTURE_FIELDS,
)
from app.api.offers import MAX_OFFER_ID, communes_to_json, offer_to_json
from app.directory.criteria import DAY_CODES, FUNDINGS, INSEE_CODE, LIMITS, SORTS
from app.directory.models import (
    Certification,
    Funding,
    Modality,
    Offer,
    OfferKind,
    OfferStatus,
    OpeningSlot,
    Structure,
    StructureKind,
)

EXAMPLE_DAY = date(2026, 11, 21)
STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_INTEGER = {"type": ["integer", "null"]}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
ERROR_RESPONSE = {
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Erreur"}}}
}
BOOLEAN_PARAMETER = {"type": "string", "enum": ["true", "false", "1", "0", "oui", "non"]}
KINDS = [k.value for k in OfferKind]

OFFER = {
    "type": "object",
    "description": (
        "Une offre publiée : un accueil du jeune enfant ou une formation petite enfance."
    ),
    "required": [
        "id",
        "titre",
        "type",
        "type_libelle",
        "description",
        "structure",
        "adresse",
        "distance_km",
        "avip",
        "places_avip",
        "capacite",
        "places_disponibles",
        "places_disponibles_le",
        "age_min_mois",
        "age_max_mois",
        "horaires",
        "creneaux",
        "fermetures",
        "contact",
        "comment_candidater",
        "tarifs",
        "tarification_psu",
        "accueil_handicap",
        "valide_du",
        "valide_jusqu_au",
        "mis_a_jour_le",
        "a_verifier",
        "donnees_de_demonstration",
        "url",
        "formation",
    ],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer"},
        "titre": STRING,
        "type": {"type": "string", "enum": KINDS},
        "type_libelle": STRING,
        "description": STRING,
        "structure": {
            "type": "object",
            "required": ["id", "nom"],
            "additionalProperties": False,
            "properties": {"id": {"type": "integer"}, "nom": STRING},
        },
        "adresse": {
            "type": "object",
            "additionalProperties": False,
            "required": [
                "adresse",
                "code_postal",
                "code_insee",
                "commune",
                "departement",
                "libelle_commune",
                "latitude",
                "longitude",
            ],
            "properties": {
                "adresse": {
                    **STRING,
                    "description": "Numéro et rue ; vide pour un particulier (assistant·e "
                    "maternel·le, contact privé), dont seule la commune est publiée.",
                },
                "code_postal": STRING,
                "code_insee": {"type": "string", "pattern": INSEE_CODE.pattern},
                "commune": STRING,
                "departement": STRING,
                "libelle_commune": STRING,
                "latitude": {
                    "type": "number",
                    "minimum": -90,
                    "maximum": 90,
                    "description": "Arrondie à 0,01° (environ 1 km) pour un particulier.",
                },
                "longitude": {
                    "type": "number",
                    "minimum": -180,
                    "maximum": 180,
                    "description": "Arrondie à 0,01° (environ 1 km) pour un particulier.",
                },
            },
        },
        "distance_km": {
            "type": ["number", "null"],
            "minimum": 0,
            "description": "Distance au point cherché, en kilomètres ; null sans point.",
        },
        "avip": {"type": "boolean", "description": "Label AVIP valide aujourd’hui."},
        "places_avip": NULLABLE_INTEGER,
        "capacite": NULLABLE_INTEGER,
        "places_disponibles": {
            "type": ["integer", "null"],
            "minimum": 0,
            "description": "Places libres annoncées ; null si non renseigné.",
        },
        "places_disponibles_le": NULLABLE_DATE,
        "age_min_mois": {"type": "integer", "minimum": 0},
        "age_max_mois": {"type": "integer", "description": "Âge maximal exclu, en mois."},
        "horaires": {
            "type": "string",
            "description": "Horaires au format OpenStreetMap opening_hours.",
        },
        "creneaux": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["jour", "ouverture", "fermeture"],
                "additionalProperties": False,
                "properties": {
                    "jour": {"type": "string", "enum": list(DAY_CODES)},
                    "ouverture": {"type": "string", "pattern": "^\\d{2}:\\d{2}$"},
                    "fermeture": {
                        "type": "string",
                        "pattern": "^\\d{2}:\\d{2}$",
                        "description": "Avant l’ouverture : le lendemain (garde de nuit).",
                    },
                },
            },
        },
        "fermetures": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["debut", "fin", "motif"],
                "additionalProperties": False,
                "properties": {
                    "debut": {"type": "string", "format": "date"},
                    "fin": {"type": "string", "format": "date"},
                    "motif": STRING,
                },
            },
        },
        "contact": {
            "anyOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["nom", "telephone", "courriel", "site_web"],
                    "additionalProperties": False,
                    "properties": {
                        "nom": STRING,
                        "telephone": STRING,
                        "courriel": STRING,
                        "site_web": STRING,
                    },
                },
            ],
            "description": "null quand la structure ne rend pas son contact public.",
        },
        "comment_candidater": STRING,
        "tarifs": STRING,
        "tarification_psu": {
            "type": "boolean",
            "description": "Tarif horaire fixé par le barème de la Cnaf (PSU).",
        },
        "accueil_handicap": {"type": "boolean"},
        "valide_du": NULLABLE_DATE,
        "valide_jusqu_au": NULLABLE_DATE,
        "mis_a_jour_le": {"type": "string", "format": "date"},
        "a_verifier": {"type": "boolean", "description": "Pas mise à jour depuis plus de 3 mois."},
        "donnees_de_demonstration": {
            "type": "boolean",
            "description": "Offre fictive de démonstration.",
        },
        "url": {"type": "string", "format": "uri", "description": "La page publique de l’offre."},
        "formation": {
            "anyOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": [
                        "certification",
                        "libelle",
                        "code_rncp",
                        "niveau",
                        "heures",
                        "modalite",
                        "modalite_libelle",
                        "financements",
                        "vae_possible",
                        "ouverte_iae",
                        "sessions",
                    ],
                    "properties": {
                        "certification": {
                            "type": "string",
                            "enum": [c.value for c in Certification],
                        },
                        "libelle": STRING,
                        "code_rncp": STRING,
                        "niveau": NULLABLE_INTEGER,
                        "heures": NULLABLE_INTEGER,
                        "modalite": {"type": "string", "enum": [m.value for m in Modality]},
                        "modalite_libelle": STRING,
                        "financements": {
                            "type": "array",
                            "items": {"type": "string", "enum": [f.value for f in Funding]},
                        },
                        "vae_possible": {"type": "boolean"},
                        "ouverte_iae": {"type": "boolean"},
                        "sessions": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "additionalProperties": False,
                                "required": ["debut", "fin", "places", "date_limite_candidature"],
                                "properties": {
                                    "debut": {"type": "string", "format": "date"},
                                    "fin": NULLABLE_DATE,
                                    "places": NULLABLE_INTEGER,
                                    "date_limite_candidature": NULLABLE_DATE,
                                },
                            },
                        },
                    },
                },
            ],
            "description": "Pour une formation : la certification et les sessions ; null sinon.",
        },
    },
}
OFFER_PAGE = {
    "type": "object",
    "required": ["total", "page", "par_page", "pages", "items"],
    "additionalProperties": False,
    "properties": {
        "total": {
            "type": "integer",
            "minimum": 0,
            "description": "Nombre d’offres trouvées, toutes pages comprises.",
        },
        "page": {"type": "integer", "minimum": 1},
        "par_page": {"type": "integer", "minimum": 1, "maximum": LIMITS.max_per_page},
        "pages": {"type": "integer", "minimum": 1},
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Offre"}},
        "incomplet": {
            "type": "boolean",
            "description": (
                "Vrai quand l’index de recherche de ce serveur est en cours de reconstruction : "
                "des offres peuvent manquer (la réponse n’est alors pas mise en cache). "
                "Réessayez dans quelques minutes."
            ),
        },
    },
}
COMMUNE = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "code_insee",
        "nom",
        "libelle",
        "ancien_nom",
        "departement",
        "codes_postaux",
        "latitude",
        "longitude",
    ],
    "properties": {
        "code_insee": STRING,
        "nom": STRING,
        "libelle": {"type": "string", "description": "« Toulon (83 – Var) » : sans ambiguïté."},
        "ancien_nom": {
            "type": ["string", "null"],
            "description": "L’ancienne commune reconnue dans la saisie.",
        },
        "departement": STRING,
        "codes_postaux": {"type": "array", "items": STRING},
        "latitude": {"type": "number"},
        "longitude": {"type": "number"},
    },
}
COMMUNES = {
    "type": "object",
    "required": ["items"],
    "additionalProperties": False,
    "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Commune"}}},
}


def _parameter(
    name: str, description: str, schema: dict[str, Any], example: Any = None
) -> dict[str, Any]:
    parameter = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }
    if example is not None:
        parameter["example"] = example
    return parameter


OFFER_PARAMETERS = [
    _parameter(
        "q",
        "Mots-clés (titre, description, structure…).",
        {"type": "string", "maxLength": LIMITS.text_length},
        "micro-crèche",
    ),
    _parameter(
        "commune",
        "Code INSEE de la commune autour de laquelle chercher ; soit commune, soit lat et lon, "
        "pas les deux (sinon 422).",
        {"type": "string", "pattern": INSEE_CODE.pattern},
        "83137",
    ),
    _parameter(
        "lat",
        "Latitude du point (avec lon, à la place de commune : pas les deux, sinon 422).",
        {"type": "number", "minimum": -90, "maximum": 90},
    ),
    _parameter(
        "lon", "Longitude du point (avec lat).", {"type": "number", "minimum": -180, "maximum": 180}
    ),
    _parameter(
        "rayon_km",
        f"Rayon de recherche en km (par défaut {LIMITS.default_radius_km}).",
        {
            "type": "number",
            "minimum": LIMITS.radius_range[0],
            "maximum": LIMITS.radius_range[1],
        },
        10,
    ),
    _parameter(
        "types",
        "Types d’offre, séparés par des virgules : "
        + ", ".join(KINDS)
        + ". Sans ce paramètre : tous les modes de garde, sans les formations (formation).",
        {"type": "string"},
        "creche_collective,micro_creche",
    ),
    _parameter("avip", "Uniquement les offres au label AVIP valide.", BOOLEAN_PARAMETER, "true"),
    _parameter(
        "places_disponibles",
        "Uniquement les offres annonçant des places libres.",
        BOOLEAN_PARAMETER,
    ),
    _parameter(
        "handicap",
        "Uniquement les accueils adaptés aux enfants en situation de handicap.",
        BOOLEAN_PARAMETER,
    ),
    _parameter(
        "age_mois",
        "Âge de l’enfant en mois.",
        {"type": "integer", "minimum": LIMITS.age_range[0], "maximum": LIMITS.age_range[1]},
    ),
    _parameter(
        "jours",
        "Jours de garde nécessaires, séparés par des virgules (avec heure_debut et heure_fin).",
        {"type": "string"},
        "lu,ma,me,je,ve",
    ),
    _parameter(
        "heure_debut",
        "Début de la garde nécessaire (HH:MM).",
        {"type": "string", "pattern": "^\\d{1,2}:\\d{2}$"},
        "07:00",
    ),
    _parameter(
        "heure_fin",
        "Fin de la garde nécessaire (HH:MM) ; avant le début : le lendemain.",
        {"type": "string", "pattern": "^\\d{1,2}:\\d{2}$"},
        "19:00",
    ),
    _parameter(
        "financements",
        "Formations : financements acceptés (l’un d’eux suffit), séparés par des virgules : "
        + ", ".join(FUNDINGS)
        + ". Ne cherche alors que des formations.",
        {"type": "string"},
        "cpf,opco",
    ),
    _parameter(
        "vae",
        "Formations accessibles par la VAE (ne cherche alors que des formations).",
        BOOLEAN_PARAMETER,
    ),
    _parameter(
        "sans_diplome",
        "Formations ouvertes sans diplôme (ne cherche alors que des formations).",
        BOOLEAN_PARAMETER,
    ),
    _parameter(
        "session_mois",
        "Formations dont une session commence d’ici ce nombre de mois.",
        {
            "type": "integer",
            "minimum": LIMITS.session_month_range[0],
            "maximum": LIMITS.session_month_range[1],
        },
    ),
    _parameter(
        "tri",
        "Ordre : distance (par défaut avec un lieu), pertinence, mise_a_jour.",
        {"type": "string", "enum": list(SORTS)},
    ),
    _parameter(
        "page",
        "Numéro de page.",
        {"type": "integer", "minimum": 1, "maximum": LIMITS.max_page, "default": 1},
    ),
    _parameter(
        "par_page",
        "Offres par page.",
        {
            "type": "integer",
            "minimum": 1,
            "maximum": LIMITS.max_per_page,
            "default": LIMITS.default_per_page,
        },
    ),
]
GET_HEADERS = {
    "ETag": {
        "description": "Version de la réponse ; renvoyez-la dans If-None-Match pour obtenir 304.",
        "schema": STRING,
    },
    "Cache-Control": {"description": "Durée de mise en cache autorisée.", "schema": STRING},
    "Access-Control-Allow-Origin": {
        "description": "« * » : lisible depuis tout site (CORS).",
        "schema": STRING,
    },
}
TOO_MANY_REQUESTS = {
    "description": (
        "Trop de demandes depuis cette adresse IP : réessayez après Retry-After secondes."
    ),
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    **ERROR_RESPONSE,
}
COMMON_GET_RESPONSES = {
    "304": {"description": "Inchangé depuis l’ETag envoyé dans If-None-Match."},
    "429": TOO_MANY_REQUESTS,
}


@lru_cache(maxsize=1)
def example_offer() -> dict[str, Any]:
    offer = Offer(
        id=42,
        kind=OfferKind.MICRO_CRECHE,
        status=OfferStatus.PUBLISHED,
        title="Micro-crèche Les Petits Pas",
        description="Accueil régulier et occasionnel, de 2 mois et demi à 3 ans.",
        address="12 rue des Lilas",
        postcode="83000",
        code_insee="83137",
        commune_name="Toulon",
        departement_code="83",
        latitude=43.1242,
        longitude=5.928,
        contact_name="Mme Martin",
        contact_phone="01 99 00 12 34",
        contact_email="contact@exemple.org",
        website="",
        contact_public=True,
        how_to_apply="Appelez la directrice du lundi au vendredi.",
        age_min_months=2,
        age_max_months=36,
        capacity=12,
        free_places=2,
        free_places_on=date(2026, 11, 18),
        avip=True,
        avip_places=2,
        avip_since=date(2025, 9, 1),
        avip_review_on=date(2028, 8, 31),
        cost_info="Tarif horaire selon le barème de la Cnaf.",
        psu_pricing=True,
        disability_access=True,
        disability_info="",
        valid_from=None,
        valid_until=None,
        is_demo=False,
        updated_at=datetime(2026, 11, 18, 9, 30),
    )
    offer.structure = Structure(
        id=7, name="Association Familles Solidaires", kind=StructureKind.ASSOCIATION
    )
    offer.slots = [OpeningSlot(weekday=d, opens=time(6, 30), closes=time(19, 30)) for d in range(5)]
    offer.closures = []
    return offer_to_json(
        offer,
        distance_km=1.84,
        today=EXAMPLE_DAY,
        page_url="https://passerelle.example.fr/offre/42",
    )


def read_paths() -> dict[str, Any]:
    offer = copy.deepcopy(example_offer())
    return {
        "/api/v1/offres": {
            "get": {
                "operationId": "chercherOffres",
                "summary": "Chercher des modes de garde et des formations",
                "description": (
                    "La recherche de la page « Trouver un mode de garde », avec les mêmes "
                    "critères. Avec un lieu, les offres sont triées par distance."
                ),
                "tags": ["Offres"],
                "parameters": OFFER_PARAMETERS,
                "responses": {
                    "200": {
                        "description": "Une page d’offres et le nombre total.",
                        "headers": GET_HEADERS,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/PageOffres"},
                                "examples": {
                                    "toulon": {
                                        "value": {
                                            "total": 1,
                                            "page": 1,
                                            "par_page": 20,
                                            "pages": 1,
                                            "items": [offer],
                                            "incomplet": False,
                                        }
                                    }
                                },
                            }
                        },
                    },
                    "422": {
                        "description": (
                            "Des paramètres ne conviennent pas : un message par paramètre."
                        ),
                        **ERROR_RESPONSE,
                    },
                    **COMMON_GET_RESPONSES,
                },
            }
        },
        "/api/v1/offres/{id}": {
            "get": {
                "operationId": "lireOffre",
                "summary": "Une offre publiée",
                "tags": ["Offres"],
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_OFFER_ID},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "L’offre.",
                        "headers": GET_HEADERS,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Offre"},
                                "examples": {"micro_creche": {"value": offer}},
                            }
                        },
                    },
                    "404": {"description": "Offre inconnue ou retirée.", **ERROR_RESPONSE},
                    **COMMON_GET_RESPONSES,
                },
            }
        },
        "/api/v1/communes": {
            "get": {
                "operationId": "chercherCommunes",
                "summary": "Trouver une commune (nom, code postal, code INSEE, ancienne commune)",
                "description": (
                    "La saisie assistée du champ « Où ? » : les communes les plus "
                    "probables d’abord."
                ),
                "tags": ["Communes"],
                "parameters": [
                    {
                        **_parameter(
                            "q",
                            "Ce qui a été tapé (2 caractères au moins).",
                            {"type": "string", "minLength": 2, "maxLength": 100},
                            "toulon",
                        ),
                        "required": True,
                    },
                    _parameter(
                        "limite",
                        "Nombre de communes (10 par défaut).",
                        {"type": "integer", "minimum": 1, "maximum": 20},
                    ),
                ],
                "responses": {
                    "200": {
                        "description": "Les communes trouvées.",
                        "headers": GET_HEADERS,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Communes"},
                                "examples": {
                                    "toulon": {"value": {"items": communes_to_json("toulon", 1)}}
                                },
                            }
                        },
                    },
                    "422": {"description": "q manquant ou trop long.", **ERROR_RESPONSE},
                    **COMMON_GET_RESPONSES,
                },
            }
        },
        **export_paths(),
    }


def _data_inclusion_schema(
    fields: tuple[str, ...], required: list[str], description: str
) -> dict[str, Any]:
    def field_schema(name: str) -> dict[str, Any]:
        if name in LIST_FIELDS:
            return {"type": ["array", "null"], "items": {"type": "string"}}
        if name in NUMBER_FIELDS:
            return {"type": ["number", "null"]}
        if name in INTEGER_FIELDS:
            return {"type": ["integer", "null"]}
        return {"type": "string"} if name in required else NULLABLE_STRING

    return {
        "type": "object",
        "description": description,
        "required": list(fields),
        "additionalProperties": False,
        "properties": {name: field_schema(name) for name in fields},
        "externalDocs": {
            "url": "https://pypi.org/project/data-inclusion-schema/",
            "description": "Schéma data·inclusion v1",
        },
    }


def export_paths() -> dict[str, Any]:
    paths = {}
    for kind, schema, what in (
        ("structures", "StructureDataInclusion", "Les lieux d’accueil et de formation"),
        ("services", "ServiceDataInclusion", "Les services (garde d’enfants, formations)"),
    ):
        for fmt, media in (("json", "application/json"), ("csv", "text/csv")):
            content = (
                {
                    media: {
                        "schema": {
                            "type": "array",
                            "items": {"$ref": f"#/components/schemas/{schema}"},
                        }
                    }
                }
                if fmt == "json"
                else {media: {"schema": {"type": "string"}}}
            )
            paths[f"/api/v1/export/data-inclusion/{kind}.{fmt}"] = {
                "get": {
                    "operationId": f"export_{kind}_{fmt}",
                    "summary": f"{what}, au schéma data·inclusion v1 ({fmt.upper()})",
                    "description": (
                        "Les offres publiées, sans les données fictives de démonstration. En CSV, "
                        "les listes sont des valeurs séparées par des virgules. Licence Ouverte "
                        "2.0."
                    ),
                    "tags": ["Données ouvertes"],
                    "responses": {
                        "200": {
                            "description": "Toutes les données, en un fichier.",
                            "headers": GET_HEADERS,
                            "content": content,
                        },
                        **COMMON_GET_RESPONSES,
                    },
                }
            }
    return paths


def read_schemas() -> dict[str, Any]:
    return {
        "Offre": OFFER,
        "PageOffres": OFFER_PAGE,
        "Commune": COMMUNE,
        "Communes": COMMUNES,
        "StructureDataInclusion": _data_inclusion_schema(
            STRUCTURE_FIELDS,
            ["source", "id", "nom", "date_maj"],
            "Une structure au schéma data·inclusion v1.",
        ),
        "ServiceDataInclusion": _data_inclusion_schema(
            SERVICE_FIELDS,
            ["source", "structure_id", "id", "nom", "description", "date_maj"],
            "Un service au schéma data·inclusion v1.",
        ),
    }
