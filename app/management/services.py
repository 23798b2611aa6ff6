"""Offer management as plain functions over a session: freshness, saving an offer from checked
input, publication, free places, history, freshness reminders. Nothing here knows Flask.

Every change goes through :func:`record_change` in the same session (so the same transaction)
as the change itself; the views commit, then bring the search index up to date. The search
change log (``search_changes``) is written by the ``after_flush`` hook of :mod:`app.search.changes`.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from app.accounts.models import AccountStatus, Membership, MembershipStatus, Role, User
from app.accounts.policies import manageable_offers_query
from app.core.french import NBSP, format_date, typography
from app.db import utcnow
from app.directory import hours
from app.directory.models import (
    CERTIFICATION_LABELS,
    FUNDING_LABELS,
    MODALITY_LABELS,
    OFFER_KIND_LABELS,
    OFFER_STATUS_LABELS,
    Certification,
    Closure,
    Modality,
    Offer,
    OfferKind,
    OfferStatus,
    OpeningSlot,
    Structure,
    Training,
    TrainingSession,
)
from app.geo import Commune
from app.geo.timezones import zone_for_departement
from app.management.models import OfferChange

# --------------------------------------------------------------------------- freshness

#: An offer not updated for this many months is shown « à vérifier ».
STALE_AFTER_MONTHS = 3
#: Its managers are reminded at most once per this period.
REMIND_EVERY = timedelta(days=30)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _as_date(moment: datetime | date) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def stale_threshold(today: date) -> date:
    """Offers last updated on or before this day are « à vérifier » today: those whose update
    plus 3 months (:func:`add_months`) is today or earlier."""
    day = add_months(today, -STALE_AFTER_MONTHS)
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        # On the last day of a month, every later day of that earlier month is 3 months old too
        # (30 November + 3 months = 28 February).
        day = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def is_stale(updated_at: datetime | date | None, today: date) -> bool:
    return updated_at is not None and _as_date(updated_at) <= stale_threshold(today)


def months_elapsed(updated_at: datetime | date, today: date) -> int:
    """Whole months from the update to ``today`` (the same arithmetic as :func:`is_stale`)."""
    day = _as_date(updated_at)
    months = (today.year - day.year) * 12 + today.month - day.month
    while months > 0 and add_months(day, months) > today:
        months -= 1
    return max(months, 0)


def freshness_text(updated_at: datetime | date | None, today: date) -> str:
    """« mis à jour aujourd’hui », « … hier », « … il y a 5 jours », « … il y a 3 semaines »,
    « … il y a 3 mois », « … il y a 1 an »."""
    if updated_at is None:
        return "date de mise à jour inconnue"
    days = (today - _as_date(updated_at)).days
    if days <= 0:
        return "mis à jour aujourd’hui"
    if days == 1:
        return "mis à jour hier"
    if days < 14:
        return f"mis à jour il y a {days}{NBSP}jours"
    months = months_elapsed(updated_at, today)
    if months < 2:
        return f"mis à jour il y a {days // 7}{NBSP}semaines"
    if months < 12:
        return f"mis à jour il y a {months}{NBSP}mois"
    years = months // 12
    return f"mis à jour il y a {years}{NBSP}an{'s' if years > 1 else ''}"


def short_date(day: date, today: date) -> str:
    """« 21/11 » this year, « 21/11/2025 » otherwise."""
    return f"{day:%d/%m}" if day.year == today.year else f"{day:%d/%m/%Y}"


def places_text(offer: Offer, today: date) -> str:
    """« 2 places disponibles au 21/11 », « Complet au 21/11 », « Places non renseignées »."""
    n = offer.free_places
    if n is None:
        return "Places disponibles non renseignées"
    when = f" au {short_date(offer.free_places_on, today)}" if offer.free_places_on else ""
    if n == 0:
        return f"Complet{when}"
    plural = "s" if n > 1 else ""
    return f"{n}{NBSP}place{plural} disponible{plural}{when}"


# --------------------------------------------------------------------------- checked input


@dataclass(frozen=True)
class SessionInput:
    start: date
    end: date | None = None
    places: int | None = None
    application_deadline: date | None = None


@dataclass
class TrainingInput:
    certification: Certification
    modality: Modality
    certification_name: str = ""
    rncp_code: str = ""
    level: int | None = None
    hours: int | None = None
    funding: list[str] = field(default_factory=list)
    vae_possible: bool = False
    open_to_iae: bool = False
    organisation_uai: str = ""
    sessions: list[SessionInput] = field(default_factory=list)


@dataclass
class OfferInput:
    """Everything a manager may set on an offer, already checked (see ``forms.OfferForm``)."""

    structure_id: int
    kind: OfferKind
    title: str
    commune: Commune
    description: str = ""
    address: str = ""
    postcode: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    website: str = ""
    contact_public: bool = True
    how_to_apply: str = ""
    age_min_months: int = 0
    age_max_months: int = 72
    capacity: int | None = None
    free_places: int | None = None
    cost_info: str = ""
    psu_pricing: bool = False
    disability_access: bool = False
    disability_info: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    slots: list[hours.Slot] = field(default_factory=list)
    closures: list[hours.Closure] = field(default_factory=list)
    training: TrainingInput | None = None


# --------------------------------------------------------------------------- history text

FIELD_LABELS = {
    "structure": "Structure",
    "kind": "Type d’offre",
    "status": "Statut",
    "title": "Nom de l’offre",
    "description": "Description",
    "address": "Adresse",
    "postcode": "Code postal",
    "commune": "Commune",
    "contact_name": "Nom du contact",
    "contact_phone": "Téléphone",
    "contact_email": "Courriel",
    "website": "Site internet",
    "contact_public": "Coordonnées visibles par les parents",
    "how_to_apply": "Comment candidater",
    "age_min_months": "Âge minimum (mois)",
    "age_max_months": "Âge maximum (mois)",
    "capacity": "Capacité",
    "free_places": "Places disponibles",
    "free_places_on": "Places disponibles au",
    "cost_info": "Coût",
    "psu_pricing": "Barème national de la Caf (PSU)",
    "disability_access": "Accueil adapté au handicap",
    "disability_info": "Précisions sur le handicap",
    "valid_from": "Début de l’accueil",
    "valid_until": "Fin de l’accueil",
    "hours": "Horaires",
    "closures": "Fermetures",
    "certification": "Diplôme ou titre",
    "certification_name": "Intitulé exact",
    "rncp_code": "Code RNCP ou RS",
    "level": "Niveau",
    "training_hours": "Durée (heures)",
    "modality": "Modalité",
    "funding": "Financements",
    "vae_possible": "VAE possible",
    "open_to_iae": "Ouverte aux salariés en insertion",
    "organisation_uai": "Code UAI",
    "sessions": "Sessions",
    "avip": "Label AVIP",
    "avip_places": "Places AVIP",
    "avip_since": "AVIP depuis",
    "avip_review_on": "AVIP à revoir le",
}

ACTION_LABELS = {
    "created": "Création",
    "updated": "Modification",
    "hours": "Horaires modifiés",
    "places": "Places disponibles mises à jour",
    "published": "Publication",
    "unpublished": "Retrait de l’annuaire",
    "archived": "Archivage",
    "confirmed": "Vérifiée, rien n’a changé",
    "avip_granted": "Label AVIP accordé",
    "avip_withdrawn": "Label AVIP retiré",
}


def history_text(value) -> str:
    """A value as the offer history shows it: « oui »/« non », dd/mm/yyyy, or its text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def hours_text(slots) -> str:
    """« lundi 7 h 00 – 19 h 00 ; samedi 21 h 00 – 6 h 00 (lendemain) », « aucun horaire »."""
    table = hours.weekly_table(slots)
    parts = [f"{day} {', '.join(ranges)}" for day, ranges in table if ranges]
    return " ; ".join(parts) if parts else "aucun horaire"


