"""Structures (operators) and their offers: childcare places and training courses."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow


class StructureKind(enum.StrEnum):
    COMMUNE = "commune"
    INTERCOMMUNALITE = "intercommunalite"
    ASSOCIATION = "association"
    ENTREPRISE = "entreprise"
    CAF = "caf"
    PARTICULIER = "particulier"
    ORGANISME_FORMATION = "organisme_formation"
    ETABLISSEMENT_ENSEIGNEMENT = "etablissement_enseignement"
    # Insertion by economic activity (IAE) and GEIQ: the job exchange's « employeurs inclusifs ».
    SIAE_AI = "siae_ai"
    SIAE_ACI = "siae_aci"
    SIAE_EI = "siae_ei"
    SIAE_ETTI = "siae_etti"
    GEIQ = "geiq"


STRUCTURE_KIND_LABELS = {
    StructureKind.COMMUNE: "Commune",
    StructureKind.INTERCOMMUNALITE: "Intercommunalité",
    StructureKind.ASSOCIATION: "Association",
    StructureKind.ENTREPRISE: "Entreprise",
    StructureKind.CAF: "Caf",
    StructureKind.PARTICULIER: "Particulier (assistant·e maternel·le)",
    StructureKind.ORGANISME_FORMATION: "Organisme de formation",
    StructureKind.ETABLISSEMENT_ENSEIGNEMENT: "Établissement d’enseignement",
    StructureKind.SIAE_AI: "SIAE – Association intermédiaire (AI)",
    StructureKind.SIAE_ACI: "SIAE – Atelier et chantier d’insertion (ACI)",
    StructureKind.SIAE_EI: "SIAE – Entreprise d’insertion (EI)",
    StructureKind.SIAE_ETTI: "SIAE – Entreprise de travail temporaire d’insertion (ETTI)",
    StructureKind.GEIQ: "GEIQ (groupement d’employeurs pour l’insertion et la qualification)",
}
#: The structures whose staff hold the « employeur inclusif » role (SIRET required).
INCLUSIVE_EMPLOYER_KINDS = (
    StructureKind.SIAE_AI,
    StructureKind.SIAE_ACI,
    StructureKind.SIAE_EI,
    StructureKind.SIAE_ETTI,
    StructureKind.GEIQ,
)


class OfferKind(enum.StrEnum):
    CRECHE_COLLECTIVE = "creche_collective"
    MICRO_CRECHE = "micro_creche"
    CRECHE_FAMILIALE = "creche_familiale"
    CRECHE_PARENTALE = "creche_parentale"
    HALTE_GARDERIE = "halte_garderie"
    MAM = "mam"
    ASSISTANT_MATERNEL = "assistant_maternel"
    GARDE_DOMICILE = "garde_domicile"
    ACCUEIL_EPHEMERE = "accueil_ephemere"
    RELAIS_PETITE_ENFANCE = "relais_petite_enfance"
    FORMATION = "formation"


OFFER_KIND_LABELS = {
    OfferKind.CRECHE_COLLECTIVE: "Crèche collective / multi-accueil",
    OfferKind.MICRO_CRECHE: "Micro-crèche",
    OfferKind.CRECHE_FAMILIALE: "Crèche familiale",
    OfferKind.CRECHE_PARENTALE: "Crèche parentale",
    OfferKind.HALTE_GARDERIE: "Halte-garderie",
    OfferKind.MAM: "Maison d’assistants maternels (MAM)",
    OfferKind.ASSISTANT_MATERNEL: "Assistant·e maternel·le",
    OfferKind.GARDE_DOMICILE: "Garde à domicile",
    OfferKind.ACCUEIL_EPHEMERE: "Accueil éphémère ou d’urgence",
    OfferKind.RELAIS_PETITE_ENFANCE: "Relais petite enfance (RPE)",
    OfferKind.FORMATION: "Formation petite enfance",
}

#: Kinds where a child is cared for (a relais petite enfance informs, it cares for no child).
CHILDCARE_KINDS = tuple(
    k for k in OfferKind if k not in (OfferKind.FORMATION, OfferKind.RELAIS_PETITE_ENFANCE)
)


class OfferStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


OFFER_STATUS_LABELS = {
    OfferStatus.DRAFT: "Brouillon",
    OfferStatus.PUBLISHED: "Publiée",
    OfferStatus.ARCHIVED: "Archivée",
}


class Certification(enum.StrEnum):
    CAP_AEPE = "cap_aepe"
    DEAP = "deap"
    DEEJE = "deeje"
    TP_ASSISTANT_MATERNEL = "tp_assistant_maternel"
    OTHER = "autre"


CERTIFICATION_LABELS = {
    Certification.CAP_AEPE: "CAP Accompagnant éducatif petite enfance (AEPE)",
    Certification.DEAP: "Diplôme d’État d’auxiliaire de puériculture",
    Certification.DEEJE: "Diplôme d’État d’éducateur de jeunes enfants",
    Certification.TP_ASSISTANT_MATERNEL: "Titre professionnel Assistant maternel / garde d’enfants",
    Certification.OTHER: "Autre certification",
}


class Modality(enum.StrEnum):
    PRESENTIEL = "presentiel"
    DISTANCE = "distance"
    ALTERNANCE = "alternance"


MODALITY_LABELS: dict[str, str] = {  # StrEnum keys: looked up by value too
    Modality.PRESENTIEL: "En présentiel",
    Modality.DISTANCE: "À distance",
    Modality.ALTERNANCE: "En alternance",
}


class Funding(enum.StrEnum):
    CPF = "cpf"
    FRANCE_TRAVAIL = "france_travail"
    REGION = "region"
    OPCO = "opco"


FUNDING_LABELS: dict[str, str] = {  # StrEnum keys: looked up by value too
    Funding.CPF: "Compte personnel de formation (CPF)",
    Funding.FRANCE_TRAVAIL: "France Travail (AIF, POEC)",
    Funding.REGION: "Région",
    Funding.OPCO: "OPCO / PIC IAE",
}


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        length=40,
    )


class Structure(Base):
    __tablename__ = "structures"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str | None] = mapped_column(String(14), unique=True)
    kind: Mapped[StructureKind] = mapped_column(_enum(StructureKind, "structure_kind"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(200), default="")
    # A structure declared by a new gestionnaire waits for its département's coordinator.
    approved: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    departement_code: Mapped[str | None] = mapped_column(String(3), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # Imported structures (app.api.imports): the format and the identifier in the source file,
    # the upsert key of a re-import. NULL for structures created here.
    import_source: Mapped[str | None] = mapped_column(String(60))
    import_id: Mapped[str | None] = mapped_column(String(200))

    offers: Mapped[list[Offer]] = relationship(back_populates="structure")

    __table_args__ = (
        CheckConstraint("siret IS NULL OR length(siret) = 14", name="siret_length"),
        Index("ix_structures_import_key", "import_source", "import_id", unique=True),
    )


class Offer(Base):
    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structures.id"), index=True)
    kind: Mapped[OfferKind] = mapped_column(_enum(OfferKind, "offer_kind"), index=True)
    status: Mapped[OfferStatus] = mapped_column(
        _enum(OfferStatus, "offer_status"), default=OfferStatus.DRAFT, index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    # Where
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(5), default="")
    code_insee: Mapped[str] = mapped_column(String(5), index=True)
    commune_name: Mapped[str] = mapped_column(String(100))
    departement_code: Mapped[str] = mapped_column(String(3), index=True)
    latitude: Mapped[float]
    longitude: Mapped[float]

    # Contact
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    contact_public: Mapped[bool] = mapped_column(Boolean, default=True)
    how_to_apply: Mapped[str] = mapped_column(Text, default="")
    # « Demander une place »: parents may send a request online (when the structure has an
    # email address, see app.directory.reach); a structure may turn it off.
    online_requests: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    # Children and places (ages in months; max is exclusive: 0–36 = until the third birthday)
    age_min_months: Mapped[int] = mapped_column(Integer, default=0)
    age_max_months: Mapped[int] = mapped_column(Integer, default=72)
    capacity: Mapped[int | None] = mapped_column(Integer)
    free_places: Mapped[int | None] = mapped_column(Integer)
    free_places_on: Mapped[date | None] = mapped_column(Date)

    # AVIP label
    avip: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    avip_places: Mapped[int | None] = mapped_column(Integer)
    avip_since: Mapped[date | None] = mapped_column(Date)
    # The label shows only until its review date (None: no review date set).
    avip_review_on: Mapped[date | None] = mapped_column(Date)

    cost_info: Mapped[str] = mapped_column(Text, default="")
    psu_pricing: Mapped[bool] = mapped_column(Boolean, default=False)
    disability_access: Mapped[bool] = mapped_column(Boolean, default=False)
    disability_info: Mapped[str] = mapped_column(Text, default="")

    # Ephemeral offers are visible from valid_from to valid_until (inclusive)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)

    # Provenance: fictitious demo data is always labelled as such
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(300), default="")

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # Last « please check this offer » email sent to its managers (offers not updated for 3 months).
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Imported offers (app.api.imports): the format (« data-inclusion:<source> », « lheo »,
    # « eaje ») and the identifier in the file, the upsert key of a re-import; for data·inclusion
    # records also the place (structure) identifier and the producer's link, re-exported as is.
    import_source: Mapped[str | None] = mapped_column(String(60))
    import_id: Mapped[str | None] = mapped_column(String(200))
    import_place_id: Mapped[str | None] = mapped_column(String(200))
    import_url: Mapped[str | None] = mapped_column(String(500))
    # Matching records of several sources (app.api.imports): the place's own SIRET and its
    # normalised name + address + commune; every (source, identifier) matched is an OfferSource.
    siret: Mapped[str | None] = mapped_column(String(14), index=True)
    match_key: Mapped[str | None] = mapped_column(String(200), index=True)
    # INSEE codes of the communes (or département codes) whose residents the place takes;
    # None: everyone.
    eligible_communes: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    # field → {"source": …, "date": "YYYY-MM-DD"}: the import that last wrote each field.
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    structure: Mapped[Structure] = relationship(back_populates="offers")
    sources: Mapped[list[OfferSource]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="OfferSource.id"
    )
    slots: Mapped[list[OpeningSlot]] = relationship(
        back_populates="offer",
        cascade="all, delete-orphan",
        order_by="(OpeningSlot.weekday, OpeningSlot.opens, OpeningSlot.id)",
    )
    closures: Mapped[list[Closure]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="Closure.start"
    )
    training: Mapped[Training | None] = relationship(
        back_populates="offer", cascade="all, delete-orphan", uselist=False
    )

    __table_args__ = (
        CheckConstraint("age_min_months >= 0 AND age_max_months > age_min_months", name="ages"),
        CheckConstraint("free_places IS NULL OR free_places >= 0", name="free_places"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity"),
        CheckConstraint(
            "valid_from IS NULL OR valid_until IS NULL OR valid_until >= valid_from",
            name="validity",
        ),
        Index("ix_offers_import_key", "import_source", "import_id", unique=True),
    )

    @property
    def kind_label(self) -> str:
        return OFFER_KIND_LABELS[self.kind]

    @property
    def is_training(self) -> bool:
        return self.kind is OfferKind.FORMATION

    @property
    def is_ephemeral(self) -> bool:
        return self.valid_until is not None or self.kind is OfferKind.ACCUEIL_EPHEMERE


class OfferSource(Base):
    """One record of one source (file format or producer) matched to an offer."""

    __tablename__ = "offer_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(60))
    source_id: Mapped[str] = mapped_column(String(200))
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    offer: Mapped[Offer] = relationship(back_populates="sources")

    __table_args__ = (Index("ix_offer_sources_key", "source", "source_id", unique=True),)


class OpeningSlot(Base):
    """A weekly opening slot; closes <= opens means it ends the next day (night care)."""

    __tablename__ = "opening_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)

    offer: Mapped[Offer] = relationship(back_populates="slots")

    __table_args__ = (CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),)


class Closure(Base):
    __tablename__ = "closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")

    offer: Mapped[Offer] = relationship(back_populates="closures")

    __table_args__ = (CheckConstraint('"end" >= start', name="dates"),)


class Training(Base):
    """Details of a training course (an offer of kind « formation »)."""

    __tablename__ = "trainings"

    offer_id: Mapped[int] = mapped_column(
        ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True
    )
    certification: Mapped[Certification] = mapped_column(_enum(Certification, "certification"))
    certification_name: Mapped[str] = mapped_column(String(200), default="")
    rncp_code: Mapped[str] = mapped_column(String(20), default="")
    level: Mapped[int | None] = mapped_column(Integer)
    hours: Mapped[int | None] = mapped_column(Integer)
    modality: Mapped[Modality] = mapped_column(_enum(Modality, "modality"))
    funding: Mapped[list[str]] = mapped_column(JSON, default=list)
    vae_possible: Mapped[bool] = mapped_column(Boolean, default=False)
    open_to_iae: Mapped[bool] = mapped_column(Boolean, default=False)
    organisation_uai: Mapped[str] = mapped_column(String(8), default="")

    offer: Mapped[Offer] = relationship(back_populates="training")
    sessions: Mapped[list[TrainingSession]] = relationship(
        back_populates="training", cascade="all, delete-orphan", order_by="TrainingSession.start"
    )

    @property
    def certification_label(self) -> str:
        return self.certification_name or CERTIFICATION_LABELS[self.certification]


class TrainingSession(Base):
    __tablename__ = "training_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(
        ForeignKey("trainings.offer_id", ondelete="CASCADE"), index=True
    )
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    places: Mapped[int | None] = mapped_column(Integer)
    application_deadline: Mapped[date | None] = mapped_column(Date)

    training: Mapped[Training] = relationship(back_populates="sessions")


class OfferChange(Base):
    """One line of an offer's history: who, when, what changed (see :mod:`.history`)."""

    __tablename__ = "offer_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # created, updated, hours, places, published, unpublished, archived, avip_granted, …
    action: Mapped[str] = mapped_column(String(40))
    # field → [before, after], as JSON-friendly strings
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
