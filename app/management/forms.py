"""The offer form (POST, CSRF): every field a manager may set, the weekly hours, closures and
course sessions as rows that buttons add and remove — with or without JavaScript — and French
messages. What was typed is always shown back, whatever its problems.

``OfferForm.check(complete=...)`` turns the answers into a :class:`inputs.OfferInput`, or
``None`` with a message on each field at fault. ``complete=False`` is the inline check as the
manager types: it reports only problems with what was typed, not what is still missing.
"""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy.orm import Session
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, ValidationError

from app.accounts.models import Role, User
from app.accounts.policies import can_manage_offer
from app.core.fields import CheckboxesField, FrenchSelect
from app.core.forms import FrenchForm, trim
from app.directory import hours
from app.directory.models import (
    CERTIFICATION_LABELS,
    FUNDING_LABELS,
    MODALITY_LABELS,
    OFFER_KIND_LABELS,
    Certification,
    Modality,
    Offer,
    OfferKind,
    Structure,
)
from app.directory.rules import offer_slots
from app.geo import Commune, get_commune
from app.geo.lookup import resolve_place
from app.management import services
from app.management.inputs import OfferInput, SessionInput, TrainingInput
from app.management.rows import (
    MAX_CLOSURES,
    MAX_SESSIONS,
    MAX_SLOTS,
    ClosureForm,
    OfferRows,
    SessionForm,
    SlotForm,
    time_text,
)

MAX_TEXT = 5000
MAX_NUMBER = 10_000
MAX_AGE_MONTHS = 216  # 18 years

KIND_CHOICES = [SelectChoice("", "Choisissez un type")] + [
    SelectChoice(k.value, label) for k, label in OFFER_KIND_LABELS.items()
]
CERTIFICATION_CHOICES = [SelectChoice("", "Choisissez")] + [
    SelectChoice(c.value, label) for c, label in CERTIFICATION_LABELS.items()
]
MODALITY_CHOICES = [SelectChoice(str(m), label) for m, label in MODALITY_LABELS.items()]
LEVEL_CHOICES = [SelectChoice("", "Non renseigné")] + [
    SelectChoice(str(n), f"Niveau {n}") for n in range(3, 9)
]
FUNDING_CHOICES = [SelectChoice(str(f), label) for f, label in FUNDING_LABELS.items()]

PHONE_RE = re.compile(r"[0-9+().\- ]{6,30}")
POSTCODE_RE = re.compile(r"\d{5}")
RNCP_RE = re.compile(r"(RNCP|RS)\d{1,6}")
UAI_RE = re.compile(r"\d{7}[A-Z]")


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def initial_data(offer: Offer | None) -> dict:
    """The form's values for an existing offer (or the defaults of a new one)."""
    if offer is None:
        return {
            "contact_public": True,
            "online_requests": True,
            "age_min_months": "0",
            "age_max_months": "36",
            "slots": [{}],
            "modality": Modality.PRESENTIEL.value,
        }
    o, commune = offer, get_commune(offer.code_insee)
    data: dict[str, Any] = {
        "version": o.updated_at.isoformat() if o.updated_at else "",
        "structure": str(o.structure_id),
        "kind": o.kind.value,
        "title": o.title,
        "description": o.description,
        "address": o.address,
        "postcode": o.postcode,
        "lieu": commune.label if commune else o.commune_name,
        "contact_name": o.contact_name,
        "contact_phone": o.contact_phone,
        "contact_email": o.contact_email,
        "website": o.website,
        "contact_public": o.contact_public,
        "online_requests": o.online_requests,
        "how_to_apply": o.how_to_apply,
        "age_min_months": _number(o.age_min_months),
        "age_max_months": _number(o.age_max_months),
        "capacity": _number(o.capacity),
        "free_places": _number(o.free_places),
        "cost_info": o.cost_info,
        "psu_pricing": o.psu_pricing,
        "disability_access": o.disability_access,
        "disability_info": o.disability_info,
        "valid_from": _iso(o.valid_from),
        "valid_until": _iso(o.valid_until),
        "slots": [
            {
                "weekday": str(s.weekday),
                "opens": time_text(s.opens),
                "closes": time_text(s.closes, closing=True),
            }
            for s in o.slots
        ],
        "closures": [
            {"start": _iso(c.start), "end": _iso(c.end), "reason": c.reason} for c in o.closures
        ],
        "modality": Modality.PRESENTIEL.value,
    }
    t = o.training
    if t is not None:
        data.update(
            certification=t.certification.value,
            certification_name=t.certification_name,
            rncp_code=t.rncp_code,
            level=_number(t.level),
            training_hours=_number(t.hours),
            modality=t.modality.value,
            funding=list(t.funding or []),
            vae_possible=t.vae_possible,
            open_to_iae=t.open_to_iae,
            organisation_uai=t.organisation_uai,
            sessions=[
                {
                    "start": _iso(s.start),
                    "end": _iso(s.end),
                    "places": _number(s.places),
                    "application_deadline": _iso(s.application_deadline),
                }
                for s in t.sessions
            ],
        )
    return data


