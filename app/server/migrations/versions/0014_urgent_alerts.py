"""Urgent mentions alert managers whenever they arrive with nobody on duty, not only when the
gap opens: each coverage gap keeps how many such alerts it sent, when the last one went, and
the urgent mentions that arrived since (named in the next, coalesced alert).

Revision ID: 0014_urgent_alerts
Revises: 0013_event_positions
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_urgent_alerts"
down_revision: str | None = "0013_event_positions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("coverage_gaps") as batch:
        batch.add_column(
            sa.Column("urgent_alerts", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("last_alert_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("waiting_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("waiting", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("coverage_gaps") as batch:
        for column in ("waiting", "waiting_count", "last_alert_at", "urgent_alerts"):
            batch.drop_column(column)
