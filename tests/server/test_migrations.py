"""Migrations from an empty database to head, on SQLite and PostgreSQL; the schema they build
matches the ORM tables exactly, and the server starts against it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from app.models.tables import Base, Mention, UTCDateTime
from app.server.db import open_database
from app.server.migrate import alembic_config, current_revision, head_revision, upgrade_to_head
from app.tone.priority import priority_of, read_mention
from tests.support.live_server import LiveServer
from tests.support.postgres import temporary_postgres_database


def _check_empty_to_head(url: str) -> None:
    db = open_database(url)
    try:
        assert current_revision(db) is None
        assert inspect(db.engine).get_table_names() == []
        upgrade_to_head(db)
        assert current_revision(db) == head_revision()
        tables = set(inspect(db.engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"migrations and app/models/tables.py differ: {diff}"
        upgrade_to_head(db)  # idempotent
        assert current_revision(db) == head_revision()
    finally:
        db.dispose()


def test_sqlite_empty_to_head(tmp_path: Path) -> None:
    _check_empty_to_head(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")


def test_postgres_empty_to_head() -> None:
    with temporary_postgres_database() as url:
        _check_empty_to_head(url)


def test_server_runs_on_migrated_postgres(postgres_live_server: LiveServer) -> None:
    health = httpx.get(f"{postgres_live_server.base_url}/api/v1/health").json()
    assert health["status"] == "ok"
    assert health["database"] == "postgresql"


def _check_aging_backfill(url: str) -> None:
    """0012 fills in, for a mention stored before it, whether it complained and when it next
    moves; one scored by an older rule (its event's priority fits no reading) is left alone."""
    db = open_database(url)
    config = alembic_config()
    now = datetime.now(UTC)
    posted = now - timedelta(minutes=10)
    reading = read_mention("@acme my parcel never arrived")
    assert reading.complaint
    scored = priority_of(reading, followers=500)
    mentions = sa.table(
        "mentions",
        *(sa.column(name) for name in ("network", "external_id", "author_handle", "text")),
        *(sa.column(name) for name in ("author_display_name", "is_demo", "status", "version")),
        sa.column("author_followers"),
        sa.column("priority"),
        sa.column("sentiment"),
        sa.column("risk_words", sa.JSON),
        sa.column("raw", sa.JSON),
        sa.column("follow_up_done"),
        *(sa.column(name, UTCDateTime()) for name in ("created_at", "ingested_at", "updated_at")),
    )
    events = sa.table(
        "events",
        sa.column("type"),
        sa.column("mention_id"),
        sa.column("payload", sa.JSON),
        sa.column("created_at", UTCDateTime()),
    )
    try:
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0011_quarantine")
            for external_id, priority in (("now-rule", scored), ("old-rule", scored + 7.3)):
                connection.execute(
                    mentions.insert().values(
                        network="mastodon",
                        external_id=external_id,
                        author_handle="@c",
                        author_display_name="",
                        author_followers=500,
                        text="@acme my parcel never arrived",
                        is_demo=False,
                        status="new",
                        version=1,
                        priority=priority,
                        sentiment=reading.sentiment,
                        risk_words=list(reading.risk_words),
                        raw={},
                        follow_up_done=False,
                        created_at=posted,
                        ingested_at=posted,
                        updated_at=posted,
                    )
                )
                mention_id = connection.scalar(
                    sa.text("SELECT id FROM mentions WHERE external_id = :e"), {"e": external_id}
                )
                connection.execute(
                    events.insert().values(
                        type="mention.created",
                        mention_id=mention_id,
                        payload={"mention": {"id": mention_id, "priority": priority}},
                        created_at=posted,
                    )
                )
        upgrade_to_head(db)
        with db.read() as session:
            stored = {m.external_id: m for m in session.scalars(sa.select(Mention))}
        old = stored["old-rule"]
        assert (old.complaint, old.rescore_at) == (None, None)
        fresh = stored["now-rule"]
        assert fresh.complaint is True
        due = fresh.rescore_at
        assert due is not None
        assert due > now
        step = timedelta(seconds=1)
        assert priority_of(reading, followers=500, waiting=due - step - posted) < scored + 2
        assert priority_of(reading, followers=500, waiting=due - posted) >= scored + 2
    finally:
        db.dispose()


def test_sqlite_aging_backfill(tmp_path: Path) -> None:
    _check_aging_backfill(f"sqlite:///{tmp_path / 'aging.sqlite3'}")


def test_postgres_aging_backfill() -> None:
    with temporary_postgres_database() as url:
        _check_aging_backfill(url)
