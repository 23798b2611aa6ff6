"""import keys on structures and offers (open data imports), partner tokens (widget)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

Additive only: new nullable columns, their unique indexes, one new table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("structures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_source", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("import_id", sa.String(length=200), nullable=True))
        batch_op.create_index(
            "ix_structures_import_key", ["import_source", "import_id"], unique=True
        )

    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_source", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("import_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("import_place_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("import_url", sa.String(length=500), nullable=True))
        batch_op.create_index("ix_offers_import_key", ["import_source", "import_id"], unique=True)

    op.create_table(
        "partner_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("allowed_origins", sa.JSON(), nullable=False),
        sa.Column("presets", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_partner_tokens_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_tokens")),
        sa.UniqueConstraint("token", name=op.f("uq_partner_tokens_token")),
    )


def downgrade() -> None:
    op.drop_table("partner_tokens")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index("ix_offers_import_key")
        batch_op.drop_column("import_url")
        batch_op.drop_column("import_place_id")
        batch_op.drop_column("import_id")
        batch_op.drop_column("import_source")

    with op.batch_alter_table("structures", schema=None) as batch_op:
        batch_op.drop_index("ix_structures_import_key")
        batch_op.drop_column("import_id")
        batch_op.drop_column("import_source")
