"""What each figure of the « Territoires » pages counts: its label, its definition (shown on
``/territoires/definitions``, one anchor each, linked from every table header)."""

from __future__ import annotations

from dataclasses import dataclass

from app.directory import hours
from app.directory.rules import STALE_AFTER_MONTHS
from app.territories.queries import FREE_PLACES_WITHIN_MONTHS


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    short: str  # a table header
    text: str


def _t(value) -> str:
    return hours.format_time_fr(value)


DEFINITIONS = (
    Definition(
        "offers",
        "Offres d’accueil",
        "Offres",
        "Offres d’accueil du jeune enfant publiées dans l’annuaire et en cours de validité "
        "(les formations ne sont pas comptées ; une offre éphémère dont la date de fin est "
        "passée non plus).",
    ),
    Definition(
        "avip_offers",
        "Offres AVIP",
        "AVIP",
        "Parmi les offres d’accueil, celles dont le label AVIP (accueil à vocation d’insertion "
        "professionnelle) est valide ce jour : accordé par la coordination du département, "
        "entre sa date de début et sa date de réexamen. Toutes les formes d’accueil comptent "
        "(crèches, micro-crèches, assistants maternels, MAM…), comme le protocole de 2022 le "
        "prévoit.",
    ),
    Definition(
        "avip_places",
        "Places réservées AVIP",
        "Places AVIP",
        "Somme des places que les offres AVIP déclarent réserver aux enfants de parents en "
        "parcours de retour à l’emploi (une offre qui n’en déclare pas compte pour 0).",
    ),
    Definition(
        "early",
        "Ouvertes tôt le matin",
        "Tôt",
        f"Offres ouvertes au moins un jour avant {_t(hours.EARLY_BEFORE)}.",
    ),
    Definition(
        "late",
        "Ouvertes en soirée",
        "Soir",
        f"Offres ouvertes au moins un jour après {_t(hours.LATE_AFTER)}.",
    ),
    Definition(
        "night",
        "Ouvertes la nuit",
        "Nuit",
        f"Offres ouvertes au moins un jour entre {_t(hours.NIGHT_START)} et {_t(hours.NIGHT_END)}.",
    ),
    Definition(
        "weekend",
        "Ouvertes le week-end",
        "Week-end",
        "Offres ouvertes le samedi ou le dimanche (la fin d’une nuit du vendredi compte).",
    ),
    Definition(
        "ephemeral",
        "Offres éphémères",
        "Éphémères",
        "Accueils éphémères ou d’urgence, et offres limitées dans le temps (une date de fin).",
    ),
    Definition(
        "free_offers",
        "Offres déclarant des places libres",
        "Avec places libres",
        f"Offres dont le gestionnaire a déclaré au moins une place libre dans le dernier mois "
        f"({FREE_PLACES_WITHIN_MONTHS} mois jusqu’à ce jour).",
    ),
    Definition(
        "free_places",
        "Places libres déclarées",
        "Places libres",
        "Somme des places libres de ces déclarations.",
    ),
    Definition(
        "without_avip",
        "Départements sans offre AVIP",
        "Sans AVIP",
        "Départements où aucune offre publiée n’a de label AVIP valide ce jour.",
    ),
    Definition(
        "milestones",
        "Jalons du protocole",
        "Jalons",
        "Chiffres datés du protocole « Insertion dans l’emploi / Petite enfance » 2022-2023 "
        "(fiche 2) : 259 crèches AVIP dans 32 départements au 30 juin 2021 ; cible de 714 "
        "crèches dans 72 départements fin 2022. Le protocole compte des crèches ; l’annuaire "
        "compte des offres AVIP de toutes formes : la comparaison est indicative.",
    ),
    Definition(
        "coverage",
        "Taux de couverture",
        "Taux de couverture",
        "Nombre de places d’accueil formel (crèches, assistants maternels, garde à domicile, "
        "école dès 2 ans) pour 100 enfants de moins de 3 ans, calculé par la Caf (Onape) et "
        "importé du fichier « taux de couverture » ; l’année est celle du fichier.",
    ),
    Definition(
        "response",
        "Délai de réponse des orientations",
        "Délai médian",
        "Délai médian entre l’envoi d’une orientation et la première réponse de la structure, "
        "sur les orientations des 6 derniers mois ayant reçu une réponse. Publié seulement à "
        "partir de 5 orientations.",
    ),
    Definition(
        "acceptance",
        "Taux d’acceptation",
        "Acceptées",
        "Orientations acceptées parmi celles acceptées ou refusées (6 derniers mois). Publié "
        "seulement à partir de 5 orientations décidées.",
    ),
    Definition(
        "outcomes",
        "Que deviennent les parents",
        "Suivi",
        "Réponses des prescripteurs 3 et 6 mois après une orientation acceptée : en emploi, en "
        "formation, en recherche d’emploi, ne sait pas. Seuls des compteurs sont gardés ; "
        "publiés à partir de 5 réponses.",
    ),
    Definition(
        "unmet",
        "Besoins sans réponse",
        "Sans réponse",
        "Recherches faites depuis une commune du département qui n’ont trouvé aucune offre, "
        "par commune et type de besoin (horaires, âge de l’enfant, AVIP), sur les 3 derniers "
        "mois. Un compteur par recherche : ni la recherche, ni l’adresse IP, ni rien de "
        "personnel n’est gardé.",
    ),
    Definition(
        "stale",
        "Offres à vérifier",
        "À vérifier",
        f"Offres publiées non mises à jour depuis {STALE_AFTER_MONTHS} mois.",
    ),
)
BY_KEY = {d.key: d for d in DEFINITIONS}
