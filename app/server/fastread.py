"""Hot-path reads without a worker thread: the claim pre-check (services/claims.py), token
lookups, the newest event id. Most claims in a race lose, and a thread handoff costs more than
the read itself.

SQLite: one read-only connection used on the event loop; under WAL a reader never waits for
a writer, so a point read takes microseconds (if the file is ever busy, the read is retried
in a worker thread with the normal busy timeout). PostgreSQL: a few psycopg async
connections in autocommit mode, so the loop awaits the network instead of blocking."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from typing import Any

import anyio
from sqlalchemy.engine import make_url

from app.models.enums import Role
from app.server.auth import INGEST_TOKEN, USER_TOKEN, Principal
from app.server.db import Database, plain_postgres_url

_EVENTS_AFTER = (
    "SELECT id, type, audience, created_at, actor_id, mention_id, payload FROM events "
    "WHERE id > %s ORDER BY id LIMIT %s"
)
_LAST_EVENT = "SELECT COALESCE(MAX(id), 0) FROM events"
_TOKEN = (
    "SELECT t.kind, t.name, u.id, u.name, u.role, u.active FROM api_tokens t "
    "LEFT JOIN users u ON u.id = t.user_id WHERE t.token_hash = %s AND t.revoked_at IS NULL"
)


class FastReads:
    """Point reads for hot paths, awaited on the event loop."""

    def __init__(self, db: Database, *, connections: int = 4) -> None:
        self._db = db
        self._size = connections
        self._sqlite: sqlite3.Connection | None = None
        self._sqlite_path: str | None = None
        self._pg: asyncio.Queue[Any] | None = None
        self._pg_all: list[Any] = []

    async def start(self) -> None:
        if self._db.is_postgres:
            import psycopg

            url = plain_postgres_url(self._db.engine.url.render_as_string(hide_password=False))
            self._pg = asyncio.Queue()
            for _ in range(self._size):
                conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
                self._pg_all.append(conn)
                self._pg.put_nowait(conn)
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

    async def close(self) -> None:
        for conn in self._pg_all:
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
            conn = await self._pg.get()
            try:
                cursor = await conn.execute(sql, params)
                row = await cursor.fetchone()
            finally:
                self._pg.put_nowait(conn)
            return tuple(row) if row is not None else None
        assert self._sqlite is not None
        lite = sql.replace("%s", "?")
        try:
            row = self._sqlite.execute(lite, params).fetchone()
        except sqlite3.OperationalError:  # busy for a moment: wait for it off the loop
            return await anyio.to_thread.run_sync(self._sqlite_slow, lite, params)
        return tuple(row) if row is not None else None

    async def fetchall(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        if self._pg is not None:
            conn = await self._pg.get()
            try:
                cursor = await conn.execute(sql, params)
                rows = await cursor.fetchall()
            finally:
                self._pg.put_nowait(conn)
            return [tuple(row) for row in rows]
        assert self._sqlite is not None
        lite = sql.replace("%s", "?")
        try:
            return [tuple(row) for row in self._sqlite.execute(lite, params).fetchall()]
        except sqlite3.OperationalError:
            return await anyio.to_thread.run_sync(self._sqlite_slow_all, lite, params)

    def _sqlite_slow_all(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        conn = self._open_sqlite(busy_ms=5000)
        try:
            return [tuple(row) for row in conn.execute(sql, params).fetchall()]
        finally:
            conn.close()

    # --- the hot reads -------------------------------------------------------------------------

    async def events_after(self, after: int, limit: int) -> list[tuple[Any, ...]]:
        """Raw event rows (id, type, audience, created_at, actor_id, mention_id, payload);
        on SQLite `created_at` and `payload` come as text (see events.encode_event)."""
        return await self.fetchall(_EVENTS_AFTER, (after, limit))

    async def last_event_id(self) -> int:
        row = await self.fetchone(_LAST_EVENT, ())
        return int(row[0]) if row is not None else 0

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
