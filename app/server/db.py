"""Database engines and sessions from a plain URL (`sqlite:///path`, `postgresql://…`).

SQLite gets WAL and friends on every connection, and write transactions start with
`BEGIN IMMEDIATE` so two writers never deadlock upgrading a read lock to a write lock; this
process's writers take turns on an in-process lock first (`SqliteWriterTurns`).
PostgreSQL is reached through psycopg 3."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

WRITE_OPTION = "responder_write"
# How long a SQLite writer waits for the write lock before "database is locked".
BUSY_TIMEOUT_MS = 5000
_HOLDS_TURN = "responder_writer_turn"
# Seconds a new PostgreSQL connection may take before the database counts as unreachable.
CONNECT_TIMEOUT_SECONDS = 3
# How often the server copies SQLite's write-ahead log into the database file (`WalCheckpoints`).
CHECKPOINT_SECONDS = 1.0

log = logging.getLogger(__name__)


class DatabaseUrlError(ValueError):
    """The database URL names no database this server can use."""


def driver_url(url: str) -> str:
    """Map a plain URL to the driver this server uses (`postgresql://` → psycopg 3)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+pysqlite").render_as_string(hide_password=False)
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    raise DatabaseUrlError(f"unsupported database URL {url!r}: use sqlite:/// or postgresql://")