def closures_text(closures) -> str:
    parts = []
    for c in sorted(closures, key=lambda c: (c.start, c.end, c.reason)):
        text = f"du {c.start:%d/%m/%Y} au {c.end:%d/%m/%Y}"
        parts.append(f"{text} ({c.reason})" if c.reason else text)
    return " ; ".join(parts)


def sessions_text(sessions) -> str:
    parts = []
    for s in sorted(sessions, key=lambda s: (s.start, s.end or s.start)):
        text = f"à partir du {s.start:%d/%m/%Y}"
        if s.end:
            text = f"du {s.start:%d/%m/%Y} au {s.end:%d/%m/%Y}"
        if s.places is not None:
            text += f", {s.places}{NBSP}places"
        if s.application_deadline:
            text += f", candidature avant le {s.application_deadline:%d/%m/%Y}"
        parts.append(text)
    return " ; ".join(parts)


@dataclass(frozen=True)
class HoursOverview:
    """What a set of weekly slots amounts to, as the hours editor shows it."""

    table: list[tuple[str, list[str]]]  # (« lundi », [« 7 h 00 – 19 h 00 »]) for 7 days
    amplitude: str  # longest day, « 12 h 00 »
    flags: list[str]  # « Tôt le matin (avant 7 h 30) », « La nuit »…
    osm: str  # « Mo-Fr 07:00-19:00 »
    empty: bool


