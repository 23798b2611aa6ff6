"""territories: unmet-need counters, imported coverage rates, outcome asks and counts

Revision ID: 0009
Revises: 0012 (was 0006)
Create Date: 2026-12-05

Four new tables, nothing personal in any of them (issue 17). Additive: down drops them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0012"  # was "0006"; re-chained after 0012 when main was merged
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unmet_needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("code_insee", sa.String(length=5), nullable=False),
        sa.Column("departement_code", sa.String(length=3), nullable=False),
        sa.Column("hours_band", sa.String(length=20), nullable=False),
        sa.Column("age_band", sa.String(length=20), nullable=False),
        sa.Column("avip", sa.Boolean(), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.Column("unmet", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unmet_needs")),
        sa.UniqueConstraint(
            "month",
            "code_insee",
            "hours_band",
            "age_band",
            "avip",
            name=op.f("uq_unmet_needs_month"),
        ),
    )
    with op.batch_alter_table("unmet_needs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unmet_needs_departement_code"), ["departement_code"], unique=False
        )
    op.create_table(
        "coverage_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=9), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("departement_code", sa.String(length=3), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("rate", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage_rates")),
        sa.UniqueConstraint("level", "code", name=op.f("uq_coverage_rates_level")),
    )
    with op.batch_alter_table("coverage_rates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coverage_rates_departement_code"), ["departement_code"], unique=False
        )
    op.create_table(
        "outcome_asks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_outcome_asks_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_asks")),
        sa.UniqueConstraint("referral_id", "months", name=op.f("uq_outcome_asks_referral_id")),
    )
    with op.batch_alter_table("outcome_asks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_asks_referral_id"), ["referral_id"], unique=False
        )
    op.create_table(
        "outcome_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("departement_code", sa.String(length=3), nullable=False),
        sa.Column("offer_kind", sa.String(length=40), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_counts")),
        sa.UniqueConstraint(
            "departement_code",
            "offer_kind",
            "months",
            "outcome",
            name=op.f("uq_outcome_counts_departement_code"),
        ),
    )
    with op.batch_alter_table("outcome_counts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_counts_departement_code"), ["departement_code"], unique=False
        )


def downgrade() -> None:
    op.drop_table("outcome_counts")
    op.drop_table("outcome_asks")
    op.drop_table("coverage_rates")
    op.drop_table("unmet_needs")