class OfferIdentityFields:
    """Which structure offers it, what kind of offer, its name and presentation."""

    version = HiddenField()
    structure = FrenchSelect("Structure", default="", validate_choice=False)
    kind = FrenchSelect("Type d’offre", choices=KIND_CHOICES, default="", validate_choice=False)
    title = StringField(
        "Nom de l’offre",
        filters=[trim],
        description="Tel que les parents le liront, par exemple « Multi-accueil Les Lucioles ».",
    )
    description = TextAreaField(
        "Présentation (facultatif)",
        filters=[trim],
        description="Le projet d’accueil, ce qui aide un parent à choisir.",
    )


class OfferPlaceFields:
    """Where: the address and the commune (typed, with suggestions)."""

    address = StringField("Adresse (facultatif)", filters=[trim], description="Numéro et rue.")
    postcode = StringField(
        "Code postal", filters=[trim], description="5 chiffres, par exemple 83000."
    )
    lieu = StringField(
        "Commune",
        filters=[trim],
        description="Commencez à taper le nom ou le code postal, par exemple Toulon.",
    )


class OfferContactFields:
    """Whom to contact and how to apply."""

    contact_name = StringField("Nom du contact (facultatif)", filters=[trim])
    contact_phone = StringField(
        "Téléphone (facultatif)", filters=[trim], description="Par exemple 01 99 00 12 34."
    )
    contact_email = StringField("Courriel (facultatif)", filters=[trim])
    website = StringField(
        "Site internet (facultatif)",
        filters=[trim],
        description="L’adresse complète, commençant par https://",
    )
    contact_public = BooleanField("Montrer ces coordonnées aux parents")
    online_requests = BooleanField(
        "Recevoir les demandes de place en ligne des parents",
        description=(
            "À l’adresse du courriel ci-dessus (même si elle n’est pas montrée) : vous répondez "
            "depuis le lien reçu, sans compte. Sans courriel, les parents sont invités à "
            "demander au relais petite enfance."
        ),
    )
    how_to_apply = TextAreaField(
        "Comment candidater (facultatif)",
        filters=[trim],
        description="Les démarches, les pièces à fournir, à qui s’adresser.",
    )


class OfferAgesFields:
    """The ages received and the places."""

    age_min_months = StringField(
        "Âge minimum, en mois",
        filters=[trim],
        description="0 : dès la naissance ; 10 : à partir de 10 mois.",
    )
    age_max_months = StringField(
        "Âge maximum, en mois (non compris)",
        filters=[trim],
        description="36 : jusqu’au 3e anniversaire ; 72 : jusqu’à 6 ans.",
    )
    capacity = StringField("Capacité d’accueil, en places (facultatif)", filters=[trim])
    free_places = StringField(
        "Places disponibles aujourd’hui (facultatif)",
        filters=[trim],
        description="0 si c’est complet. La date d’aujourd’hui est enregistrée avec le nombre.",
    )


class OfferCostFields:
    """What it costs and the reception of disabled children."""

    cost_info = TextAreaField("Coût pour les familles (facultatif)", filters=[trim])
    psu_pricing = BooleanField("Tarif au barème national de la Caf (PSU)")
    disability_access = BooleanField("Accueil adapté aux enfants en situation de handicap")
    disability_info = TextAreaField(
        "Précisions sur l’accueil du handicap (facultatif)", filters=[trim]
    )


class OfferPeriodFields:
    """The period of a temporary offer."""

    valid_from = StringField(
        "Début de l’accueil", filters=[trim], description="Exemple : 01/07/2026."
    )
    valid_until = StringField(
        "Fin de l’accueil", filters=[trim], description="Exemple : 31/08/2026."
    )


class OfferHoursFields:
    """The weekly opening hours (rows of slots, or OpenStreetMap text) and the closures."""

    slots = FieldList(FormField(SlotForm), max_entries=MAX_SLOTS)
    osm = StringField(
        "Horaires au format OpenStreetMap",
        filters=[trim],
        description=(
            "Par exemple Mo-Fr 07:30-18:30; Sa 08:00-12:00. Remplace les créneaux ci-dessus."
        ),
    )
    closures = FieldList(FormField(ClosureForm), max_entries=MAX_CLOSURES)


