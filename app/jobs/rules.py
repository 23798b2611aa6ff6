"""The job exchange's rules, as plain functions and labels with no database: what contracts,
qualifications and answers mean (and the regulation behind them), when a need is reminded and
closed, how a proposal moves, when a need is « en difficulté de recrutement ». Thresholds are
dated parameters (``data/parameters.json``, each with its source)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.core import followup
from app.jobs.models import ContractKind, NeedStatus, Outcome, Qualification, Side
from app.jobs.models import ProposalStatus as P

PARAMETERS = Path(__file__).resolve().parent / "data" / "parameters.json"


@lru_cache(maxsize=1)
def _parameters() -> dict[str, Any]:
    return json.loads(PARAMETERS.read_text(encoding="utf-8"))


def parameter(name: str) -> Any:
    return _parameters()[name]["value"]


NEED_REMINDER_DAYS: int = parameter("need_reminder_after_days")
NEED_CLOSE_DAYS: int = parameter("need_close_after_days")
DIFFICULTY_DAYS: int = parameter("difficulty_after_days")
PROPOSAL_REMINDER_DAYS: tuple[int, ...] = tuple(parameter("proposal_reminder_days"))
PROPOSAL_EXPIRY_DAYS: int = parameter("proposal_expiry_days")
PUBLIC_MINIMUM: int = parameter("public_minimum")
TREND_MONTHS: int = parameter("trend_months")

CONTRACT_LABELS = {
    ContractKind.MISE_A_DISPOSITION: "Mise à disposition (association intermédiaire, ETTI)",
    ContractKind.CDDI: "CDDI (contrat à durée déterminée d’insertion, ACI ou EI)",
    ContractKind.PEC: "PEC (parcours emploi compétences)",
    ContractKind.APPRENTISSAGE: "Apprentissage (via un GEIQ)",
    ContractKind.PROFESSIONNALISATION: "Contrat de professionnalisation (via un GEIQ)",
    ContractKind.CDD: "CDD",
    ContractKind.CDI: "CDI",
}
CONTRACT_SHORT = {
    ContractKind.MISE_A_DISPOSITION: "Mise à disposition",
    ContractKind.CDDI: "CDDI",
    ContractKind.PEC: "PEC",
    ContractKind.APPRENTISSAGE: "Apprentissage",
    ContractKind.PROFESSIONNALISATION: "Professionnalisation",
    ContractKind.CDD: "CDD",
    ContractKind.CDI: "CDI",
}
#: What the regulation says, shown next to the choices in the forms.
REGULATION = {
    "alongside": (
        "Les personnes en parcours d’insertion travaillent aux côtés de professionnels "
        "qualifiés, qui restent comptés dans l’effectif d’encadrement (article R.2324-42 du "
        "code de la santé publique) ; un tutorat facilite leur prise de poste."
    ),
    "contracts": (
        "Une association intermédiaire ou une ETTI met une personne à disposition : elle reste "
        "son employeur. Un ACI ou une EI embauche en CDDI ; le PEC est un contrat aidé signé "
        "par la crèche. Un GEIQ embauche en apprentissage ou en contrat de professionnalisation "
        "et organise la formation qualifiante."
    ),
    "immersion": (
        "Une PMSMP (période de mise en situation en milieu professionnel) est une immersion "
        "courte, prescrite par France Travail, une mission locale, Cap emploi ou une SIAE : "
        "la personne découvre le métier sans être embauchée ni rémunérée par la crèche."
    ),
    "anonymous": (
        "Décrivez chaque personne sans l’identifier : ni nom, ni âge, ni adresse, ni "
        "situation personnelle. La crèche vous répond ; vous organisez ensuite la rencontre."
    ),
}
QUALIFICATION_LABELS = {
    Qualification.NONE: "Sans qualification petite enfance",
    Qualification.CAP_IN_PROGRESS: "CAP AEPE en cours",
    Qualification.CAP: "CAP Accompagnant éducatif petite enfance (AEPE)",
    Qualification.DEAP: "Diplôme d’État d’auxiliaire de puériculture",
    Qualification.DEEJE: "Diplôme d’État d’éducateur de jeunes enfants",
}
#: The order of the levels (a higher one meets a lower requirement).
QUALIFICATION_RANK = {q: n for n, q in enumerate(Qualification)}
NEED_STATUS_LABELS = {NeedStatus.OPEN: "Ouvert", NeedStatus.CLOSED: "Fermé"}
PROPOSAL_STATUS_LABELS = {
    P.SENT: "En attente de réponse",
    P.INTERESTED: "La crèche est intéressée",
    P.MEETING: "Rencontre proposée",
    P.DECLINED: "Déclinée",
    P.EXPIRED: "Expirée sans réponse",
    P.CLOSED: "Terminée",
}
OUTCOME_LABELS = {
    Outcome.HIRED: "Embauche",
    Outcome.PLACED: "Mise à disposition",
    Outcome.IMMERSION: "Immersion (PMSMP)",
    Outcome.NO: "Sans suite",
}
DECLINE_REASONS = {
    "pourvu": "Le poste est déjà pourvu",
    "qualification": "La qualification ne correspond pas",
    "horaires": "Les disponibilités ne correspondent pas",
    "contrat": "Le type de contrat ne nous convient pas",
    "tutorat": "Nous ne pouvons pas assurer le tutorat en ce moment",
    "autre": "Autre raison",
}
#: The employer's answers (the first one stops the clock of the time to a first answer).
ANSWERS = (P.INTERESTED, P.MEETING, P.DECLINED)
OPEN = frozenset({P.SENT, P.INTERESTED, P.MEETING})
TRANSITIONS: dict[P, dict[P, Side]] = {
    P.SENT: {
        P.INTERESTED: Side.EMPLOYER,
        P.MEETING: Side.EMPLOYER,
        P.DECLINED: Side.EMPLOYER,
        P.EXPIRED: Side.SYSTEM,
    },
    P.INTERESTED: {P.MEETING: Side.EMPLOYER, P.DECLINED: Side.EMPLOYER, P.CLOSED: Side.EMPLOYER},
    P.MEETING: {P.DECLINED: Side.EMPLOYER, P.CLOSED: Side.EMPLOYER},
}


class TransitionError(ValueError):
    """A move the rules do not allow; the message is French."""


def answers_for(current: P) -> tuple[P, ...]:
    return tuple(s for s in ANSWERS if TRANSITIONS.get(current, {}).get(s) == Side.EMPLOYER)


def check_transition(current: P, target: P, side: Side) -> None:
    if TRANSITIONS.get(current, {}).get(target) == side:
        return
    if current not in OPEN:
        raise TransitionError(
            f"Cette proposition est close ({PROPOSAL_STATUS_LABELS[current].lower()}) : "
            "elle ne peut plus changer."
        )
    raise TransitionError(
        f"Impossible de passer de « {PROPOSAL_STATUS_LABELS[current]} » à "
        f"« {PROPOSAL_STATUS_LABELS[target]} »."
    )


def can_record_outcome(current: P) -> bool:
    return TRANSITIONS.get(current, {}).get(P.CLOSED) == Side.EMPLOYER


def qualification_meets(level: str, required: str, in_training_accepted: bool) -> bool:
    """Does a person at ``level`` meet a need asking ``required``? « En cours de formation
    accepté »: a CAP AEPE in progress meets a CAP requirement."""
    try:
        have, need = QUALIFICATION_RANK[Qualification(level)], Qualification(required)
    except ValueError:
        return False
    if (
        in_training_accepted
        and need == Qualification.CAP
        and level == Qualification.CAP_IN_PROGRESS
    ):
        return True
    return have >= QUALIFICATION_RANK[need]


# ------------------------------------------------------------------ follow-up (shared machinery)


def need_reminder_due(
    status: NeedStatus, updated_at: datetime, reminded_at: datetime | None, now: datetime
) -> bool:
    """A need not updated for ``NEED_REMINDER_DAYS`` days is reminded once (until its next
    update)."""
    if status != NeedStatus.OPEN or (reminded_at is not None and reminded_at >= updated_at):
        return False
    return followup.inactive_for(updated_at, now, NEED_REMINDER_DAYS)


def need_closing_due(
    status: NeedStatus, updated_at: datetime, reminded_at: datetime | None, now: datetime
) -> bool:
    """Closed after ``NEED_CLOSE_DAYS`` days without an update, only once it was reminded."""
    return (
        status == NeedStatus.OPEN
        and reminded_at is not None
        and reminded_at >= updated_at
        and followup.inactive_for(updated_at, now, NEED_CLOSE_DAYS)
    )


def proposal_reminder_due(
    status: P, sent_at: datetime, reminders_sent: int, now: datetime
) -> int | None:
    if status != P.SENT:
        return None
    return followup.reminder_number(sent_at, reminders_sent, now, PROPOSAL_REMINDER_DAYS)


def proposal_expiry_due(status: P, last_activity_at: datetime, now: datetime) -> bool:
    return status == P.SENT and followup.inactive_for(last_activity_at, now, PROPOSAL_EXPIRY_DAYS)


# ------------------------------------------------------------------ tension


@dataclass(frozen=True)
class NeedFacts:
    """What the tension figures read of one need."""

    created_at: datetime
    closed_at: datetime | None
    filled_at: datetime | None  # last hire or placement
    positions: int
    proposals: int
    first_answer_hours: tuple[float | None, ...]  # one per proposal, None when unanswered

    def open_on(self, moment: datetime) -> bool:
        return self.created_at <= moment and (self.closed_at is None or self.closed_at > moment)


def in_difficulty(facts: NeedFacts, now: datetime) -> bool:
    """« En difficulté de recrutement » (les emplois de l'inclusion's rule): open, published more
    than ``DIFFICULTY_DAYS`` days ago, and no hire in the last ``DIFFICULTY_DAYS`` days."""
    horizon = now - timedelta(days=DIFFICULTY_DAYS)
    return (
        facts.open_on(now)
        and facts.created_at <= horizon
        and (facts.filled_at is None or facts.filled_at < horizon)
    )


@dataclass(frozen=True)
class Tension:
    open_needs: int
    positions: int
    in_difficulty: int
    without_proposal: int
    proposals: int
    median_hours: float | None

    @property
    def proposals_per_need(self) -> float | None:
        return self.proposals / self.open_needs if self.open_needs else None

    @property
    def public(self) -> bool:
        return self.open_needs >= PUBLIC_MINIMUM


def tension(needs: Iterable[NeedFacts], now: datetime) -> Tension:
    """The figures of a territory (or a job) over its needs open ``now``; the median time to a
    first answer over all their proposals (the house's median: an unanswered one is « never »)."""
    current = [f for f in needs if f.open_on(now)]
    return Tension(
        open_needs=len(current),
        positions=sum(f.positions for f in current),
        in_difficulty=sum(1 for f in current if in_difficulty(f, now)),
        without_proposal=sum(1 for f in current if f.proposals == 0),
        proposals=sum(f.proposals for f in current),
        median_hours=followup.median_hours(h for f in current for h in f.first_answer_hours),
    )


def month_ends(now: datetime, months: int = TREND_MONTHS) -> list[datetime]:
    """The last instant of each of the ``months`` months up to now (the current month: now)."""
    ends = [now]
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for _ in range(months - 1):
        ends.append(first - timedelta(microseconds=1))
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(ends))
