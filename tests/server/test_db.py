"""Engines from plain URLs: the driver chosen, SQLite pragmas, BEGIN IMMEDIATE for writes and
writers taking turns."""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from app.server.app import create_app
from app.server.db import (
    BUSY_TIMEOUT_MS,
    DatabaseUrlError,
    WalCheckpoints,
    driver_url,
    open_database,
    sqlite_file,
)
from app.server.migrate import upgrade_to_head
from app.server.settings import Settings


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


def _fill(db: Any, rows: int) -> None:
    with db.write() as session:
        session.execute(text("CREATE TABLE IF NOT EXISTS filler (body TEXT)"))
        for _ in range(rows):
            session.execute(text("INSERT INTO filler VALUES (:b)"), {"b": "x" * 4000})


def test_the_servers_commits_leave_checkpoints_to_a_thread_of_their_own(tmp_path: Path) -> None:
    """A commit that crossed the log's 1,000 pages checkpointed while holding the write lock;
    the server's connections do none, WalCheckpoints copies the log without blocking anyone."""
    path = tmp_path / "x.sqlite3"
    usual = open_database(f"sqlite:///{path}")
    server = open_database(f"sqlite:///{path}", background_checkpoints=True)
    try:
        with usual.read() as session:
            assert session.scalar(text("PRAGMA wal_autocheckpoint")) == 1000
        with server.read() as session:
            assert session.scalar(text("PRAGMA wal_autocheckpoint")) == 0
        _fill(server, 1500)  # about 1,500 pages: past where a commit would checkpoint
        assert sqlite_file(f"sqlite:///{path}") == path
        checkpoints = WalCheckpoints(path)
        with sqlite3.connect(path) as conn:
            pages, copied = checkpoints.run_once(conn)
        assert pages > 1000  # nothing was copied by the commits
        assert copied == pages
    finally:
        usual.dispose()
        server.dispose()


def test_a_server_on_sqlite_runs_the_checkpoints_and_stops_them(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    migrated = open_database(url)
    upgrade_to_head(migrated)
    migrated.dispose()
    settings = Settings(
        database_url=url,
        run_jobs=False,
        run_ingest=False,
        detect_storms=False,
        freeze_startup_heap=False,  # this test process lives on after the app
        ingest_processes=0,
    )
    app = create_app(settings)  # no database handed in: the app opens its own
    with TestClient(app):
        checkpoints = app.state.wal_checkpoints
        assert isinstance(checkpoints, WalCheckpoints)
        assert checkpoints._thread is not None
        assert checkpoints._thread.is_alive()
    assert not checkpoints._thread.is_alive()
    assert sqlite_file("postgresql://u@h/d") is None
    assert sqlite_file("sqlite:///:memory:") is None