def plain_postgres_url(url: str) -> str:
    """A libpq URL (no SQLAlchemy driver suffix) for psycopg's own connections."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, *, checkpoints: bool = True) -> None:
    # Take transaction control from pysqlite: we emit BEGIN ourselves (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if not checkpoints:  # WalCheckpoints does them
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    # WAL is a property of the file: switching needs a lock, so only switch when not yet WAL.
    if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class SqliteWriterTurns:
    """This process's SQLite write transactions take turns on a lock that hands over at once.

    SQLite's own wait for its write lock (the busy timeout) sleeps in steps of 1, 2, 5, 10, 15,
    20, 25… ms between tries: a claim that arrived while an ingest batch held the lock for 10 ms
    got it after 18 ms, one behind a 15 ms hold after 33 ms. Waiting here, a writer starts the
    moment the one before commits. Other processes (the CLI) still meet the busy timeout; a
    turn that does not come within it fails as SQLite would ("database is locked")."""

    def __init__(self, timeout_seconds: float = BUSY_TIMEOUT_MS / 1000) -> None:
        self._lock = threading.Lock()  # released by whichever thread commits
        self._timeout = timeout_seconds

    def install(self, engine: Engine) -> None:
        event.listen(engine, "begin", self._begin)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)
        # A connection that goes back to the pool, or is thrown away after an error, without
        # its transaction ending the usual way still gives its turn back.
        event.listen(engine.pool, "checkin", self._returned)
        event.listen(engine.pool, "invalidate", self._returned_with_error)

    def _begin(self, conn: Any) -> None:
        if not conn.get_execution_options().get(WRITE_OPTION, False):
            conn.exec_driver_sql("BEGIN")
            return
        if not self._lock.acquire(timeout=self._timeout):
            raise sqlite3.OperationalError("database is locked")
        conn.info[_HOLDS_TURN] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self._end_turn(conn)
            raise

    def _commit(self, conn: Any) -> None:
        # Commit here, then hand over; SQLAlchemy's own commit after this finds nothing open.
        if conn.info.get(_HOLDS_TURN):
            try:
                conn.connection.dbapi_connection.execute("COMMIT")
            finally:
                self._end_turn(conn)

    def _rollback(self, conn: Any) -> None:
        if conn.info.get(_HOLDS_TURN):
            try:
                conn.connection.dbapi_connection.rollback()
            finally:
                self._end_turn(conn)

    def _returned(self, dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop(_HOLDS_TURN, False):
            with contextlib.suppress(Exception):
                dbapi_connection.rollback()
            self._lock.release()

    def _returned_with_error(self, dbapi_connection: Any, record: Any, _exc: Any) -> None:
        self._returned(dbapi_connection, record)

    def _end_turn(self, conn: Any) -> None:
        if conn.info.pop(_HOLDS_TURN, False):
            self._lock.release()


class WalCheckpoints:
    """Copies SQLite's write-ahead log into the database file every `seconds`, in a thread
    and on a connection of its own, for an engine made with `background_checkpoints`.

    Otherwise the commit that takes the log past 1,000 pages does it while it still holds the
    write lock: 8–10 ms more for about one storm batch in eight, and every claim waiting
    for the lock waited that much longer. A PASSIVE checkpoint waits for no reader or
    writer; a writer restarts the log once everything in it is copied."""

    def __init__(self, path: Path, seconds: float = CHECKPOINT_SECONDS) -> None:
        self._path = path
        self._seconds = seconds
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="wal-checkpoints", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def run_once(self, conn: sqlite3.Connection) -> tuple[int, int]:
        """One checkpoint on `conn`: the pages in the log, and how many of them are copied."""
        _busy, pages, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(pages), int(copied)

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        failing = False
        try:
            while not self._stopping.wait(self._seconds):
                try:
                    if conn is None:  # the file exists by now; never create one
                        uri = self._path.resolve().as_uri() + "?mode=rw"
                        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
                    self.run_once(conn)
                    failing = False
                except sqlite3.Error as exc:  # a full disk, say: the log waits and grows
                    if not failing:
                        log.warning("could not checkpoint the database's log: %s", exc)
                    failing = True
        finally:
            if conn is not None:
                conn.close()


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for PostgreSQL, in-memory and `file:` URI databases."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    return None if database.startswith("file:") else Path(database).expanduser()


def make_engine(
    url: str, *, pool_size: int = 20, background_checkpoints: bool = False, **kwargs: Any
) -> Engine:
    """An engine for a plain URL; SQLite files get their directory created. `pool_size`
    should cover the server's worker threads, so connections are reused, never churned.
    `background_checkpoints`: its SQLite connections leave checkpoints to a `WalCheckpoints`
    (the server runs one)."""
    full = driver_url(url)
    parsed = make_url(full)
    if parsed.get_backend_name() == "sqlite":
        if (path := sqlite_file(url)) is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            full,
            pool_size=pool_size,
            max_overflow=kwargs.pop("max_overflow", 20),
            connect_args={"check_same_thread": False, "timeout": 30},
            **kwargs,
        )
        checkpoints = not background_checkpoints
        event.listen(
            engine,
            "connect",
            lambda conn, record: _sqlite_pragmas(conn, record, checkpoints=checkpoints),
        )
        SqliteWriterTurns().install(engine)
        return engine
    # A connection attempt that gets no answer is an outage, not a wait for ever (libpq's
    # default): the request answers 503 instead of holding a worker thread.
    connect_args = {"connect_timeout": CONNECT_TIMEOUT_SECONDS, **kwargs.pop("connect_args", {})}
    return create_engine(
        full,
        pool_size=pool_size,
        max_overflow=kwargs.pop("max_overflow", 10),
        pool_pre_ping=True,  # a connection a restart killed is replaced at checkout
        connect_args=connect_args,
        **kwargs,
    )


@dataclass(frozen=True)
class Database:
    """One engine plus the two kinds of session: read (deferred) and write (immediate)."""

    engine: Engine
    read_sessions: sessionmaker[Session]
    write_sessions: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: commits on success, rolls back on any exception."""
        with self.write_sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.read_sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, **kwargs: Any) -> Database:
    engine = make_engine(url, **kwargs)
    write_engine = engine.execution_options(**{WRITE_OPTION: True})
    return Database(
        engine=engine,
        read_sessions=sessionmaker(bind=engine, expire_on_commit=False),
        write_sessions=sessionmaker(bind=write_engine, expire_on_commit=False),
    )
