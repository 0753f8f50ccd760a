"""Which database errors are which fault: the drivers' own exceptions (as raised, and as
SQLAlchemy wraps them), so that a full disk is never "busy" and a bug never "unreachable"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from psycopg import errors as pg
from sqlalchemy.exc import OperationalError

from app.server.errors import Fault, classify_fault


def _sqlite_error(tmp_path: Path, sql: str) -> sqlite3.OperationalError:
    conn = sqlite3.connect(tmp_path / "kinds.sqlite3")
    try:
        conn.execute(sql)
    except sqlite3.OperationalError as exc:
        return exc
    finally:
        conn.close()
    raise AssertionError(f"{sql!r} did not fail")


@pytest.mark.parametrize(
    ("error", "fault"),
    [
        (pg.DiskFull("could not extend file"), Fault.DISK_FULL),
        (pg.LockNotAvailable("could not obtain lock"), Fault.BUSY),
        (pg.SerializationFailure("could not serialize access"), Fault.BUSY),
        (pg.DeadlockDetected("deadlock detected"), Fault.BUSY),
        (
            pg.AdminShutdown("terminating connection due to administrator command"),
            Fault.UNAVAILABLE,
        ),
        (pg.CannotConnectNow("the database system is starting up"), Fault.UNAVAILABLE),
        (pg.TooManyConnections("too many clients already"), Fault.UNAVAILABLE),
        (psycopg.OperationalError("connection failed: Connection refused"), Fault.UNAVAILABLE),
        (pg.UndefinedTable('relation "nothing" does not exist'), None),
    ],
)
def test_postgresql_errors(error: psycopg.Error, fault: Fault | None) -> None:
    assert classify_fault(error) is fault
    wrapped = OperationalError("SELECT 1", {}, error)
    assert classify_fault(wrapped) is fault


def test_sqlite_errors(tmp_path: Path) -> None:
    missing = _sqlite_error(tmp_path, "SELECT * FROM nothing")
    assert classify_fault(missing) is None, "a missing table is a bug, not an outage"
    blocker = sqlite3.connect(tmp_path / "kinds.sqlite3", isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        waiter = sqlite3.connect(tmp_path / "kinds.sqlite3", timeout=0)
        with pytest.raises(sqlite3.OperationalError) as locked:
            waiter.execute("BEGIN EXCLUSIVE")
        waiter.close()
    finally:
        blocker.rollback()
        blocker.close()
    assert classify_fault(locked.value) is Fault.BUSY
    gone = tmp_path / "no-such-dir" / "x.sqlite3"
    with pytest.raises(sqlite3.OperationalError) as cannot_open:
        sqlite3.connect(gone)
    assert classify_fault(cannot_open.value) is Fault.UNAVAILABLE
