"""What the referral pages, emails and CSV exports say, in French."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from app.core.french import format_date, format_duration, typography
from app.directory import hours
from app.directory.forms import DAY_CODES, DAY_LABELS
from app.geo.timezones import zone_for_departement
from app.referrals import rules
from app.referrals.models import REASON_LABELS, Referral, ReferralEvent, Side
from app.referrals.services import months_text

EVENT_LABELS = {
    "sent": "Orientation envoyée",
    "seen": "Vue par la structure",
    "accepted": "Acceptée par la structure",
    "waiting_list": "Inscrite sur la liste d’attente",
    "refused": "Refusée par la structure",
    "info_requested": "La structure demande des informations",
    "message": "Message",
    "cancelled": "Annulée par le prescripteur",
    "reminder": "Rappel envoyé à la structure",
    "expired": f"Expirée : pas de réponse en {rules.EXPIRY_DAYS}\u00a0jours",
    "link_renewed": "Nouveau lien de réponse envoyé à la structure",
    "anonymised": "Données personnelles effacées (durée de conservation écoulée)",
}
PARENT_EVENT_LABELS = {
    "sent": "Demande envoyée par le parent",
    "expired": (
        f"Expirée : pas de réponse en {rules.EXPIRY_DAYS}\u00a0jours (le parent est prévenu)"
    ),
}
SIDE_LABELS = {
    Side.PRESCRIBER: "le prescripteur",
    Side.STRUCTURE: "la structure",
    Side.SYSTEM: "Passerelle",
    Side.PARENT: "le parent",
}


def local(moment: datetime, departement_code: str) -> datetime:
    return (
        moment.replace(tzinfo=UTC)
        .astimezone(zone_for_departement(departement_code))
        .replace(tzinfo=None)
    )


def when_text(moment: datetime | None, departement_code: str) -> str:
    """« le 21 novembre 2026 à 14 h 05 » in the offer's local time."""
    if moment is None:
        return ""
    at = local(moment, departement_code)
    return typography(f"le {format_date(at.date())} à {hours.format_time_fr(at.time())}")


def children_text(referral: Referral) -> str:
    if not referral.children_months:
        return f"{referral.children_count}\u00a0enfant{'s' if referral.children_count > 1 else ''}"
    return ", ".join(months_text(m) for m in referral.children_months)


def days_text(referral: Referral) -> str:
    codes = [c for c in referral.days.split(",") if c in DAY_CODES]
    return ", ".join(DAY_LABELS[DAY_CODES.index(c)].lower() for c in codes)


def hours_text(referral: Referral) -> str:
    if referral.hours_start is None or referral.hours_end is None:
        return ""
    return hours.format_range_fr(referral.hours_start, referral.hours_end)


def parent_text(referral: Referral) -> str:
    if referral.anonymised_at is not None:
        return "Parent (données effacées)"
    if not referral.parent_initial:
        return referral.parent_first_name
    return f"{referral.parent_first_name} {referral.parent_initial}."


def reason_text(referral: Referral) -> str:
    if referral.reason is None:
        return "Demande directe du parent"
    return REASON_LABELS[referral.reason]


def status_text(referral: Referral) -> str:
    return rules.STATUS_LABELS[referral.status]


@dataclass
class TimelineEntry:
    label: str
    when: str
    who: str
    text: str
    kind: str


def _who(event: ReferralEvent) -> str:
    if event.side == Side.SYSTEM:
        return "Passerelle"
    if event.actor is not None:
        return event.actor.full_name + (
            f" ({event.actor.organisation})" if event.actor.organisation else ""
        )
    if event.side == Side.STRUCTURE:
        return "la structure (lien reçu par courriel)"
    return SIDE_LABELS[event.side]


def timeline(referral: Referral) -> list[TimelineEntry]:
    entries = []
    for event in referral.events:
        label = EVENT_LABELS.get(event.kind, event.kind)
        if referral.from_parent and event.kind in PARENT_EVENT_LABELS:
            label = PARENT_EVENT_LABELS[event.kind]
        if event.kind == "accepted" and referral.accepted_start_date:
            label += (
                f" : accueil prévu {typography('le ' + format_date(referral.accepted_start_date))}"
            )
        if event.kind == "refused" and referral.refusal_reason:
            label += f" : {rules.REFUSAL_REASONS.get(referral.refusal_reason, '').lower()}"
        if event.kind == "message":
            label = (
                "Message "
                f"{'du prescripteur' if event.side == Side.PRESCRIBER else 'de la structure'}"
            )
        entries.append(
            TimelineEntry(
                label,
                when_text(event.at, referral.departement_code),
                _who(event),
                event.text,
                event.kind,
            )
        )
    return entries


def response_time_text(referral: Referral) -> str:
    return format_duration(rules.response_hours(referral.sent_at, referral.first_answer_at))


# ------------------------------------------------------------------ CSV

CSV_HEADER = (
    "Référence",
    "Envoyée le",
    "Offre",
    "Structure",
    "Commune",
    "Prescripteur",
    "Organisme",
    "Parent",
    "Motif",
    "Début souhaité",
    "Statut",
    "Première réponse le",
    "Délai de réponse",
    "Accueil prévu le",
    "Raison du refus",
)


def _cell(value: str) -> str:
    """No spreadsheet formula from a typed value (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _date(moment) -> str:
    return moment.strftime("%d/%m/%Y") if moment else ""


def csv_rows(referrals: list[Referral]) -> list[tuple[str, ...]]:
    rows = []
    for r in referrals:
        local_sent = local(r.sent_at, r.departement_code)
        first = local(r.first_answer_at, r.departement_code) if r.first_answer_at else None
        rows.append(
            tuple(
                _cell(str(v))
                for v in (
                    r.id,
                    local_sent.strftime("%d/%m/%Y %H:%M"),
                    r.offer.title,
                    r.structure.name,
                    r.offer.commune_name,
                    r.prescriber.full_name if r.prescriber else "",
                    r.prescriber.organisation if r.prescriber else "",
                    parent_text(r),
                    reason_text(r),
                    _date(r.start_date),
                    status_text(r),
                    first.strftime("%d/%m/%Y %H:%M") if first else "",
                    response_time_text(r).replace("—", ""),
                    _date(r.accepted_start_date),
                    rules.REFUSAL_REASONS.get(r.refusal_reason, ""),
                )
            )
        )
    return rows


def to_csv(referrals: list[Referral]) -> str:
    """Semicolon-separated with a BOM, as French spreadsheets open it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(referrals))
    return "\ufeff" + buffer.getvalue()