class OfferTrainingFields:
    """A course: the qualification prepared, its funding and its sessions."""

    certification = FrenchSelect(
        "Diplôme ou titre préparé", choices=CERTIFICATION_CHOICES, default="", validate_choice=False
    )
    certification_name = StringField("Intitulé exact (facultatif)", filters=[trim])
    rncp_code = StringField(
        "Code RNCP ou RS (facultatif)", filters=[trim], description="Par exemple RNCP35832."
    )
    level = FrenchSelect(
        "Niveau de qualification", choices=LEVEL_CHOICES, default="", validate_choice=False
    )
    training_hours = StringField("Durée totale, en heures (facultatif)", filters=[trim])
    modality = FrenchSelect(
        "Modalité",
        choices=MODALITY_CHOICES,
        default=Modality.PRESENTIEL.value,
        validate_choice=False,
    )
    funding = CheckboxesField("Financements possibles", choices=FUNDING_CHOICES)
    vae_possible = BooleanField("Accessible par la validation des acquis (VAE)")
    open_to_iae = BooleanField("Ouverte aux salariés en insertion (IAE, PEC)")
    organisation_uai = StringField(
        "Code UAI de l’établissement (facultatif)",
        filters=[trim],
        description="7 chiffres et une lettre, par exemple 0753602H.",
    )
    sessions = FieldList(FormField(SessionForm), max_entries=MAX_SESSIONS)