def hours_overview(slots: list[hours.Slot]) -> HoursOverview:
    summary = hours.summarize(slots)
    minutes = summary.max_daily_amplitude_minutes
    return HoursOverview(
        table=hours.weekly_table(slots),
        amplitude=f"{minutes // 60}{NBSP}h{NBSP}{minutes % 60:02d}",
        flags=summary.labels_fr(),
        osm=hours.to_osm(slots),
        empty=not slots,
    )


def offer_slots(offer: Offer) -> list[hours.Slot]:
    return [hours.Slot(s.weekday, s.opens, s.closes) for s in offer.slots]


def snapshot(offer: Offer) -> dict[str, str]:
    """What the history compares: each field as the text a person reads."""
    o = offer
    values = {
        "structure": o.structure.name if o.structure else "",
        "kind": OFFER_KIND_LABELS.get(o.kind, history_text(o.kind)),
        "status": OFFER_STATUS_LABELS.get(o.status, history_text(o.status)),
        "title": o.title,
        "description": o.description,
        "address": o.address,
        "postcode": o.postcode,
        "commune": f"{o.commune_name} ({o.code_insee})" if o.code_insee else "",
        "contact_name": o.contact_name,
        "contact_phone": o.contact_phone,
        "contact_email": o.contact_email,
        "website": o.website,
        "contact_public": o.contact_public,
        "how_to_apply": o.how_to_apply,
        "age_min_months": o.age_min_months,
        "age_max_months": o.age_max_months,
        "capacity": o.capacity,
        "free_places": o.free_places,
        "free_places_on": o.free_places_on,
        "cost_info": o.cost_info,
        "psu_pricing": o.psu_pricing,
        "disability_access": o.disability_access,
        "disability_info": o.disability_info,
        "valid_from": o.valid_from,
        "valid_until": o.valid_until,
        "hours": hours_text(offer_slots(o)),
        "closures": closures_text(o.closures),
    }
    t = o.training
    if t is not None:
        values.update(
            certification=CERTIFICATION_LABELS.get(t.certification, history_text(t.certification)),
            certification_name=t.certification_name,
            rncp_code=t.rncp_code,
            level=t.level,
            training_hours=t.hours,
            modality=MODALITY_LABELS.get(t.modality, history_text(t.modality)),
            funding=", ".join(FUNDING_LABELS.get(f, f) for f in t.funding or []),
            vae_possible=t.vae_possible,
            open_to_iae=t.open_to_iae,
            organisation_uai=t.organisation_uai,
            sessions=sessions_text(t.sessions),
        )
    return {key: history_text(value) for key, value in values.items()}


def diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    """field → [before, after] for the fields that differ (in the order of ``FIELD_LABELS``)."""
    keys = list(dict.fromkeys([*after, *before]))
    return {
        k: [before.get(k, ""), after.get(k, "")]
        for k in keys
        if before.get(k, "") != after.get(k, "")
    }


def record_change(
    session: Session, offer: Offer, user: User | None, action: str, changes: dict | None = None
) -> OfferChange:
    """One line of history, added to the session of the change itself (same transaction)."""
    if offer.id is None:
        session.flush()
    change = OfferChange(
        offer_id=offer.id,
        user_id=user.id if user else None,
        at=utcnow(),
        action=action,
        changes=changes or {},
    )
    session.add(change)
    return change


# --------------------------------------------------------------------------- saving an offer


def _set(obj, name: str, value) -> bool:
    if getattr(obj, name) != value:
        setattr(obj, name, value)
        return True
    return False


