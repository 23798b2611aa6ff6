"""What the coordination pages say about applications, offers and reports (French texts)."""

from __future__ import annotations

from datetime import date

from app.core.filters import format_date_fr
from app.core.french import NBSP
from app.directory.models import STRUCTURE_KIND_LABELS, Offer
from app.directory.rules import avip_label_valid
from app.moderation.forms import REPORT_CATEGORIES
from app.moderation.models import ApplicationStatus, AvipApplication, ReportStatus
from app.moderation.services import AVIP_REFERENCE_AMPLITUDE_MINUTES, amplitude_minutes

APPLICATION_STATUS_LABELS = {
    ApplicationStatus.SUBMITTED: "En attente de décision",
    ApplicationStatus.GRANTED: "Label attribué",
    ApplicationStatus.REFUSED: "Refusée",
    ApplicationStatus.WITHDRAWN: "Retirée",
}

REPORT_STATUS_LABELS = {
    ReportStatus.OPEN: "À traiter",
    ReportStatus.RESOLVED: "Corrigé",
    ReportStatus.DISMISSED: "Classé sans suite",
}


def duration_text(minutes: int) -> str:
    """« 12 h », « 11 h 30 » (no-break spaces)."""
    h, m = divmod(minutes, 60)
    return f"{h}{NBSP}h" + (f"{NBSP}{m:02d}" if m else "")


def amplitude_text(offer: Offer) -> str:
    """The offer's longest daily opening, set against the charter's 12 hours (not required)."""
    minutes = amplitude_minutes(offer)
    if minutes == 0:
        return "Horaires non renseignés."
    reference = duration_text(AVIP_REFERENCE_AMPLITUDE_MINUTES)
    if minutes >= AVIP_REFERENCE_AMPLITUDE_MINUTES:
        return f"Jusqu’à {duration_text(minutes)} d’ouverture par jour : le repère de {reference} est atteint."
    return (
        f"Jusqu’à {duration_text(minutes)} d’ouverture par jour, sous le repère de {reference} "
        f"(ce critère n’est plus obligatoire depuis 2022)."
    )


def label_state(offer: Offer, today: date) -> str:
    """Where the offer's AVIP label stands today."""
    if not offer.avip:
        return "Pas de label AVIP"
    if avip_label_valid(offer, today):
        if offer.avip_review_on:
            return f"Label AVIP valable jusqu’au {format_date_fr(offer.avip_review_on)}"
        return "Label AVIP (sans date de réexamen)"
    if offer.avip_since and offer.avip_since > today:
        return f"Label AVIP à partir du {format_date_fr(offer.avip_since)}"
    return f"Label AVIP à renouveler : date de réexamen passée ({format_date_fr(offer.avip_review_on)})"


def application_scope(application: AvipApplication) -> str:
    if application.all_sites:
        return (
            f"Tous les sites de {application.structure.name} "
            f"dans le département {application.departement_code}"
        )
    offer = application.offer
    return f"{offer.title} ({offer.commune_name})" if offer is not None else "Offre supprimée"


def places_text(n: int | None) -> str:
    if not n:
        return "aucune place"
    return f"{n}{NBSP}place{'s' if n > 1 else ''} réservée{'s' if n > 1 else ''}"


def category_label(value: str) -> str:
    return REPORT_CATEGORIES.get(value, value)


TEMPLATE_HELPERS = {
    "application_status_label": lambda s: APPLICATION_STATUS_LABELS.get(s, s),
    "report_status_label": lambda s: REPORT_STATUS_LABELS.get(s, s),
    "amplitude_text": amplitude_text,
    "label_state": label_state,
    "application_scope": application_scope,
    "places_text": places_text,
    "category_label": category_label,
    "structure_kind_label": lambda k: STRUCTURE_KIND_LABELS.get(k, k),
}
