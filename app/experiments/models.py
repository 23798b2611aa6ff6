"""AGE experiments: a scenario (territories, period, state), its dated parameters (stored beside
the national files, never changing them) and the population groups imported per territory."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow
from app.directory.models import _enum


class ScenarioStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_FORCE = "in_force"
    ENDED = "ended"


STATUS_LABELS = {
    ScenarioStatus.DRAFT: "Brouillon",
    ScenarioStatus.IN_FORCE: "En vigueur",
    ScenarioStatus.ENDED: "Terminé",
}


class Scenario(Base):
    __tablename__ = "experiment_scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[ScenarioStatus] = mapped_column(
        _enum(ScenarioStatus, "scenario_status"), default=ScenarioStatus.DRAFT, index=True
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)  # last day included
    ended_on: Mapped[date | None] = mapped_column(Date)  # ended early: last day included
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    in_force_at: Mapped[datetime | None] = mapped_column(DateTime)
    in_force_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    territories: Mapped[list[ScenarioTerritory]] = relationship(
        back_populates="scenario",
        cascade="all, delete-orphan",
        order_by="ScenarioTerritory.departement_code",
    )
    parameters: Mapped[list[ScenarioParameter]] = relationship(
        back_populates="scenario", cascade="all, delete-orphan", order_by="ScenarioParameter.id"
    )

    @property
    def codes(self) -> list[str]:
        return [t.departement_code for t in self.territories]

    @property
    def last_day(self) -> date:
        """The last day the rules apply (the end, or the day it was ended early)."""
        return min(self.ends_on, self.ended_on) if self.ended_on else self.ends_on

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


class ScenarioTerritory(Base):
    __tablename__ = "experiment_territories"
    __table_args__ = (UniqueConstraint("scenario_id", "departement_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("experiment_scenarios.id", ondelete="CASCADE"), index=True
    )
    departement_code: Mapped[str] = mapped_column(String(3), index=True)

    scenario: Mapped[Scenario] = relationship(back_populates="territories")


class ScenarioParameter(Base):
    """One dated value of a national parameter (``age.age_enfant_maximum``…), in force in the
    scenario's territories from ``starts_on`` to ``ends_on`` (exclusive). ``value`` is JSON."""

    __tablename__ = "experiment_parameters"
    __table_args__ = (UniqueConstraint("scenario_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("experiment_scenarios.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    value: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))

    scenario: Mapped[Scenario] = relationship(back_populates="parameters")


class PopulationGroup(Base):
    """A group of the cost model for one département (``flask import population-age``)."""

    __tablename__ = "experiment_population_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    departement_code: Mapped[str] = mapped_column(String(3), index=True)
    categorie: Mapped[str] = mapped_column(String(8))
    indemnisation: Mapped[str] = mapped_column(String(8))
    age_benjamin: Mapped[str] = mapped_column(String(8))
    enfants: Mapped[str] = mapped_column(String(4))
    parent_isole: Mapped[bool] = mapped_column(Boolean)
    effectif: Mapped[float] = mapped_column(Float)
    taux_cdi: Mapped[float] = mapped_column(Float)
    taux_cdd: Mapped[float] = mapped_column(Float)
    taux_formation: Mapped[float] = mapped_column(Float)
    part_temps_plein: Mapped[float] = mapped_column(Float)
    taux_recours: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300))
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
