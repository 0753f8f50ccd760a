"""Teams, rota and coverage gaps: team settings (escalation time, rota time zone), the weekly
rota, handoff escalation target, the once-per-gap state, and the six seeded teams.

Revision ID: 0006_team_duty
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0006_team_duty"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEEDED_TEAMS = (
    ("support", "Answers customers first."),
    ("billing", "Payments, invoices, refunds."),
    ("communications", "PR and press."),
    ("product", "Bugs and feature questions."),
    ("legal", "Legal and safety matters."),
    ("stores", "Shops and local staff."),
)


def upgrade() -> None:
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("description", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("escalate_after_minutes", sa.Integer(), nullable=False, server_default="15")
        )
        batch_op.add_column(
            sa.Column("time_zone", sa.String(length=64), nullable=False, server_default="UTC")
        )
        batch_op.add_column(
            sa.Column("rota_applied_until", sa.DateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalated_to_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_handoffs_escalated_to_id_users", "users", ["escalated_to_id"], ["id"]
        )

    op.create_table(
        "rota_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("end_minute", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rota_shifts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rota_shifts_team_id"), ["team_id"], unique=False)

    op.create_table(
        "coverage_gaps",
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("mention_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("scope"),
    )

    gaps = sa.table(
        "coverage_gaps",
        sa.column("scope", sa.String),
        sa.column("is_open", sa.Boolean),
        sa.column("reason", sa.Text),
    )
    op.bulk_insert(
        gaps,
        [
            {"scope": "everyone", "is_open": False, "reason": ""},
            {"scope": "managers", "is_open": False, "reason": ""},
        ],
    )
    teams = sa.table(
        "teams",
        sa.column("name", sa.String),
        sa.column("description", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    existing = {row[0] for row in connection.execute(sa.text("SELECT name FROM teams"))}
    # SQLite stores naive UTC (see UTCDateTime); PostgreSQL takes the aware value.
    now = datetime.now(UTC)
    created = now.replace(tzinfo=None) if connection.dialect.name == "sqlite" else now
    op.bulk_insert(
        teams,
        [
            {"name": name, "description": description, "created_at": created}
            for name, description in SEEDED_TEAMS
            if name not in existing
        ],
    )


def downgrade() -> None:
    op.drop_table("coverage_gaps")
    with op.batch_alter_table("rota_shifts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rota_shifts_team_id"))
    op.drop_table("rota_shifts")
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_constraint("fk_handoffs_escalated_to_id_users", type_="foreignkey")
        batch_op.drop_column("escalated_to_id")
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_column("rota_applied_until")
        batch_op.drop_column("time_zone")
        batch_op.drop_column("escalate_after_minutes")
        batch_op.drop_column("description")
