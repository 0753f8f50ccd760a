"""Hot-path reads without a worker thread: the claim pre-check (services/claims.py), token
lookups, the newest event id. Most claims in a race lose, and a thread handoff costs more than
the read itself.

SQLite: one read-only connection used on the event loop; under WAL a reader never waits for
a writer, so a point read takes microseconds (if the file is ever busy, the read is retried
in a worker thread with the normal busy timeout). PostgreSQL: a few psycopg async
connections in autocommit mode, so the loop awaits the network instead of blocking.

A PostgreSQL restart (or any dropped connection) must not break these reads for good: a broken
connection is thrown away and its slot reconnects on next use, a read that met a dead
connection is tried once more on a fresh one (reads are idempotent), and while the database
cannot be reached every read raises `DatabaseFault` (answered 503 with a sentence)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio
from sqlalchemy.engine import make_url

from app.models.enums import Role
from app.server.auth import INGEST_TOKEN, USER_TOKEN, Principal
from app.server.db import CONNECT_TIMEOUT_SECONDS, Database, plain_postgres_url
from app.server.errors import DatabaseFault, Fault, classify_fault

log = logging.getLogger(__name__)

# The payload comes as JSON text on both databases (SQLite stores text; PostgreSQL is asked
# for it): a frame splices it in unparsed (events.encode_event) — psycopg would otherwise parse
# every payload on the event loop only for the frame to encode it again.
# An event's id on the wire is its position in the log (event_log.py).
_EVENTS_AFTER = (
    "SELECT position, type, audience, created_at, actor_id, mention_id, {payload} FROM events "
    "WHERE position > %s ORDER BY position LIMIT %s"
)
_LOG_END = (
    "SELECT COALESCE(MAX(position), 0), EXISTS (SELECT 1 FROM events WHERE position IS NULL) "
    "FROM events"
)
_TOKEN = (
    "SELECT t.kind, t.name, u.id, u.name, u.role, u.active FROM api_tokens t "
    "LEFT JOIN users u ON u.id = t.user_id WHERE t.token_hash = %s AND t.revoked_at IS NULL"
)
T = TypeVar("T")


class FastReads:
    """Point reads for hot paths, awaited on the event loop."""

    def __init__(self, db: Database, *, connections: int = 4) -> None:
        self._db = db
        self._size = connections
        self._sqlite: sqlite3.Connection | None = None
        self._sqlite_path: str | None = None
        # Free slots: a connection, or None for a slot that reconnects on its next use.
        self._pg: asyncio.Queue[Any | None] | None = None
        self._pg_all: set[Any] = set()
        self._pg_url = ""
        self._lost = False  # an outage is under way (logged once, and once when it ends)

    async def start(self) -> None:
        if self._db.is_postgres:
            self._pg_url = plain_postgres_url(
                self._db.engine.url.render_as_string(hide_password=False)
            )
            self._pg = asyncio.Queue()
            for _ in range(self._size):
                self._pg.put_nowait(await self._connect())
        else:
            self._sqlite_path = make_url(str(self._db.engine.url)).database or ""
            self._sqlite = self._open_sqlite(busy_ms=0)

    def _open_sqlite(self, busy_ms: int) -> sqlite3.Connection:
        assert self._sqlite_path is not None
        conn = sqlite3.connect(
            self._sqlite_path, check_same_thread=False, isolation_level=None, timeout=busy_ms / 1000
        )
        conn.execute(f"PRAGMA busy_timeout={busy_ms}")
        conn.execute("PRAGMA query_only=ON")
        return conn

    async def _connect(self) -> Any:
        import psycopg

        conn = await psycopg.AsyncConnection.connect(
            self._pg_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
        )
        self._pg_all.add(conn)
        return conn

    async def _discard(self, conn: Any) -> None:
        self._pg_all.discard(conn)
        with contextlib.suppress(Exception):
            await conn.close()

    async def _forget_idle(self) -> None:
        """Close every idle connection: their slots reconnect on their next use."""
        assert self._pg is not None
        idle = [self._pg.get_nowait() for _ in range(self._pg.qsize())]
        for conn in idle:
            if conn is not None:
                await self._discard(conn)
            self._pg.put_nowait(None)

    async def _on_pg(self, work: Callable[[Any], Awaitable[T]]) -> T:
        """`work(connection)` on a pooled connection; a dead connection is replaced and the
        read tried once more; an unreachable database raises DatabaseFault(UNAVAILABLE)."""
        import psycopg

        assert self._pg is not None
        for attempt in (1, 2):
            conn = await self._pg.get()
            fresh = False  # a connection made for this read: its failure is not a leftover
            try:
                if conn is None or conn.closed or conn.broken:
                    if conn is not None:
                        await self._discard(conn)
                    conn = None
                    fresh = True
                    conn = await self._connect()
                result = await work(conn)
            except psycopg.OperationalError as exc:
                fault = classify_fault(exc) or Fault.UNAVAILABLE
                dead = fault is Fault.UNAVAILABLE or conn is None or conn.closed or conn.broken
                if dead and conn is not None:
                    await self._discard(conn)
                self._pg.put_nowait(None if dead else conn)
                if fault is Fault.UNAVAILABLE:
                    await self._forget_idle()  # a restart took the idle ones too
                if attempt == 1 and fault is Fault.UNAVAILABLE and not fresh:
                    continue  # an old connection died (a restart): once more on a fresh one
                if fault is Fault.UNAVAILABLE and not self._lost:
                    self._lost = True
                    log.warning("fast reads: the database is unreachable (%s)", exc)
                raise DatabaseFault(fault, exc) from exc
            except BaseException:
                self._pg.put_nowait(conn)
                raise
            self._pg.put_nowait(conn)
            if self._lost:
                self._lost = False
                log.warning("fast reads: the database is reachable again")
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    async def close(self) -> None:
        for conn in list(self._pg_all):
            with contextlib.suppress(Exception):
                await conn.close()
        self._pg_all.clear()
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None

    def _sqlite_slow(self, sql: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
        conn = self._open_sqlite(busy_ms=5000)
        try:
            row = conn.execute(sql, params).fetchone()
            return tuple(row) if row is not None else None
        finally:
            conn.close()

    async def fetchone(self, sql: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
        if self._pg is not None:

            async def one(conn: Any) -> Any:
                return await (await conn.execute(sql, params)).fetchone()

            row = await self._on_pg(one)
            return tuple(row) if row is not None else None
        assert self._sqlite is not None
        lite = sql.replace("%s", "?")
        try:
            row = self._sqlite.execute(lite, params).fetchone()
        except sqlite3.OperationalError:  # busy for a moment: wait for it off the loop
            return await self._sqlite_retry(self._sqlite_slow, lite, params)
        return tuple(row) if row is not None else None

    async def _sqlite_retry(self, read: Callable[..., T], sql: str, params: tuple[Any, ...]) -> T:
        try:
            return await anyio.to_thread.run_sync(read, sql, params)
        except sqlite3.OperationalError as exc:
            raise DatabaseFault(classify_fault(exc) or Fault.UNAVAILABLE, exc) from exc

    async def fetchall(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        if self._pg is not None:

            async def every(conn: Any) -> Any:
                return await (await conn.execute(sql, params)).fetchall()

            return [tuple(row) for row in await self._on_pg(every)]
        assert self._sqlite is not None
        lite = sql.replace("%s", "?")
        try:
            return [tuple(row) for row in self._sqlite.execute(lite, params).fetchall()]
        except sqlite3.OperationalError:
            return await self._sqlite_retry(self._sqlite_slow_all, lite, params)

    def _sqlite_slow_all(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        conn = self._open_sqlite(busy_ms=5000)
        try:
            return [tuple(row) for row in conn.execute(sql, params).fetchall()]
        finally:
            conn.close()

    # --- the hot reads -------------------------------------------------------------------------

    async def events_after(self, after: int, limit: int) -> list[tuple[Any, ...]]:
        """Raw event rows (position, type, audience, created_at, actor_id, mention_id, payload);
        `payload` comes as JSON text, and on SQLite `created_at` too (see
        events.encode_event)."""
        payload = "payload::text" if self._pg is not None else "payload"
        return await self.fetchall(_EVENTS_AFTER.format(payload=payload), (after, limit))

    async def log_end(self) -> tuple[int, bool]:
        """The last position given, and whether committed events still wait for a place
        (PostgreSQL places them just after their commit: event_log.py)."""
        row = await self.fetchone(_LOG_END, ())
        return (int(row[0]), bool(row[1])) if row is not None else (0, False)

    async def principal(self, token_hash: str) -> Principal | None:
        row = await self.fetchone(_TOKEN, (token_hash,))
        if row is None:
            return None
        kind, token_name, user_id, user_name, role, active = row
        if kind == INGEST_TOKEN:
            return Principal(kind=INGEST_TOKEN, name=token_name)
        if user_id is None or not active:
            return None
        return Principal(kind=USER_TOKEN, name=user_name, user_id=user_id, role=Role(role))
