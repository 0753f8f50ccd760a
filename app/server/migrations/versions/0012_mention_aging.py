"""Mention aging without reading the event log: whether a mention complained (as read at
ingest) and when waiting next moves its priority visibly, kept on the mention, so the re-score
job reads only the mentions that are due.

Existing mentions are filled in once from what ingest stored (their sentiment, risk words and
the priority their `mention.created` event carried: services/aging.py, tone/priority.py); one
scored by an older rule keeps its priority and is not aged (as before).

Revision ID: 0012_mention_aging
Revises: 0011_quarantine
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

from app.server.services.aging import next_visible_change
from app.tone.priority import reading_from_ingest

revision: str = "0012_mention_aging"
down_revision: str | None = "0011_quarantine"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHUNK = 1000


def _utc(value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _stored(value: datetime | None, sqlite: bool) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None) if sqlite else value


def _backfill() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    mentions = sa.table(
        "mentions",
        sa.column("id", sa.BigInteger),
        sa.column("status", sa.String),
        sa.column("priority", sa.Float),
        sa.column("sentiment", sa.Float),
        sa.column("risk_words", sa.JSON),
        sa.column("author_followers", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("ingested_at", sa.DateTime(timezone=True)),
        sa.column("complaint", sa.Boolean),
        sa.column("rescore_at", sa.DateTime(timezone=True)),
    )
    events = sa.table(
        "events",
        sa.column("type", sa.String),
        sa.column("mention_id", sa.BigInteger),
        sa.column("payload", sa.JSON),
    )
    now = datetime.now(UTC)
    rows = bind.execute(
        sa.select(
            mentions.c.id,
            mentions.c.status,
            mentions.c.priority,
            mentions.c.sentiment,
            mentions.c.risk_words,
            mentions.c.author_followers,
            mentions.c.created_at,
            mentions.c.ingested_at,
            events.c.payload[("mention", "priority")].as_float().label("priority_at_ingest"),
        ).join(
            events,
            (events.c.mention_id == mentions.c.id) & (events.c.type == "mention.created"),
        )
    ).all()
    updates: list[dict[str, Any]] = []
    for row in rows:
        if row.priority_at_ingest is None:
            continue
        created_at, ingested_at = _utc(row.created_at), _utc(row.ingested_at)
        reading = reading_from_ingest(
            row.sentiment,
            tuple(row.risk_words or ()),
            followers=row.author_followers,
            waited_at_ingest=max(ingested_at - created_at, timedelta(0)),
            priority_at_ingest=float(row.priority_at_ingest),
        )
        if reading is None:
            continue
        due = next_visible_change(
            reading,
            followers=row.author_followers,
            priority=row.priority,
            created_at=created_at,
            now=now,
        )
        updates.append(
            {"mention": row.id, "complaint": reading.complaint, "due": _stored(due, sqlite)}
        )
    statement = (
        sa.update(mentions)
        .where(mentions.c.id == sa.bindparam("mention"))
        .values(complaint=sa.bindparam("complaint"), rescore_at=sa.bindparam("due"))
    )
    for start in range(0, len(updates), _CHUNK):
        bind.execute(statement, updates[start : start + _CHUNK])


def upgrade() -> None:
    with op.batch_alter_table("mentions") as batch:
        batch.add_column(sa.Column("complaint", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("rescore_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_mentions_status_rescore_at", "mentions", ["status", "rescore_at"], unique=False
    )
    _backfill()


def downgrade() -> None:
    op.drop_index("ix_mentions_status_rescore_at", table_name="mentions")
    with op.batch_alter_table("mentions") as batch:
        batch.drop_column("rescore_at")
        batch.drop_column("complaint")