def _apply_training(offer: Offer, data: TrainingInput | None) -> None:
    if data is None:
        if offer.training is not None:
            offer.training = None
        return
    training = offer.training
    if training is None:
        training = Training(offer=offer, certification=data.certification, modality=data.modality)
    for name in (
        "certification",
        "modality",
        "certification_name",
        "rncp_code",
        "level",
        "hours",
        "vae_possible",
        "open_to_iae",
        "organisation_uai",
    ):
        _set(training, name, getattr(data, name))
    if list(training.funding or []) != list(data.funding):
        training.funding = list(data.funding)
    current = [
        SessionInput(s.start, s.end, s.places, s.application_deadline) for s in training.sessions
    ]
    wanted = sorted(data.sessions, key=lambda s: (s.start, s.end or s.start))
    if sorted(current, key=lambda s: (s.start, s.end or s.start)) != wanted:
        training.sessions = [
            TrainingSession(
                start=s.start,
                end=s.end,
                places=s.places,
                application_deadline=s.application_deadline,
            )
            for s in wanted
        ]


def apply_input(offer: Offer, data: OfferInput, today: date) -> None:
    """Set every field of ``offer`` from ``data``; hours, closures and sessions are replaced
    only when they differ. The free places date becomes today when the number changes."""
    o = offer
    for name in (
        "kind",
        "title",
        "description",
        "address",
        "contact_name",
        "contact_phone",
        "contact_email",
        "website",
        "contact_public",
        "how_to_apply",
        "age_min_months",
        "age_max_months",
        "capacity",
        "cost_info",
        "psu_pricing",
        "disability_access",
        "disability_info",
        "valid_from",
        "valid_until",
    ):
        _set(o, name, getattr(data, name))
    if _set(o, "free_places", data.free_places):
        o.free_places_on = today if data.free_places is not None else None
    commune = data.commune
    if o.code_insee != commune.code_insee:
        o.code_insee = commune.code_insee
        o.commune_name = commune.name
        o.departement_code = commune.departement_code
        # The commune's centroid: the reference has no street addresses.
        o.latitude, o.longitude = commune.latitude, commune.longitude
    _set(o, "postcode", data.postcode or commune.main_postcode)
    if set(offer_slots(o)) != set(data.slots) or len(o.slots) != len(set(data.slots)):
        o.slots = [
            OpeningSlot(weekday=s.weekday, opens=s.opens, closes=s.closes)
            for s in sorted(set(data.slots))
        ]
    current = sorted((c.start, c.end, c.reason) for c in o.closures)
    wanted = sorted((c.start, c.end, c.reason) for c in data.closures)
    if current != wanted:
        o.closures = [Closure(start=s, end=e, reason=r) for s, e, r in wanted]
    _apply_training(o, data.training if data.kind is OfferKind.FORMATION else None)


def _attach_structure(session: Session, offer: Offer, structure_id: int) -> None:
    if offer.structure is None or offer.structure.id != structure_id:
        offer.structure = session.get(Structure, structure_id)


def create_offer(session: Session, user: User, data: OfferInput, today: date) -> Offer:
    """A new draft offer, with its « created » history line."""
    commune = data.commune
    offer = Offer(
        status=OfferStatus.DRAFT,
        kind=data.kind,
        title=data.title,
        code_insee=commune.code_insee,
        commune_name=commune.name,
        departement_code=commune.departement_code,
        latitude=commune.latitude,
        longitude=commune.longitude,
    )
    _attach_structure(session, offer, data.structure_id)
    apply_input(offer, data, today)
    session.add(offer)
    session.flush()
    changes = {k: ["", v] for k, v in snapshot(offer).items() if v}
    record_change(session, offer, user, "created", changes)
    return offer


@dataclass
class SaveOutcome:
    changes: dict[str, list[str]]
    action: str | None  # None: nothing changed


HOURS_FIELDS = {"hours", "closures"}


def update_offer(
    session: Session, user: User, offer: Offer, data: OfferInput, today: date
) -> SaveOutcome:
    """Apply ``data`` and record what changed (« hours » when only the hours or closures did).
    Saving without any change records that the offer was checked (« confirmed »)."""
    before = snapshot(offer)
    apply_input(offer, data, today)
    _attach_structure(session, offer, data.structure_id)
    after = snapshot(offer)
    changes = diff(before, after)
    if not changes:
        confirm_offer(session, user, offer)
        return SaveOutcome({}, None)
    offer.updated_at = utcnow()  # also when only the hours, closures or sessions changed
    action = "hours" if set(changes) <= HOURS_FIELDS else "updated"
    record_change(session, offer, user, action, changes)
    return SaveOutcome(changes, action)


