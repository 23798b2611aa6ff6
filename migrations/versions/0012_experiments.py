"""AGE experiments: scenarios, their territories and dated parameters, population groups

Revision ID: 0012
Revises: 0008 (written on 0006)
Create Date: 2026-12-05

Additive: four new tables, nothing else changes (back down drops them).
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0008"  # was "0006"; re-chained after 0008 when main was merged
branch_labels = None
depends_on = None

_STATUS = sa.Enum(
    "draft", "in_force", "ended", name="scenario_status", native_enum=False, length=40
)


def upgrade() -> None:
    op.create_table(
        "experiment_scenarios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("status", _STATUS, nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("in_force_at", sa.DateTime(), nullable=True),
        sa.Column("in_force_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["in_force_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("experiment_scenarios", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_experiment_scenarios_status"), ["status"], unique=False
        )
    op.create_table(
        "experiment_territories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("departement_code", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(["scenario_id"], ["experiment_scenarios.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scenario_id", "departement_code"),
    )
    with op.batch_alter_table("experiment_territories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_experiment_territories_departement_code"),
            ["departement_code"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_experiment_territories_scenario_id"), ["scenario_id"], unique=False
        )
    op.create_table(
        "experiment_parameters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["scenario_id"], ["experiment_scenarios.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scenario_id", "name"),
    )
    with op.batch_alter_table("experiment_parameters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_experiment_parameters_scenario_id"), ["scenario_id"], unique=False
        )
    op.create_table(
        "experiment_population_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("departement_code", sa.String(length=3), nullable=False),
        sa.Column("categorie", sa.String(length=8), nullable=False),
        sa.Column("indemnisation", sa.String(length=8), nullable=False),
        sa.Column("age_benjamin", sa.String(length=8), nullable=False),
        sa.Column("enfants", sa.String(length=4), nullable=False),
        sa.Column("parent_isole", sa.Boolean(), nullable=False),
        sa.Column("effectif", sa.Float(), nullable=False),
        sa.Column("taux_cdi", sa.Float(), nullable=False),
        sa.Column("taux_cdd", sa.Float(), nullable=False),
        sa.Column("taux_formation", sa.Float(), nullable=False),
        sa.Column("part_temps_plein", sa.Float(), nullable=False),
        sa.Column("taux_recours", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("experiment_population_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_experiment_population_groups_departement_code"),
            ["departement_code"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("experiment_population_groups")
    op.drop_table("experiment_parameters")
    op.drop_table("experiment_territories")
    op.drop_table("experiment_scenarios")
