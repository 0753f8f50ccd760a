"""Storms: spikes of volume or anger (storms), the mentions each holds (storm_mentions) and
their groups (storm_groups).

Revision ID: 0016_storms
Revises: 0015_on_call
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_storms"
down_revision: str | None = "0015_on_call"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MENTION_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "storms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("storm_kind", "volume", "anger"), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("state", _enum("storm_state", "rising", "ongoing", "over"), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("over_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rate_per_hour", sa.Float(), nullable=False),
        sa.Column("usual_per_hour", sa.Float(), nullable=False),
        sa.Column("alerted_rate", sa.Float(), nullable=False),
        sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("angry", sa.Integer(), nullable=False),
        sa.Column("phrases", sa.JSON(), nullable=False),
        sa.Column("hashtags", sa.JSON(), nullable=False),
        sa.Column("networks", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("claimed_by_id", sa.Integer(), nullable=True),
        sa.Column("claimed_team", sa.String(length=120), nullable=True),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["claimed_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_storms_state_started_at", "storms", ["state", "started_at"])
    op.create_table(
        "storm_groups",
        sa.Column("storm_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=True),
        sa.Column("sample_mention_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["storm_id"], ["storms.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("storm_id", "group_id"),
    )
    op.create_table(
        "storm_mentions",
        sa.Column("storm_id", sa.Integer(), nullable=False),
        sa.Column("mention_id", _MENTION_ID, autoincrement=False, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["storm_id"], ["storms.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["mention_id"], ["mentions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("storm_id", "mention_id"),
    )
    op.create_index("ix_storm_mentions_mention_id", "storm_mentions", ["mention_id"])


def downgrade() -> None:
    op.drop_index("ix_storm_mentions_mention_id", table_name="storm_mentions")
    op.drop_table("storm_mentions")
    op.drop_table("storm_groups")
    op.drop_index("ix_storms_state_started_at", table_name="storms")
    op.drop_table("storms")