def confirm_offer(session: Session, user: User, offer: Offer) -> None:
    """The manager checked the offer and nothing changed: it is fresh again."""
    offer.updated_at = utcnow()
    record_change(session, offer, user, "confirmed", {})


# --------------------------------------------------------------------------- status and places

TRANSITIONS = {
    # name: (allowed from, to, history action)
    "publish": ((OfferStatus.DRAFT, OfferStatus.ARCHIVED), OfferStatus.PUBLISHED, "published"),
    "unpublish": ((OfferStatus.PUBLISHED,), OfferStatus.DRAFT, "unpublished"),
    "archive": ((OfferStatus.DRAFT, OfferStatus.PUBLISHED), OfferStatus.ARCHIVED, "archived"),
}


def change_status(session: Session, user: User, offer: Offer, transition: str) -> bool:
    """Publish, unpublish or archive; False (and nothing written) when not allowed from the
    current status."""
    allowed, target, action = TRANSITIONS[transition]
    if offer.status not in allowed:
        return False
    before = OFFER_STATUS_LABELS[offer.status]
    offer.status = target
    record_change(session, offer, user, action, {"status": [before, OFFER_STATUS_LABELS[target]]})
    return True


def set_free_places(session: Session, user: User, offer: Offer, places: int, today: date) -> bool:
    """The one-click update: ``places`` free as of today. False when nothing changed."""
    before = {
        "free_places": history_text(offer.free_places),
        "free_places_on": history_text(offer.free_places_on),
    }
    offer.free_places, offer.free_places_on = places, today
    after = {"free_places": history_text(places), "free_places_on": history_text(today)}
    changes = diff(before, after)
    if not changes:
        return False
    record_change(session, offer, user, "places", changes)
    return True


# --------------------------------------------------------------------------- structures


def structure_choices(
    session: Session, user: User, current: Structure | None = None, limit: int = 500
) -> list[Structure]:
    """The structures ``user`` may attach an offer to (the current one always included)."""
    query = select(Structure).order_by(Structure.name, Structure.id)
    if user.role == Role.GESTIONNAIRE:
        query = query.join(Membership, Membership.structure_id == Structure.id).where(
            Membership.user_id == user.id, Membership.status == MembershipStatus.APPROVED
        )
    elif user.role == Role.COORDINATEUR:
        in_departement = select(Offer.structure_id).where(
            Offer.departement_code == user.departement_code
        )
        query = query.where(
            or_(
                Structure.departement_code == user.departement_code,
                Structure.id.in_(in_departement),
            )
        )
    elif user.role != Role.ADMIN:
        query = query.where(False)
    structures = list(session.scalars(query.limit(limit)))
    if current is not None and current not in structures:
        structures.insert(0, current)
    return structures


def may_use_structure(
    session: Session, user: User, structure_id: int, current_id: int | None = None
) -> bool:
    if structure_id == current_id:
        return True
    if user.role == Role.ADMIN:
        return session.get(Structure, structure_id) is not None
    return any(s.id == structure_id for s in structure_choices(session, user, limit=100_000))


# --------------------------------------------------------------------------- reminders


@dataclass
class ReminderPlan:
    """Who gets which offers in their reminder email."""

    by_manager: dict[int, tuple[User, list[Offer]]]
    unmanaged: list[Offer]

    @property
    def offers(self) -> int:
        return len({o.id for _, offers in self.by_manager.values() for o in offers})


def offers_to_remind(session: Session, today: date, now: datetime) -> list[Offer]:
    """Published offers « à vérifier » whose managers were not reminded in the last 30 days."""
    before = datetime.combine(stale_threshold(today) + timedelta(days=1), time())
    return list(
        session.scalars(
            select(Offer)
            .options(selectinload(Offer.structure))
            .where(
                Offer.status == OfferStatus.PUBLISHED,
                Offer.updated_at < before,
                or_(Offer.reminded_at.is_(None), Offer.reminded_at <= now - REMIND_EVERY),
            )
            .order_by(Offer.id)
        )
    )