class OfferForm(
    OfferRows,
    OfferIdentityFields,
    OfferPlaceFields,
    OfferContactFields,
    OfferAgesFields,
    OfferCostFields,
    OfferPeriodFields,
    OfferHoursFields,
    OfferTrainingFields,
    FrenchForm,
):
    """An offer of care or a course. Its fields are grouped by concern in the classes above
    (WTForms keeps their declaration order; the names posted are the fields' names); ``check``
    turns the answers into an OfferInput."""

    def __init__(
        self, formdata=None, *, session: Session, user: User, offer: Offer | None = None, **kwargs
    ):
        if formdata is None:
            kwargs.setdefault("data", initial_data(offer))
        super().__init__(formdata, **kwargs)
        self.session, self.user, self.offer = session, user, offer
        self.structures: list[Structure] = services.structure_choices(
            session, user, offer.structure if offer is not None else None
        )
        self.structure.choices = [SelectChoice("", "Choisissez la structure")] + [
            SelectChoice(str(s.id), s.name) for s in self.structures
        ]
        if formdata is None and offer is None and len(self.structures) == 1:
            self.structure.data = str(self.structures[0].id)
        self.commune: Commune | None = None
        self.place_suggestions: list = []
        self.form_errors: list[str] = []
        self.added: str | None = None  # the list a row was just added to (for the focus)
        self._reset_errors()

    # -- checking -------------------------------------------------------------------------------

    def check_version(self, offer: Offer) -> bool:
        """False (with a message) when someone else saved the offer since the form was shown."""
        current = offer.updated_at.isoformat() if offer.updated_at else ""
        if (self.version.data or "") == current:
            return True
        self.form_errors.append(
            "Cette offre a été modifiée par quelqu’un d’autre pendant que vous la modifiiez "
            "(voir l’historique). Vos saisies sont gardées ci-dessous : "
            "vérifiez-les puis enregistrez à nouveau."
        )
        self.version.data = current  # the next save goes through
        return False

    def check(self, today: date, *, complete: bool = True) -> OfferInput | None:
        """The checked answers, or None (messages on the fields). Never raises on any input."""
        self._reset_errors()
        self.complete = complete
        structure_id = self._check_structure()
        kind = self._choice(self.kind, OfferKind, "Choisissez le type d’offre.")
        title = self._text(self.title, 200, required="Indiquez le nom de l’offre.")
        texts: dict[str, Any] = {
            name: self._text(getattr(self, name), size)
            for name, size in (
                ("description", MAX_TEXT),
                ("address", 300),
                ("contact_name", 200),
                ("how_to_apply", MAX_TEXT),
                ("cost_info", MAX_TEXT),
                ("disability_info", MAX_TEXT),
            )
        }
        postcode = self._postcode()
        commune = self._check_place(postcode)
        phone = self._pattern(
            self.contact_phone,
            PHONE_RE,
            30,
            "Indiquez un numéro de téléphone, par exemple 01 99 00 12 34.",
        )
        email = self._email()
        website = self._website()
        is_training = kind is OfferKind.FORMATION
        ages = (None, None) if is_training else self._ages()
        capacity = self._int(
            self.capacity, 0, MAX_NUMBER, "Indiquez un nombre de places, par exemple 12."
        )
        free = self._int(
            self.free_places,
            0,
            MAX_NUMBER,
            "Indiquez un nombre de places, par exemple 2 (0 si c’est complet).",
        )
        if (
            capacity is not None
            and free is not None
            and free > capacity
            and not self.free_places.errors
        ):
            self.free_places.errors = [
                f"Il ne peut pas y avoir plus de places disponibles que la capacité ({capacity})."
            ]
        valid_from, valid_until = self._date(self.valid_from), self._date(self.valid_until)
        if valid_from and valid_until and valid_until < valid_from:
            self.valid_until.errors = ["La fin de l’accueil doit être après son début."]
        slots = None if is_training else self._check_slots()
        closures = None if is_training else self._check_closures()
        training = self._check_training() if is_training else None
        if commune is not None and structure_id is not None:
            self._check_reach(structure_id, commune)
        if (
            self.error_list()
            or structure_id is None
            or kind is None
            or commune is None
            or not title
        ):
            return None
        data = OfferInput(
            structure_id=structure_id,
            kind=kind,
            title=title,
            commune=commune,
            postcode=postcode or "",
            contact_phone=phone,
            contact_email=email,
            website=website,
            contact_public=bool(self.contact_public.data),
            online_requests=bool(self.online_requests.data),
            psu_pricing=bool(self.psu_pricing.data),
            disability_access=bool(self.disability_access.data),
            capacity=capacity,
            free_places=free,
            valid_from=valid_from,
            valid_until=valid_until,
            training=training,
            **texts,
        )
        keep = self.offer
        data.age_min_months = (
            ages[0] if ages[0] is not None else (keep.age_min_months if keep else 0)
        )
        data.age_max_months = (
            ages[1] if ages[1] is not None else (keep.age_max_months if keep else 72)
        )
        data.slots = slots if slots is not None else (offer_slots(keep) if keep else [])
        data.closures = (
            closures
            if closures is not None
            else ([hours.Closure(c.start, c.end, c.reason) for c in keep.closures] if keep else [])
        )
        return data

    # field checks: each sets the field's errors and returns the value (None when missing or bad)

    def _check_structure(self) -> int | None:
        value = self.structure.data or ""
        if not value:
            self._require(self.structure, "Choisissez la structure qui propose l’offre.")
            return None
        current = self.offer.structure_id if self.offer is not None else None
        if (
            not value.isdigit()
            or len(value) > 12
            or not services.may_use_structure(self.session, self.user, int(value), current)
        ):
            self.structure.errors = ["Choisissez une structure que vous gérez, dans la liste."]
            return None
        return int(value)

    def _postcode(self) -> str | None:
        return (
            self._pattern(
                self.postcode,
                POSTCODE_RE,
                10,
                "Un code postal compte 5 chiffres, par exemple 83000.",
                upper=True,
            )
            or None
        )

    def _check_place(self, postcode: str | None) -> Commune | None:
        text = self._text(self.lieu, 120)
        if self.lieu.errors:
            return None
        if not text:
            self._require(self.lieu, "Indiquez la commune de l’offre.")
            return None
        resolution = resolve_place(text)
        if resolution.commune is None and postcode:
            resolution = resolve_place(f"{text} {postcode}")
        if resolution.commune is None:
            self.place_suggestions = resolution.suggestions
            self.lieu.errors = [resolution.message or "Commune introuvable."]
            return None
        commune = resolution.commune
        if postcode and postcode not in commune.postcodes and not self.postcode.errors:
            known = ", ".join(commune.postcodes[:5]) + ("…" if len(commune.postcodes) > 5 else "")
            self.postcode.errors = [f"Ce code postal ne correspond pas à {commune.name} ({known})."]
        self.commune = commune
        return commune

    def _check_reach(self, structure_id: int, commune: Commune) -> None:
        """The offer must stay one the person may manage (a coordinator: their département)."""
        candidate = SimpleNamespace(
            structure_id=structure_id, departement_code=commune.departement_code
        )
        if not can_manage_offer(self.session, self.user, candidate):
            if self.user.role == Role.COORDINATEUR:
                self.lieu.errors = [
                    "Cette commune n’est pas dans votre département : "
                    "vous ne pourriez plus gérer l’offre."
                ]
            else:
                self.structure.errors = ["Choisissez une structure que vous gérez, dans la liste."]

    def _email(self) -> str:
        value = self._text(self.contact_email, 254)
        if value and not self.contact_email.errors:
            try:
                Email(check_deliverability=False)(self, self.contact_email)
            except ValidationError:
                self.contact_email.errors = [
                    "Indiquez une adresse électronique valide, par exemple contact@exemple.fr."
                ]
                return ""
        return value

    def _website(self) -> str:
        value = self._text(self.website, 300)
        if (
            value
            and not self.website.errors
            and (not re.fullmatch(r"https?://[^\s/]+\.[^\s]+", value))
        ):
            self.website.errors = ["Indiquez l’adresse complète du site, commençant par https://"]
            return ""
        return value

    def _ages(self) -> tuple[int | None, int | None]:
        low = self._int(
            self.age_min_months,
            0,
            MAX_AGE_MONTHS,
            "Indiquez un âge en mois entre 0 et 216, par exemple 0.",
            required="Indiquez l’âge minimum en mois, par exemple 0.",
        )
        high = self._int(
            self.age_max_months,
            1,
            MAX_AGE_MONTHS,
            "Indiquez un âge en mois entre 1 et 216, par exemple 36.",
            required="Indiquez l’âge maximum en mois, par exemple 36.",
        )
        if low is not None and high is not None and high <= low:
            self.age_max_months.errors = ["L’âge maximum doit être plus grand que l’âge minimum."]
            return None, None
        return low, high

    def _check_training(self) -> TrainingInput | None:
        certification = self._choice(
            self.certification, Certification, "Choisissez le diplôme ou le titre préparé."
        )
        modality = self._choice(self.modality, Modality, "Choisissez la modalité.")
        name = self._text(self.certification_name, 200)
        rncp = self._pattern(
            self.rncp_code,
            RNCP_RE,
            20,
            upper=True,
            message="Un code RNCP s’écrit RNCP suivi de chiffres, par exemple RNCP35832.",
        )
        level = self._int(self.level, 3, 8, "Choisissez un niveau dans la liste.")
        training_hours = self._int(
            self.training_hours, 1, MAX_NUMBER, "Indiquez une durée en heures, par exemple 1 200."
        )
        uai = self._pattern(
            self.organisation_uai,
            UAI_RE,
            8,
            upper=True,
            message="Un code UAI compte 7 chiffres et une lettre, par exemple 0753602H.",
        )
        funding = [f for f in (self.funding.data or []) if isinstance(f, str)]
        if any(f not in FUNDING_LABELS for f in funding):
            self.funding.errors = ["Cochez des financements dans la liste."]
        sessions = []
        for entry in self.sessions.entries:
            if not any(sub.data for sub in entry):
                continue
            start = self._date(entry.start)
            if start is None and not entry.start.errors:
                entry.start.errors = [
                    "Indiquez la date de début de la session, par exemple 05/01/2027."
                ]
            end = self._date(entry.end)
            places = self._int(
                entry.places, 0, MAX_NUMBER, "Indiquez un nombre de places, par exemple 20."
            )
            deadline = self._date(entry.application_deadline)
            if start and end and end < start:
                entry.end.errors = ["La fin de la session doit être après son début."]
            if start is not None and not any(f.errors for f in entry):
                sessions.append(SessionInput(start, end, places, deadline))
        if certification is None or modality is None:
            return None
        return TrainingInput(
            certification=certification,
            modality=modality,
            certification_name=name,
            rncp_code=rncp,
            level=level,
            hours=training_hours,
            funding=funding,
            vae_possible=bool(self.vae_possible.data),
            open_to_iae=bool(self.open_to_iae.data),
            organisation_uai=uai,
            sessions=sessions,
        )


class PlacesForm(FrenchForm):
    """The one-click update of the free places, from the list."""

    places = StringField("Places disponibles aujourd’hui", filters=[trim])
    page = HiddenField()

    def number(self) -> int | None:
        value = (self.places.data or "").replace(" ", "")
        if not value:
            self.places.errors = ["Indiquez le nombre de places disponibles (0 si c’est complet)."]
            return None
        if not value.isascii() or not value.isdigit() or len(value) > 6 or int(value) > MAX_NUMBER:
            self.places.errors = [
                "Indiquez un nombre de places, par exemple 2 (0 si c’est complet)."
            ]
            return None
        return int(value)
