"""The job exchange's forms (WTForms, French messages, what was typed shown back). Each form
turns a valid submission into its service's input (``to_input``)."""

from __future__ import annotations

from datetime import date

from wtforms import BooleanField, FieldList, FormField, HiddenField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Optional, ValidationError

from app.accounts.forms import EMAIL_MESSAGE
from app.core.fields import (
    CheckboxesField,
    DateText,
    FrenchRadio,
    FrenchSelect,
    VersionField,
    WholeNumberText,
    max_length,
    text_area,
)
from app.core.forms import FrenchForm, FrenchSubForm, trim
from app.directory import hours
from app.directory.forms import DAY_CODES, DaysField, TimeField
from app.geo.communes import Commune
from app.geo.lookup import resolve_place
from app.jobs import rome, rules
from app.jobs.criteria import MAX_HOURS, RADII
from app.jobs.models import ContractKind, NeedClosure, Outcome, ProposalStatus, Qualification
from app.jobs.services import Answer, CapacityInput, NeedInput, Person, ProposalInput

MAX_PEOPLE = 5
DESCRIPTION_MAX = 2000
EXPERIENCE_MAX = 300


def _contract_choices() -> list[SelectChoice]:
    return [SelectChoice(k.value, label) for k, label in rules.CONTRACT_LABELS.items()]


def _job_choices(empty: str | None = "Choisissez un métier") -> list[SelectChoice]:
    first = [SelectChoice("", empty)] if empty else []
    return first + [SelectChoice(j.code, f"{j.label} ({j.code})") for j in rome.current_jobs()]


def _qualification_choices(empty: bool = True) -> list[SelectChoice]:
    first = [SelectChoice("", "Choisissez")] if empty else []
    return first + [SelectChoice(q.value, label) for q, label in rules.QUALIFICATION_LABELS.items()]


def _place_field(label: str) -> StringField:
    return StringField(
        label,
        description="Exemple : Toulon, 83000 ou le code INSEE 83137",
        filters=[trim],
        validators=[DataRequired("Indiquez la commune."), max_length(120)],
    )


class _PlaceMixin:
    commune: Commune | None = None

    def validate_lieu(self, field):
        resolution = resolve_place(field.data or "")
        if resolution.commune is None:
            raise ValidationError(resolution.message or "Commune introuvable.")
        self.commune = resolution.commune


