"""the job exchange: job needs, SIAE/GEIQ capacities, proposals and their timeline, BMO

Revision ID: 0010
Revises: 0013
Create Date: 2026-12-05

Additive: five new tables. The new structure kinds (SIAE AI/ACI/EI/ETTI, GEIQ) and the
« employeur inclusif » role are values of existing non-native enums (strings): no change.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0013"  # was "0006"; re-chained after 0013 (main's head) when main was merged
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bmo_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("departement_code", sa.String(length=3), nullable=False),
        sa.Column("bassin_code", sa.String(length=10), nullable=False),
        sa.Column("bassin_name", sa.String(length=200), nullable=False),
        sa.Column("job_code", sa.String(length=10), nullable=False),
        sa.Column("job_label", sa.String(length=200), nullable=False),
        sa.Column("projects", sa.Integer(), nullable=False),
        sa.Column("difficult", sa.Integer(), nullable=False),
        sa.Column("seasonal", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bmo_figures")),
        sa.UniqueConstraint("year", "bassin_code", "job_code", name=op.f("uq_bmo_figures_year")),
    )
    op.create_index(
        "ix_bmo_figures_year_departement", "bmo_figures", ["year", "departement_code"], unique=False
    )
    op.create_table(
        "job_capacities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("ouvert", "ferme", name="job_capacity_status", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("people_count", sa.Integer(), nullable=False),
        sa.Column("qualification", sa.String(length=30), nullable=False),
        sa.Column("rome_codes", sa.JSON(), nullable=False),
        sa.Column("contract_kinds", sa.JSON(), nullable=False),
        sa.Column("hours_per_week", sa.Integer(), nullable=True),
        sa.Column("available_from", sa.Date(), nullable=False),
        sa.Column("available_until", sa.Date(), nullable=True),
        sa.Column("radius_km", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("code_insee", sa.String(length=5), nullable=False),
        sa.Column("commune_name", sa.String(length=100), nullable=False),
        sa.Column("departement_code", sa.String(length=3), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=False),
        sa.Column("longitude", sa.Double(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_job_capacities_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["structure_id"],
            ["structures.id"],
            name=op.f("fk_job_capacities_structure_id_structures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_capacities")),
    )
    op.create_index(
        op.f("ix_job_capacities_departement_code"),
        "job_capacities",
        ["departement_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_job_capacities_structure_id"), "job_capacities", ["structure_id"], unique=False
    )
    op.create_table(
        "job_needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("ouvert", "ferme", name="job_need_status", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("rome_code", sa.String(length=5), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("contract_kinds", sa.JSON(), nullable=False),
        sa.Column("hours_per_week", sa.Integer(), nullable=False),
        sa.Column("time_slots", sa.String(length=300), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("positions", sa.Integer(), nullable=False),
        sa.Column("tutoring", sa.Boolean(), nullable=False),
        sa.Column("qualification", sa.String(length=30), nullable=False),
        sa.Column("in_training_accepted", sa.Boolean(), nullable=False),
        sa.Column("immersion_places", sa.Integer(), nullable=False),
        sa.Column("immersion_period", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("code_insee", sa.String(length=5), nullable=False),
        sa.Column("commune_name", sa.String(length=100), nullable=False),
        sa.Column("departement_code", sa.String(length=3), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=False),
        sa.Column("longitude", sa.Double(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closure", sa.String(length=30), nullable=False),
        sa.Column("filled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_job_needs_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offers.id"],
            name=op.f("fk_job_needs_offer_id_offers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["structure_id"], ["structures.id"], name=op.f("fk_job_needs_structure_id_structures")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_needs")),
    )
    op.create_index(
        op.f("ix_job_needs_departement_code"), "job_needs", ["departement_code"], unique=False
    )
    op.create_index(op.f("ix_job_needs_rome_code"), "job_needs", ["rome_code"], unique=False)
    op.create_index(
        "ix_job_needs_status_departement", "job_needs", ["status", "departement_code"], unique=False
    )
    op.create_index(op.f("ix_job_needs_structure_id"), "job_needs", ["structure_id"], unique=False)
    op.create_table(
        "job_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("employer_structure_id", sa.Integer(), nullable=False),
        sa.Column("proposer_structure_id", sa.Integer(), nullable=True),
        sa.Column("proposer_id", sa.Integer(), nullable=True),
        sa.Column("departement_code", sa.String(length=3), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "en-attente",
                "interesse",
                "rendez-vous",
                "declinee",
                "expiree",
                "close",
                name="job_proposal_status",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("contract_kind", sa.String(length=30), nullable=False),
        sa.Column("people", sa.JSON(), nullable=False),
        sa.Column("people_count", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("answer_note", sa.Text(), nullable=False),
        sa.Column("decline_reason", sa.String(length=30), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=True),
        sa.Column("first_answer_at", sa.DateTime(), nullable=True),
        sa.Column("last_activity_at", sa.DateTime(), nullable=False),
        sa.Column("outcome_at", sa.DateTime(), nullable=True),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["employer_structure_id"],
            ["structures.id"],
            name=op.f("fk_job_proposals_employer_structure_id_structures"),
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["job_needs.id"], name=op.f("fk_job_proposals_need_id_job_needs")
        ),
        sa.ForeignKeyConstraint(
            ["proposer_id"],
            ["users.id"],
            name=op.f("fk_job_proposals_proposer_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposer_structure_id"],
            ["structures.id"],
            name=op.f("fk_job_proposals_proposer_structure_id_structures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_proposals")),
        sa.UniqueConstraint(
            "proposer_id", "idempotency_key", name=op.f("uq_job_proposals_proposer_id")
        ),
    )
    op.create_index(
        op.f("ix_job_proposals_departement_code"),
        "job_proposals",
        ["departement_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_job_proposals_employer_structure_id"),
        "job_proposals",
        ["employer_structure_id"],
        unique=False,
    )
    op.create_index(op.f("ix_job_proposals_need_id"), "job_proposals", ["need_id"], unique=False)
    op.create_index(
        op.f("ix_job_proposals_proposer_id"), "job_proposals", ["proposer_id"], unique=False
    )
    op.create_index(
        op.f("ix_job_proposals_proposer_structure_id"),
        "job_proposals",
        ["proposer_structure_id"],
        unique=False,
    )
    op.create_index(op.f("ix_job_proposals_sent_at"), "job_proposals", ["sent_at"], unique=False)
    op.create_index(op.f("ix_job_proposals_status"), "job_proposals", ["status"], unique=False)
    op.create_table(
        "job_proposal_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column(
            "side",
            sa.Enum(
                "employeur",
                "proposant",
                "systeme",
                name="job_proposal_side",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_job_proposal_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["job_proposals.id"],
            name=op.f("fk_job_proposal_events_proposal_id_job_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_proposal_events")),
    )
    op.create_index(
        op.f("ix_job_proposal_events_proposal_id"),
        "job_proposal_events",
        ["proposal_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_job_proposal_events_proposal_id"), table_name="job_proposal_events")
    op.drop_table("job_proposal_events")
    op.drop_index(op.f("ix_job_proposals_status"), table_name="job_proposals")
    op.drop_index(op.f("ix_job_proposals_sent_at"), table_name="job_proposals")
    op.drop_index(op.f("ix_job_proposals_proposer_structure_id"), table_name="job_proposals")
    op.drop_index(op.f("ix_job_proposals_proposer_id"), table_name="job_proposals")
    op.drop_index(op.f("ix_job_proposals_need_id"), table_name="job_proposals")
    op.drop_index(op.f("ix_job_proposals_employer_structure_id"), table_name="job_proposals")
    op.drop_index(op.f("ix_job_proposals_departement_code"), table_name="job_proposals")
    op.drop_table("job_proposals")
    op.drop_index(op.f("ix_job_needs_structure_id"), table_name="job_needs")
    op.drop_index("ix_job_needs_status_departement", table_name="job_needs")
    op.drop_index(op.f("ix_job_needs_rome_code"), table_name="job_needs")
    op.drop_index(op.f("ix_job_needs_departement_code"), table_name="job_needs")
    op.drop_table("job_needs")
    op.drop_index(op.f("ix_job_capacities_structure_id"), table_name="job_capacities")
    op.drop_index(op.f("ix_job_capacities_departement_code"), table_name="job_capacities")
    op.drop_table("job_capacities")
    op.drop_index("ix_bmo_figures_year_departement", table_name="bmo_figures")
    op.drop_table("bmo_figures")
