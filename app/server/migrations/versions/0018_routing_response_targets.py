"""Routing and response-time targets: each team's routing (team_routing) and first-response
targets (team_response_targets); a mention's team, why it came to its owner, its due time,
when it was missed and when it was first answered.

Revision ID: 0018_routing_targets
Revises: 0017_approvals
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_routing_targets"
down_revision: str | None = "0017_approvals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "team_routing",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum(
                "manual",
                "round_robin",
                "balanced",
                name="routing_mode",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("networks", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("priorities", sa.JSON(), nullable=False),
        sa.Column("last_user_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["last_user_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("team_id"),
    )
    op.create_table(
        "team_response_targets",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("first_response_minutes", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("team_id"),
    )
    with op.batch_alter_table("mentions") as batch:
        batch.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("routed_reason", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("sla_due_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("sla_breached_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            "fk_mentions_team_id_teams", "teams", ["team_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_mentions_team_waiting", ["team_id", "assignee_id", "status"])
        batch.create_index("ix_mentions_sla_due_at", ["sla_due_at"])


def downgrade() -> None:
    with op.batch_alter_table("mentions") as batch:
        batch.drop_index("ix_mentions_sla_due_at")
        batch.drop_index("ix_mentions_team_waiting")
        batch.drop_constraint("fk_mentions_team_id_teams", type_="foreignkey")
        batch.drop_column("first_response_at")
        batch.drop_column("sla_breached_at")
        batch.drop_column("sla_due_at")
        batch.drop_column("routed_reason")
        batch.drop_column("team_id")
    op.drop_table("team_response_targets")
    op.drop_table("team_routing")
