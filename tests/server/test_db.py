"""Engines from plain URLs: the driver chosen, SQLite pragmas, and BEGIN IMMEDIATE for writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from app.server.db import DatabaseUrlError, driver_url, open_database


def test_plain_urls_map_to_our_drivers() -> None:
    assert driver_url("sqlite:////tmp/x.db") == "sqlite+pysqlite:////tmp/x.db"
    assert driver_url("postgresql://u@h:5432/d") == "postgresql+psycopg://u@h:5432/d"
    with pytest.raises(DatabaseUrlError):
        driver_url("mysql://root@localhost/db")


def test_sqlite_pragmas_and_immediate_writes(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'sub' / 'x.sqlite3'}")
    statements: list[str] = []

    def remember(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        with db.write() as session:
            assert session.scalar(text("PRAGMA journal_mode")) == "wal"
            assert session.scalar(text("PRAGMA foreign_keys")) == 1
            assert session.scalar(text("PRAGMA busy_timeout")) == 5000
        with db.read() as session:
            session.execute(text("SELECT 1"))
    finally:
        db.dispose()
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]
