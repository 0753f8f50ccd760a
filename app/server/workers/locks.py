"""Which server process works on what: one holder per brand account (ingest) and per reply in
flight (sending), across processes.

On PostgreSQL these are session-level advisory locks (`pg_try_advisory_lock(ns, id)`) on one
dedicated connection per process: they last exactly as long as the process (or its connection)
lives, so a dead process's accounts and replies are taken over by another. On SQLite one server
process owns the database, so an in-memory set is enough. Blocking: call from a worker thread.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Protocol

import psycopg

from app.server.db import CONNECT_TIMEOUT_SECONDS, Database, plain_postgres_url

log = logging.getLogger(__name__)

ACCOUNT_LOCKS = 720_301
REPLY_LOCKS = 720_302


class ProcessLocks(Protocol):
    """Locks held by this process until released or until the process dies."""

    @property
    def generation(self) -> int:
        """Changes whenever every lock was lost at once (the lock connection dropped)."""
        ...

    def try_lock(self, namespace: int, key: int) -> bool: ...

    def unlock(self, namespace: int, key: int) -> None: ...

    def check(self) -> None:
        """Make sure the locks are still held (reconnects, bumping `generation`, if not)."""
        ...

    def close(self) -> None: ...


class LocalLocks:
    """SQLite: the server process is the only one; locks only keep its own tasks apart."""

    generation = 0

    def __init__(self) -> None:
        self._held: set[tuple[int, int]] = set()
        self._mutex = threading.Lock()

    def try_lock(self, namespace: int, key: int) -> bool:
        with self._mutex:
            if (namespace, key) in self._held:
                return False
            self._held.add((namespace, key))
            return True

    def unlock(self, namespace: int, key: int) -> None:
        with self._mutex:
            self._held.discard((namespace, key))

    def check(self) -> None:
        return None

    def close(self) -> None:
        with self._mutex:
            self._held.clear()


class PostgresLocks:
    """Session-level advisory locks on a dedicated psycopg connection (autocommit)."""

    def __init__(self, database_url: str) -> None:
        self._url = plain_postgres_url(database_url)
        self._mutex = threading.Lock()
        self._conn: psycopg.Connection[Any] | None = None
        self._held: set[tuple[int, int]] = set()
        self.generation = 0

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            if self._held:
                log.warning("advisory-lock connection lost: giving up %d locks", len(self._held))
                self._held.clear()
                self.generation += 1
            self._conn = psycopg.connect(
                self._url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
            )
        return self._conn

    def _execute(self, sql: str, namespace: int, key: int) -> bool:
        conn = self._connection()
        try:
            row = conn.execute(sql, (namespace, key)).fetchone()
        except psycopg.Error:
            self._drop()
            raise
        return bool(row and row[0])

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # already broken
                log.debug("closing a broken lock connection failed", exc_info=True)
        if self._held:
            self._held.clear()
            self.generation += 1

    def try_lock(self, namespace: int, key: int) -> bool:
        with self._mutex:
            if (namespace, key) in self._held:
                return False  # session locks re-enter: keep our own tasks apart too
            got = self._execute("SELECT pg_try_advisory_lock(%s, %s)", namespace, key)
            if got:
                self._held.add((namespace, key))
            return got

    def unlock(self, namespace: int, key: int) -> None:
        with self._mutex:
            if (namespace, key) not in self._held:
                return
            self._held.discard((namespace, key))
            try:
                self._execute("SELECT pg_advisory_unlock(%s, %s)", namespace, key)
            except Exception:  # the connection is gone, and with it the lock
                log.info("advisory unlock failed; the lock went with its connection")

    def check(self) -> None:
        with self._mutex:
            if self._conn is None:
                return
            try:
                self._conn.execute("SELECT 1")
            except psycopg.Error:
                self._drop()

    def close(self) -> None:
        with self._mutex:
            self._held.clear()
            conn, self._conn = self._conn, None
            if conn is not None:
                conn.close()


def locks_for(db: Database) -> ProcessLocks:
    if db.is_postgres:
        return PostgresLocks(db.engine.url.render_as_string(hide_password=False))
    return LocalLocks()
