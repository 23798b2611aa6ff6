"""several sources per offer, eligibility zone and provenance of imported fields

Revision ID: 0013
Revises: 0012 (written on 0006)
Create Date: 2026-12-05

``offer_sources``: every (source, identifier) an import matched to an offer, so that two files
describing the same place update one offer. Offers get ``siret`` (the place's own SIRET, a
matching key), ``match_key`` (normalised name + address + commune), ``eligible_communes`` (the
INSEE codes of the communes whose residents the place takes; NULL: everyone) and
``provenance`` (field → source and date of the import that last wrote it). Additive.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0009"  # was "0006"; re-chained after 0009 when main was merged
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("siret", sa.String(length=14), nullable=True))
        batch_op.add_column(sa.Column("match_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("eligible_communes", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("provenance", sa.JSON(), nullable=True))
        batch_op.create_index("ix_offers_siret", ["siret"], unique=False)
        batch_op.create_index("ix_offers_match_key", ["match_key"], unique=False)
    op.create_table(
        "offer_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offers.id"],
            name=op.f("fk_offer_sources_offer_id_offers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_sources")),
    )
    with op.batch_alter_table("offer_sources", schema=None) as batch_op:
        batch_op.create_index("ix_offer_sources_offer_id", ["offer_id"], unique=False)
        batch_op.create_index("ix_offer_sources_key", ["source", "source_id"], unique=True)


def downgrade() -> None:
    op.drop_table("offer_sources")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index("ix_offers_match_key")
        batch_op.drop_index("ix_offers_siret")
        batch_op.drop_column("provenance")
        batch_op.drop_column("eligible_communes")
        batch_op.drop_column("match_key")
        batch_op.drop_column("siret")
