"""Migrations from an empty database to head, on SQLite and PostgreSQL; the schema they build
matches the ORM tables exactly, and the server starts against it."""

from __future__ import annotations

from pathlib import Path

import httpx
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from app.models.tables import Base
from app.server.db import open_database
from app.server.migrate import current_revision, head_revision, upgrade_to_head
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
