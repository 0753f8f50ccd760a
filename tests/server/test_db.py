"""Engines from plain URLs: the driver chosen, SQLite pragmas, BEGIN IMMEDIATE for writes and
writers taking turns."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from app.server.db import BUSY_TIMEOUT_MS, DatabaseUrlError, driver_url, open_database


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


def test_sqlite_writers_take_turns_and_every_ending_hands_the_turn_on(tmp_path: Path) -> None:
    """Many threads writing at once all get their turn (none meets "database is locked"), and
    a write that fails or is abandoned — a raised exception, a bad statement, a rollback —
    gives its turn back: the next writer starts at once instead of waiting out the timeout."""
    db = open_database(f"sqlite:///{tmp_path / 'turns.sqlite3'}")
    try:
        with db.write() as session:
            session.execute(text("CREATE TABLE marks (writer INTEGER)"))

        def writer(n: int) -> None:
            for _ in range(40):
                with db.write() as session:
                    session.execute(text("INSERT INTO marks VALUES (:n)"), {"n": n})

        with ThreadPoolExecutor(6) as pool:
            list(pool.map(writer, range(6)))

        def fails_half_way() -> None:
            with db.write() as session:
                session.execute(text("INSERT INTO marks VALUES (-1)"))
                raise RuntimeError("the request failed half-way")

        with pytest.raises(RuntimeError):
            fails_half_way()
        with pytest.raises(OperationalError), db.write() as session:
            session.execute(text("INSERT INTO no_such_table VALUES (1)"))
        session = db.write_sessions()
        session.execute(text("INSERT INTO marks VALUES (-2)"))
        session.rollback()
        session.close()

        started = time.monotonic()
        with db.write() as session:
            session.execute(text("INSERT INTO marks VALUES (99)"))
        waited = time.monotonic() - started
        with db.read() as session:
            counts = dict(
                session.execute(text("SELECT writer, count(*) FROM marks GROUP BY writer")).all()
            )
        assert counts == {**{n: 40 for n in range(6)}, 99: 1}  # nothing of the failed ones
        assert waited < BUSY_TIMEOUT_MS / 1000, "a turn was never given back"
    finally:
        db.dispose()
