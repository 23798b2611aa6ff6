"""How the job exchange's objects read in French on a page or in an email (no Flask)."""

from __future__ import annotations

import contextlib
from datetime import date, datetime

from app.core.french import format_date
from app.directory import hours
from app.directory.models import STRUCTURE_KIND_LABELS, Structure
from app.geo.distance import format_km
from app.jobs import rome, rules
from app.jobs.models import ContractKind, JobNeed, JobProposal, Outcome, Qualification


def contracts_text(kinds: list[str], short: bool = True) -> str:
    labels = rules.CONTRACT_SHORT if short else rules.CONTRACT_LABELS
    return ", ".join(labels[ContractKind(k)] for k in kinds if k in set(ContractKind))


def contract_label(kind: str) -> str:
    return (
        rules.CONTRACT_LABELS.get(ContractKind(kind), kind) if kind in set(ContractKind) else kind
    )


def qualification_text(value: str) -> str:
    return (
        rules.QUALIFICATION_LABELS[Qualification(value)] if value in set(Qualification) else value
    )


def need_qualification_text(need: JobNeed) -> str:
    text = qualification_text(need.qualification)
    if need.qualification == Qualification.NONE:
        return "Aucune qualification exigée"
    return text + (" (en cours de formation accepté)" if need.in_training_accepted else "")


def slots_text(need: JobNeed) -> str:
    if not need.time_slots:
        return "Horaires à convenir"
    try:
        return hours.weekly_text(hours.from_osm(need.time_slots))
    except ValueError:
        return need.time_slots


def structure_kind_text(structure: Structure) -> str:
    return STRUCTURE_KIND_LABELS.get(structure.kind, "")


def job_label(code: str) -> str:
    return rome.label_of(code)


def distance_text(km: float | None) -> str:
    return "" if km is None else format_km(km)


def day_text(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return format_date(value.date() if isinstance(value, datetime) else value)


def people_lines(proposal: JobProposal) -> list[str]:
    """« CAP AEPE en cours, disponible à partir du 4 janvier 2027. Deux ans d'aide à domicile. »"""
    lines = []
    for person in proposal.people or []:
        parts = [qualification_text(str(person.get("qualification", "")))]
        available = str(person.get("available_from") or "")
        if available:
            with contextlib.suppress(ValueError):
                parts.append(f"disponible à partir du {format_date(date.fromisoformat(available))}")
        line = ", ".join(parts) + "."
        if person.get("experience"):
            line += f" {person['experience']}"
        lines.append(line)
    return lines


def status_text(proposal: JobProposal) -> str:
    text = rules.PROPOSAL_STATUS_LABELS[proposal.status]
    if proposal.outcome in set(Outcome):
        text += f" : {rules.OUTCOME_LABELS[Outcome(proposal.outcome)].lower()}"
    if proposal.decline_reason in rules.DECLINE_REASONS:
        text += f" ({rules.DECLINE_REASONS[proposal.decline_reason].lower()})"
    return text


EVENT_LABELS = {
    "sent": "Proposition envoyée",
    "seen": "Vue par la crèche",
    "interesse": "La crèche est intéressée",
    "rendez-vous": "Rencontre proposée",
    "declinee": "Déclinée",
    "reminder": "Rappel envoyé à la crèche",
    "expired": "Expirée sans réponse",
    "link_renewed": "Nouveau lien envoyé à la crèche",
}


def event_text(kind: str) -> str:
    if kind.startswith("issue:"):
        outcome = kind.removeprefix("issue:")
        if outcome in set(Outcome):
            return f"Issue : {rules.OUTCOME_LABELS[Outcome(outcome)].lower()}"
    return EVENT_LABELS.get(kind, kind)


def hours_text(value: float | None) -> str:
    """A median time to a first answer: « 20 h » under two days, else « 3 jours »."""
    if value is None:
        return "—"
    if value < 48:
        return f"{max(1, round(value))}\u00a0h"
    return f"{round(value / 24)}\u00a0jours"


def ratio_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def share_text(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}\u00a0%"


def need_to_json(need: JobNeed, distance_km: float | None, page_url: str) -> dict[str, object]:
    """An open need in the API (``/api/v1/besoins``): public facts only, no contact."""
    return {
        "id": need.id,
        "metier": {"code_rome": need.rome_code, "libelle": need.title},
        "structure": need.structure.name,
        "contrats": list(need.contract_kinds),
        "heures_par_semaine": need.hours_per_week,
        "creneaux": need.time_slots,
        "debut": need.start_date.isoformat() if need.start_date else None,
        "postes": need.positions,
        "tutorat": need.tutoring,
        "qualification": need.qualification,
        "en_cours_de_formation_accepte": need.in_training_accepted,
        "immersions_pmsmp": need.immersion_places,
        "periode_immersions": need.immersion_period,
        "commune": {"code_insee": need.code_insee, "nom": need.commune_name},
        "departement": need.departement_code,
        "distance_km": None if distance_km is None else round(distance_km, 2),
        "publie_le": need.created_at.date().isoformat(),
        "mis_a_jour_le": need.updated_at.date().isoformat(),
        "donnees_de_demonstration": need.is_demo,
        "url": page_url,
    }
