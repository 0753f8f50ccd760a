"""Event positions: the place of each event in the log, the number streams and Last-Event-ID
use, given in commit order (app/server/event_log.py). Until now the id was that number, and
PostgreSQL writers waited on one another from their first event to their commit to keep ids
visible in order; now an event is written without a place and placed after its commit.

Every existing event keeps its number: position = id.

Revision ID: 0013_event_positions
Revises: 0012_mention_aging
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_event_positions"
down_revision: str | None = "0012_mention_aging"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UNPLACED = sa.text("position IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("position", sa.BigInteger(), nullable=True))
    op.execute("UPDATE events SET position = id")
    op.create_index("ux_events_position", "events", ["position"], unique=True)
    # The placer's work list: the few events committed and not placed yet.
    op.create_index(
        "ix_events_unplaced",
        "events",
        ["id"],
        postgresql_where=_UNPLACED,
        sqlite_where=_UNPLACED,
    )


def downgrade() -> None:
    op.drop_index("ix_events_unplaced", table_name="events")
    op.drop_index("ux_events_position", table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("position")
