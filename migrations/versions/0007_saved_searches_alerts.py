"""saved searches and their alerts; the change log's readers' cursors

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

Additive only: four new tables (saved searches, the offers waiting for a digest, the offers'
state at the last matching run, and the cursors of the change log's readers).
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_change_cursors",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("last_change", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_search_change_cursors")),
    )
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("link_key", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("query", sa.String(length=1000), nullable=False),
        sa.Column("place_label", sa.String(length=120), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("radius_km", sa.Float(), nullable=False),
        sa.Column("kinds_mask", sa.Integer(), nullable=False),
        sa.Column("flag_bits", sa.Integer(), nullable=False),
        sa.Column("avip", sa.Boolean(), nullable=False),
        sa.Column("age_months", sa.Integer(), nullable=True),
        *(sa.Column(f"h{day}", sa.BigInteger(), nullable=False) for day in range(7)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("last_sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["users.id"],
            name=op.f("fk_saved_searches_account_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_searches")),
    )
    with op.batch_alter_table("saved_searches", schema=None) as batch_op:
        for column in ("account_id", "email", "confirmed_at", "expires_at"):
            batch_op.create_index(batch_op.f(f"ix_saved_searches_{column}"), [column])
    op.create_table(
        "alert_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("saved_search_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["saved_search_id"],
            ["saved_searches.id"],
            name=op.f("fk_alert_matches_saved_search_id_saved_searches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_matches")),
        sa.UniqueConstraint(
            "saved_search_id", "offer_id", name=op.f("uq_alert_matches_saved_search_id")
        ),
    )
    with op.batch_alter_table("alert_matches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_matches_saved_search_id"), ["saved_search_id"])
    op.create_table(
        "alert_offer_states",
        sa.Column("offer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("visible", sa.Boolean(), nullable=False),
        sa.Column("has_places", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("offer_id", name=op.f("pk_alert_offer_states")),
    )


def downgrade() -> None:
    op.drop_table("alert_offer_states")
    with op.batch_alter_table("alert_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_matches_saved_search_id"))
    op.drop_table("alert_matches")
    with op.batch_alter_table("saved_searches", schema=None) as batch_op:
        for column in ("account_id", "email", "confirmed_at", "expires_at"):
            batch_op.drop_index(batch_op.f(f"ix_saved_searches_{column}"))
    op.drop_table("saved_searches")
    op.drop_table("search_change_cursors")
