"""Approvals: a team's `approval_required` (in its cool-off settings) and the approvals a rep
asks of a manager for a reply beyond their authority (approvals).

Revision ID: 0017_approvals
Revises: 0016_storms
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_approvals"
down_revision: str | None = "0016_storms"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MENTION_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("team_cool_off") as batch:
        batch.add_column(
            sa.Column("approval_required", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mention_id", _MENTION_ID, nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "approved",
                "denied",
                "withdrawn",
                name="approval_state",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("approved_body", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_to_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["mention_id"], ["mentions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["escalated_to_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_approvals_mention_id", "approvals", ["mention_id"])
    op.create_index("ix_approvals_state_created_at", "approvals", ["state", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_approvals_state_created_at", table_name="approvals")
    op.drop_index("ix_approvals_mention_id", table_name="approvals")
    op.drop_table("approvals")
    with op.batch_alter_table("team_cool_off") as batch:
        batch.drop_column("approval_required")
