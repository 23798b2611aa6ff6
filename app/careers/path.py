"""« Où j’en suis »: five answers → two or three ways in (plain functions, no Flask).

The questions, their choices and the rules that pick the ways in are here and only here; the
facts each way shows (who decides, who pays…) are data (``data/ways.toml``). Nothing is stored:
the answers live in the page's address.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.directory.criteria import LIMITS

SITUATIONS = {
    "iae": "Salarié·e en insertion (SIAE : AI, ACI, EI, ETTI)",
    "pec": "En parcours emploi compétences (PEC)",
    "cie": "En contrat initiative emploi (CIE)",
    "demandeur": "Demandeur·se d’emploi",
    "autre": "Autre situation (salarié·e, sans activité…)",
}
DIPLOMAS = {
    "aucun": "Aucun diplôme",
    "cap_autre": "Un CAP, un BEP ou un titre dans un autre domaine",
    "bac": "Le bac ou plus",
    "petite_enfance": "Le CAP AEPE (ou CAP petite enfance) ou le titre assistant maternel",
    "de": "Un diplôme d’État : auxiliaire de puériculture ou éducateur de jeunes enfants",
}
EXPERIENCES = {
    "aucune": "Pas encore",
    "un_peu": "Un peu (garde d’enfants, famille, bénévolat…)",
    "plus_d_un_an": "Plus d’un an, en emploi ou bénévole",
}
HOURS = {
    "journee": "En journée, en semaine",
    "partiel": "Quelques heures par jour (temps partiel, horaires d’école)",
    "decale": "Tôt le matin, le soir ou le week-end",
    "tous": "Toutes les heures",
}
RADII = tuple(r for r in LIMITS.radius_choices if r >= 5)
DEFAULT_RADIUS = 10
PLACE_LENGTH = LIMITS.place_length

#: The questions, in order: (parameter, the question, its choices).
QUESTIONS = (
    ("situation", "Quelle est votre situation aujourd’hui ?", SITUATIONS),
    ("diplome", "Quel est votre diplôme le plus haut ?", DIPLOMAS),
    ("experience", "Avez-vous déjà travaillé avec des enfants ?", EXPERIENCES),
    ("heures", "Quelles heures pouvez-vous travailler ?", HOURS),
)
MESSAGES = {
    "missing": "Choisissez une réponse.",
    "unknown": "Réponse inconnue : choisissez une réponse dans la liste.",
    "radius": "Choisissez une distance dans la liste.",
    "place": f"Le lieu est trop long ({PLACE_LENGTH} caractères au plus).",
}


@dataclass(frozen=True)
class Answers:
    situation: str
    diploma: str
    experience: str
    hours: str
    radius_km: int = DEFAULT_RADIUS
    place: str = ""

    @property
    def in_insertion(self) -> bool:
        return self.situation in ("iae", "pec", "cie")

    @property
    def without_diploma(self) -> bool:
        """No diploma that opens an early-childhood course needing one."""
        return self.diploma in ("aucun", "cap_autre")


@dataclass(frozen=True)
class ParsedAnswers:
    answers: Answers | None  # None: not answered yet, or an answer to fix
    errors: dict[str, str] = field(default_factory=dict)  # parameter → French message
    typed: dict[str, str] = field(default_factory=dict)  # what was sent, shown back

    @property
    def asked(self) -> bool:
        return bool(self.typed)


def parse_answers(args: Mapping[str, str]) -> ParsedAnswers:
    """The answers in the page's address. Nothing sent: not asked yet (no message). Some sent:
    a French message for each missing or unknown answer."""
    names = [name for name, _, _ in QUESTIONS] + ["rayon", "lieu"]
    typed = {n: (args.get(n) or "").strip() for n in names if args.get(n) is not None}
    if not typed:
        return ParsedAnswers(None)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for name, _, choices in QUESTIONS:
        value = typed.get(name, "")
        if not value:
            errors[name] = MESSAGES["missing"]
        elif value not in choices:
            errors[name] = MESSAGES["unknown"]
        else:
            values[name] = value
    radius = DEFAULT_RADIUS
    if typed.get("rayon"):
        if typed["rayon"] in {str(r) for r in RADII}:
            radius = int(typed["rayon"])
        else:
            errors["rayon"] = MESSAGES["radius"]
    place = typed.get("lieu", "")
    if len(place) > PLACE_LENGTH:
        errors["lieu"] = MESSAGES["place"]
        place = ""
    if errors:
        return ParsedAnswers(None, errors, typed)
    answers = Answers(
        situation=values["situation"],
        diploma=values["diplome"],
        experience=values["experience"],
        hours=values["heures"],
        radius_km=radius,
        place=place,
    )
    return ParsedAnswers(answers, {}, typed)


#: Why a way is suggested, in plain French (``-fill``: suggested to reach two ways).
REASONS = {
    "vae": "Vous avez plus d’un an d’expérience avec des enfants : elle peut compter pour un "
    "diplôme.",
    "immersion": "Vous n’avez pas encore travaillé avec des enfants : quelques jours en crèche "
    "vous diront si le métier vous plaît.",
    "parcours-insertion": "Votre contrat d’insertion prévoit un accompagnement et des "
    "formations : profitez-en pour préparer un diplôme de la petite enfance.",
    "poec": "Une formation en groupe prépare plusieurs personnes à un métier qui recrute, sans "
    "expérience exigée.",
    "poei": "Avec votre expérience, une crèche qui recrute peut vous embaucher après une "
    "formation payée par France Travail.",
    "cpf": "Vos droits à la formation peuvent payer un diplôme de la petite enfance.",
    "alternance": "En alternance, vous êtes payé·e pendant votre formation, et un GEIQ vous "
    "accompagne.",
    "immersion-fill": "Une immersion en crèche confirme votre projet et peut commencer un "
    "recrutement.",
    "alternance-fill": "En alternance, vous êtes payé·e pendant votre formation.",
    "cpf-fill": "Vos droits à la formation peuvent payer une formation.",
}


@dataclass(frozen=True)
class Suggestion:
    way: str  # slug in data/ways.toml
    reason: str  # why it is suggested, in plain French


def suggest_ways(a: Answers) -> list[Suggestion]:
    """Two or three ways in, the most fitting first.

    1. More than a year with children (and no State diploma yet): VAE, as the 2022 reform
       counts every experience.
    2. No experience with children: discover the job first (PMSMP).
    3. In an insertion contract (IAE, PEC, CIE): a course during the contract (OPCO, PIC IAE).
       A job seeker: a course before a hiring (POEI) with some experience, else a group course
       (POEC). Anyone else: the CPF.
    4. Without a State diploma: a course while paid (alternance, GEIQ).
    5. At least two: immersion, then alternance, then the CPF fill in.
    """
    found: list[Suggestion] = []

    def add(way: str, reason: str) -> None:
        if way not in {s.way for s in found}:
            found.append(Suggestion(way, REASONS[reason]))

    if a.experience == "plus_d_un_an" and a.diploma != "de":
        add("vae", "vae")
    if a.experience == "aucune":
        add("immersion", "immersion")
    if a.in_insertion:
        add("parcours-insertion", "parcours-insertion")
    elif a.situation == "demandeur":
        if a.experience == "aucune":
            add("poec", "poec")
        else:
            add("poei", "poei")
    else:
        add("cpf", "cpf")
    if a.diploma != "de":
        add("alternance", "alternance")
    for way in ("immersion", "alternance", "cpf"):
        if len(found) >= 2:
            break
        add(way, f"{way}-fill")
    return found[:3]


def target_qualification(a: Answers) -> str:
    """The qualification to aim at first (slug in data/qualifications.toml)."""
    if a.diploma == "de":
        return "deeje"
    if a.diploma in ("bac", "petite_enfance"):
        return "deap"
    if a.hours == "decale" and a.experience != "aucune":
        return "titre-assistant-maternel"
    return "cap-aepe"


def fitting_jobs(a: Answers, jobs: Mapping[str, tuple[tuple[str, ...], bool]]) -> list[str]:
    """The jobs whose hours suit the answer; a job needing a State diploma only for a person
    holding one. ``jobs``: slug → (the hours it fits, needs a State diploma), from the data."""
    return [
        slug
        for slug, (fits, state_diploma) in jobs.items()
        if a.hours in fits and (a.diploma == "de" or not state_diploma)
    ]


def parse_place(args: Mapping[str, str]) -> tuple[str, int, dict[str, str]]:
    """« lieu » and « rayon » of a page showing courses near a place: (place, radius, errors)."""
    errors: dict[str, str] = {}
    place = (args.get("lieu") or "").strip()
    if len(place) > PLACE_LENGTH:
        errors["lieu"] = MESSAGES["place"]
        place = ""
    radius = DEFAULT_RADIUS
    raw = (args.get("rayon") or "").strip()
    if raw:
        if raw in {str(r) for r in RADII}:
            radius = int(raw)
        else:
            errors["rayon"] = MESSAGES["radius"]
    return place, radius, errors
