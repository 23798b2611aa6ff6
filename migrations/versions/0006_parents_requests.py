"""parents' requests for a place (« Demander une place ») and the offer's setting

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

A parent's request is a referral without a prescripteur (``origin = 'parent'``, no reason):
same states, signed links, reminders, expiry and purge. Offers get ``online_requests`` (on by
default). Additive, except ``referrals.reason`` which becomes nullable (back down: parents'
requests are deleted first, they have no reason).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_ORIGIN = sa.Enum("prescripteur", "parent", name="referral_origin", native_enum=False, length=40)
_REASON = sa.Enum(
    "emploi",
    "formation",
    "entretien",
    "recherche-emploi",
    name="referral_reason",
    native_enum=False,
    length=40,
)


def upgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("online_requests", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("origin", _ORIGIN, server_default="prescripteur", nullable=False)
        )
        batch_op.alter_column("reason", existing_type=_REASON, nullable=True)
        batch_op.create_index(
            "ux_referrals_parent_key",
            ["idempotency_key"],
            unique=True,
            sqlite_where=sa.text("origin = 'parent'"),
            postgresql_where=sa.text("origin = 'parent'"),
        )


def downgrade() -> None:
    op.execute("DELETE FROM referrals WHERE origin = 'parent'")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index("ux_referrals_parent_key")
        batch_op.alter_column("reason", existing_type=_REASON, nullable=False)
        batch_op.drop_column("origin")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_column("online_requests")