class NeedForm(_PlaceMixin, FrenchForm):
    structure = FrenchSelect("Structure qui recrute", validate_choice=False)
    metier = FrenchSelect(
        "Métier",
        description="Codes ROME 4.0 ; le code ROME v3 K1303 « Assistance auprès d’enfants » "
        "correspond aux métiers K1303, K1307, K1308, K1309 et K1310.",
        choices=_job_choices(),
        validators=[DataRequired("Choisissez le métier.")],
    )
    contrats = CheckboxesField(
        "Types de contrat acceptés",
        description=rules.REGULATION["contracts"],
        choices=_contract_choices(),
        validators=[DataRequired("Cochez au moins un type de contrat.")],
    )
    heures = WholeNumberText(
        "Heures par semaine",
        message=f"Indiquez un nombre d’heures entre 1 et {MAX_HOURS}.",
        low=1,
        high=MAX_HOURS,
        required=True,
    )
    jours = DaysField("Jours travaillés")
    de = TimeField("De")
    a = TimeField("À")
    debut = DateText("Date de début souhaitée (facultatif)")
    postes = WholeNumberText(
        "Nombre de postes",
        message="Indiquez un nombre de postes entre 1 et 50.",
        low=1,
        high=50,
        required=True,
    )
    tutorat = BooleanField("Nous assurons un tutorat", default=True)
    qualification = FrenchSelect(
        "Qualification demandée",
        description=rules.REGULATION["alongside"],
        choices=_qualification_choices(),
        validators=[DataRequired("Choisissez la qualification demandée.")],
    )
    en_formation = BooleanField("En cours de formation accepté", default=True)
    immersions = WholeNumberText(
        "Immersions PMSMP accueillies (nombre de personnes, facultatif)",
        description=rules.REGULATION["immersion"],
        message="Indiquez un nombre entre 0 et 20.",
        low=0,
        high=20,
    )
    periode_immersion = StringField(
        "Période des immersions (facultatif)",
        description="Par exemple : de janvier à mars, hors vacances scolaires.",
        filters=[trim],
        validators=[Optional(), max_length(200)],
    )
    lieu = _place_field("Commune du lieu de travail")
    courriel = StringField(
        "Adresse où recevoir les propositions",
        description="Par défaut, celle de votre compte.",
        filters=[trim],
        validators=[Optional(), Email(EMAIL_MESSAGE), max_length(254)],
    )
    description = text_area(
        "Précisions (facultatif)",
        limit=DESCRIPTION_MAX,
        description="L’équipe, le projet d’accueil, l’accès en transports…",
    )

    def __init__(self, structures, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure.choices = [SelectChoice(str(s.id), s.name) for s in structures]
        self.structures = {str(s.id): s for s in structures}
        self.slots: list[hours.Slot] = []

    def validate_structure(self, field):
        if len(self.structures) == 1 and not field.data:
            field.data = next(iter(self.structures))
        if field.data not in self.structures:
            raise ValidationError("Choisissez une structure que vous gérez.")

    def validate_a(self, field):
        days, start, end = self.jours.data or [], self.de.time_value, field.time_value
        if not days and start is None and end is None:
            return
        if not days:
            raise ValidationError("Cochez les jours travaillés, ou laissez les horaires vides.")
        if start is None or end is None:
            raise ValidationError("Indiquez l’heure de début et l’heure de fin.")
        try:
            self.slots = [hours.Slot(DAY_CODES.index(d), start, end) for d in days]
        except ValueError as error:
            raise ValidationError(str(error)) from None

    @property
    def chosen_structure(self):
        return self.structures.get(self.structure.data or "")

    def to_input(self) -> NeedInput:
        assert self.commune is not None and self.heures.number and self.postes.number
        return NeedInput(
            rome_code=self.metier.data,
            description=self.description.data or "",
            contract_kinds=tuple(self.contrats.data),
            hours_per_week=self.heures.number,
            time_slots=hours.to_osm(self.slots),
            start_date=self.debut.date_value,
            positions=self.postes.number,
            tutoring=bool(self.tutorat.data),
            qualification=self.qualification.data,
            in_training_accepted=bool(self.en_formation.data),
            immersion_places=self.immersions.number or 0,
            immersion_period=self.periode_immersion.data or "",
            contact_email=(self.courriel.data or "").lower(),
            commune=self.commune,
        )

    def fill_from(self, need) -> None:
        """Show a saved need in the form (editing)."""
        self.structure.data = str(need.structure_id)
        self.metier.data = need.rome_code
        self.contrats.data = list(need.contract_kinds)
        self.heures.data = str(need.hours_per_week)
        slots = hours.from_osm(need.time_slots) if need.time_slots else []
        self.jours.data = [DAY_CODES[s.weekday] for s in slots]
        if slots:
            self.de.data = hours.format_time_fr(slots[0].opens).replace(" ", "")
            self.a.data = hours.format_time_fr(slots[0].closes, closing=True).replace(" ", "")
        self.debut.data = need.start_date.isoformat() if need.start_date else ""
        self.postes.data = str(need.positions)
        self.tutorat.data = need.tutoring
        self.qualification.data = need.qualification
        self.en_formation.data = need.in_training_accepted
        self.immersions.data = str(need.immersion_places or "")
        self.periode_immersion.data = need.immersion_period
        self.lieu.data = f"{need.commune_name} ({need.code_insee})"
        self.lieu.data = need.code_insee
        self.courriel.data = need.contact_email
        self.description.data = need.description


class CapacityForm(_PlaceMixin, FrenchForm):
    structure = FrenchSelect("Votre structure", validate_choice=False)
    personnes = WholeNumberText(
        "Nombre de personnes disponibles",
        message="Indiquez un nombre de personnes entre 1 et 200.",
        low=1,
        high=200,
        required=True,
    )
    qualification = FrenchSelect(
        "Niveau de qualification",
        choices=_qualification_choices(),
        validators=[DataRequired("Choisissez le niveau de qualification.")],
    )
    metiers = CheckboxesField(
        "Métiers visés (facultatif : tous sinon)", choices=_job_choices(empty=None)
    )
    contrats = CheckboxesField(
        "Contrats possibles",
        description=rules.REGULATION["contracts"],
        choices=_contract_choices(),
        validators=[DataRequired("Cochez au moins un type de contrat.")],
    )
    heures = WholeNumberText(
        "Heures par semaine au plus (facultatif)",
        message=f"Indiquez un nombre d’heures entre 1 et {MAX_HOURS}.",
        low=1,
        high=MAX_HOURS,
    )
    disponible_du = DateText("Disponibles à partir du", required="Indiquez une date.")
    disponible_au = DateText("Jusqu’au (facultatif)")
    lieu = _place_field("Commune de votre structure")
    rayon = FrenchSelect(
        "Zone couverte",
        choices=[SelectChoice(str(r), f"{r} km autour") for r in RADII],
        default="20",
    )
    note = text_area(
        "Précisions (facultatif)",
        limit=500,
        description="Sans donnée personnelle : ni nom, ni âge, ni situation des personnes.",
    )

    def __init__(self, structures, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure.choices = [SelectChoice(str(s.id), s.name) for s in structures]
        self.structures = {str(s.id): s for s in structures}

    def validate_structure(self, field):
        if len(self.structures) == 1 and not field.data:
            field.data = next(iter(self.structures))
        if field.data not in self.structures:
            raise ValidationError("Choisissez votre structure.")

    def validate_disponible_au(self, field):
        start, end = self.disponible_du.date_value, field.date_value
        if start and end and end < start:
            raise ValidationError("La fin de disponibilité suit son début.")

    @property
    def chosen_structure(self):
        return self.structures.get(self.structure.data or "")

    def to_input(self) -> CapacityInput:
        assert self.commune is not None and self.personnes.number
        assert self.disponible_du.date_value is not None
        return CapacityInput(
            people_count=self.personnes.number,
            qualification=self.qualification.data,
            rome_codes=tuple(self.metiers.data or ()),
            contract_kinds=tuple(self.contrats.data),
            hours_per_week=self.heures.number,
            available_from=self.disponible_du.date_value,
            available_until=self.disponible_au.date_value,
            radius_km=int(self.rayon.data) if self.rayon.data in {str(r) for r in RADII} else 20,
            note=self.note.data or "",
            commune=self.commune,
        )


class PersonForm(FrenchSubForm):
    qualification = FrenchSelect(
        "Qualification",
        choices=[SelectChoice("", "Personne non proposée"), *_qualification_choices(empty=False)],
    )
    disponible = DateText("Disponible à partir du")
    experience = StringField(
        "Expérience, en une phrase",
        filters=[trim],
        validators=[Optional(), max_length(EXPERIENCE_MAX)],
    )

    @property
    def filled(self) -> bool:
        return bool(self.qualification.data)


class ProposalForm(FrenchForm):
    structure = FrenchSelect("Vous proposez au nom de", validate_choice=False)
    contrat = FrenchSelect("Contrat proposé", validate_choice=False)
    personnes = FieldList(FormField(PersonForm), min_entries=3, max_entries=MAX_PEOPLE)
    message = text_area(
        "Message à la crèche (facultatif)",
        limit=1000,
        description="Comment vous accompagnez la prise de poste ; jamais de donnée personnelle.",
    )
    cle = HiddenField()

    def __init__(self, need, structures, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contrat.choices = [SelectChoice("", "Choisissez")] + [
            SelectChoice(k, rules.CONTRACT_LABELS[ContractKind(k)]) for k in need.contract_kinds
        ]
        self.structure.choices = [SelectChoice(str(s.id), s.name) for s in structures]
        self.structures = {str(s.id): s for s in structures}
        self.people: list[Person] = []

    def validate_structure(self, field):
        if not self.structures:
            field.data = ""
            return
        if len(self.structures) == 1 and not field.data:
            field.data = next(iter(self.structures))
        if field.data not in self.structures:
            raise ValidationError("Choisissez votre structure.")

    def validate_contrat(self, field):
        if field.data not in {c.value for c in self.contrat.choices if c.value}:
            raise ValidationError("Choisissez un contrat accepté par la crèche.")

    def validate_cle(self, field):
        data = field.data or ""
        if not (8 <= len(data) <= 64 and data.isascii() and data.isalnum()):
            raise ValidationError("Le formulaire est incomplet : rechargez la page.")

    def validate_personnes(self, field):
        people = [entry.form for entry in field.entries if entry.form.filled]
        if not people:
            raise ValidationError("Décrivez au moins une personne (sa qualification).")
        self.people = [
            Person(p.qualification.data, p.disponible.date_value, p.experience.data or "")
            for p in people
        ]

    @property
    def chosen_structure(self):
        return self.structures.get(self.structure.data or "")

    def to_input(self) -> ProposalInput:
        return ProposalInput(
            contract_kind=self.contrat.data,
            people=tuple(self.people),
            message=self.message.data or "",
            idempotency_key=self.cle.data,
        )


ANSWER_LABELS = {
    ProposalStatus.INTERESTED: "Intéressée : nous voulons en savoir plus",
    ProposalStatus.MEETING: "Proposer une rencontre",
    ProposalStatus.DECLINED: "Décliner",
}


class AnswerForm(FrenchForm):
    reponse = FrenchRadio("Votre réponse", validators=[DataRequired("Choisissez votre réponse.")])
    date_rencontre = DateText("Date de rencontre proposée")
    motif = FrenchSelect(
        "Raison",
        choices=[SelectChoice("", "Choisissez")]
        + [SelectChoice(k, v) for k, v in rules.DECLINE_REASONS.items()],
        validate_choice=False,
    )
    note = text_area("Message (facultatif)", limit=1000)
    version = VersionField()

    def __init__(self, status: ProposalStatus, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reponse.choices = [
            SelectChoice(s.value, ANSWER_LABELS[s]) for s in rules.answers_for(status)
        ]

    def validate_date_rencontre(self, field):
        if self.reponse.data == ProposalStatus.MEETING.value and field.date_value is None:
            raise ValidationError("Indiquez la date de rencontre proposée.")

    def validate_motif(self, field):
        if self.reponse.data == ProposalStatus.DECLINED.value:
            if field.data not in rules.DECLINE_REASONS:
                raise ValidationError("Choisissez la raison.")
        elif field.data and field.data not in rules.DECLINE_REASONS:
            raise ValidationError("Choisissez une raison dans la liste.")

    def to_answer(self) -> Answer:
        status = ProposalStatus(self.reponse.data)
        return Answer(
            status=status,
            version=self.version.number,
            note=self.note.data or "",
            decline_reason=self.motif.data if status == ProposalStatus.DECLINED else "",
            meeting_on=self.date_rencontre.date_value if status == ProposalStatus.MEETING else None,
        )


class OutcomeForm(FrenchForm):
    issue = FrenchRadio(
        "Issue de la mise en relation",
        choices=[SelectChoice(o.value, label) for o, label in rules.OUTCOME_LABELS.items()],
        validators=[DataRequired("Choisissez l’issue.")],
    )
    version = VersionField()


class CloseNeedForm(FrenchForm):
    raison = FrenchRadio(
        "Pourquoi fermer ce besoin ?",
        choices=[
            SelectChoice(NeedClosure.FILLED.value, "Le poste est pourvu"),
            SelectChoice(NeedClosure.CANCELLED.value, "Nous n’avons plus ce besoin"),
        ],
        validators=[DataRequired("Choisissez la raison.")],
    )


class ConfirmForm(FrenchForm):
    """A one-button form (CSRF only): « toujours d'actualité », close a capacity, a new link."""


def today_iso(day: date) -> str:
    return day.isoformat()


__all__ = ["Outcome", "Qualification"]
