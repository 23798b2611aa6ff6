"""partners' requests for a widget token (« Demander un jeton » on /integrer)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

Additive only: one new table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_STATUS = sa.Enum(
    "pending",
    "approved",
    "declined",
    name="partner_request_status",
    native_enum=False,
    length=40,
)


def upgrade() -> None:
    op.create_table(
        "partner_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=False),
        sa.Column("origins", sa.JSON(), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("intended_use", sa.String(length=2000), nullable=False),
        sa.Column("status", _STATUS, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decline_reason", sa.String(length=1000), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_partner_requests_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["partner_tokens.id"],
            name=op.f("fk_partner_requests_token_id_partner_tokens"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_requests")),
    )
    with op.batch_alter_table("partner_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_requests_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("partner_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_requests_status"))
    op.drop_table("partner_requests")