def plan_reminders(session: Session, today: date, now: datetime) -> ReminderPlan:
    offers = offers_to_remind(session, today, now)
    structure_ids = {o.structure_id for o in offers}
    managers: dict[int, list[User]] = defaultdict(list)
    if structure_ids:
        rows = session.execute(
            select(Membership.structure_id, User)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.structure_id.in_(structure_ids),
                Membership.status == MembershipStatus.APPROVED,
                User.role == Role.GESTIONNAIRE,
                User.status == AccountStatus.ACTIVE,
            )
            .order_by(User.id)
        ).all()
        for structure_id, user in rows:
            managers[structure_id].append(user)
    plan = ReminderPlan({}, [])
    for offer in offers:
        if not managers.get(offer.structure_id):
            plan.unmanaged.append(offer)
        for user in managers.get(offer.structure_id, ()):
            plan.by_manager.setdefault(user.id, (user, []))[1].append(offer)
    return plan


def mark_reminded(session: Session, offer_ids: list[int], now: datetime) -> None:
    """Note the reminder without touching ``updated_at`` (a reminder is not an update)."""
    if offer_ids:
        session.execute(
            update(Offer)
            .where(Offer.id.in_(offer_ids))
            .values(reminded_at=now, updated_at=Offer.updated_at)
            .execution_options(synchronize_session=False)
        )


# --------------------------------------------------------------------------- the pages' data


@dataclass
class OfferRow:
    """One offer in the list: status, freshness, free places."""

    offer: Offer
    status_label: str
    freshness: str
    stale: bool
    places: str

    @classmethod
    def of(cls, offer: Offer, today: date) -> OfferRow:
        published = offer.status is OfferStatus.PUBLISHED
        return cls(
            offer,
            OFFER_STATUS_LABELS[offer.status],
            freshness_text(offer.updated_at, today),
            published and is_stale(offer.updated_at, today),
            places_text(offer, today),
        )


@dataclass
class OfferListing:
    rows: list[OfferRow]
    total: int
    stale: int
    page: int
    pages: int


def _stale_before(today: date) -> datetime:
    return datetime.combine(stale_threshold(today) + timedelta(days=1), time())


def list_offers(
    session: Session,
    user: User,
    today: date,
    *,
    page: int,
    page_size: int,
    stale_only: bool = False,
) -> OfferListing:
    """The offers ``user`` manages (archived last, then by title), one page of them."""
    base = manageable_offers_query(session, user)
    stale_filter = (Offer.status == OfferStatus.PUBLISHED, Offer.updated_at < _stale_before(today))
    stale = (
        session.scalar(select(func.count()).select_from(base.where(*stale_filter).subquery())) or 0
    )
    if stale_only:
        base = base.where(*stale_filter)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    query = (
        base.options(selectinload(Offer.structure))
        .order_by(case((Offer.status == OfferStatus.ARCHIVED, 1), else_=0), Offer.title, Offer.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    rows = [OfferRow.of(o, today) for o in session.scalars(query)]
    return OfferListing(rows, total, stale, page, pages)


@dataclass
class HistoryEntry:
    at: datetime  # local wall-clock time of the offer's département
    who: str
    action: str
    changes: list[tuple[str, str, str]]  # (label, before, after)

    @property
    def when(self) -> str:
        """« le 21 novembre 2026 à 14 h 05 »."""
        return typography(
            f"le {format_date(self.at.date())} à {hours.format_time_fr(self.at.time())}"
        )


@dataclass
class HistoryPage:
    entries: list[HistoryEntry]
    page: int
    pages: int


def offer_history(session: Session, offer: Offer, *, page: int, page_size: int) -> HistoryPage:
    """The offer's changes, newest first, with who made them and what changed."""
    total = (
        session.scalar(select(func.count(OfferChange.id)).where(OfferChange.offer_id == offer.id))
        or 0
    )
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    rows = session.execute(
        select(OfferChange, User)
        .outerjoin(User, User.id == OfferChange.user_id)
        .where(OfferChange.offer_id == offer.id)
        .order_by(OfferChange.at.desc(), OfferChange.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    zone = zone_for_departement(offer.departement_code)
    entries = []
    for change, user in rows:
        if user is not None:
            who = user.full_name + (f" ({user.organisation})" if user.organisation else "")
        else:
            who = "Passerelle (automatique)" if change.user_id is None else "Compte supprimé"
        items = []
        for key, values in (change.changes or {}).items():
            if isinstance(values, (list, tuple)):
                before, after = (list(values) + ["", ""])[:2]
            else:
                before, after = "", values
            items.append((FIELD_LABELS.get(key, key), history_text(before), history_text(after)))
        local = change.at.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
        entries.append(
            HistoryEntry(local, who, ACTION_LABELS.get(change.action, change.action), items)
        )
    return HistoryPage(entries, page, pages)
