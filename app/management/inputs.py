"""What a manager may set on an offer, once a form has checked it (see ``forms.OfferForm``):
plain dataclasses that :mod:`app.management.services` applies to the offer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.directory import hours
from app.directory.models import Certification, Modality, OfferKind
from app.geo import Commune


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
    online_requests: bool = True
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
