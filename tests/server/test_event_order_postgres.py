"""Concurrent writers on PostgreSQL never make a reader skip an event.

The trap: ids come from a sequence, so id 11 can commit before id 10; a reader that saw 11
and moved its cursor would never see 10. The event log serialises event writers (advisory
lock from id allocation to commit), so ids become visible in order. These tests try hard to
interleave writers and check that a tailing reader saw every id."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text

from app.models.enums import EventType
from app.models.tables import Event
from app.server.db import Database, open_database
from app.server.event_log import record_event
from app.server.migrate import upgrade_to_head
from tests.support.live_server import LiveServer, mention_json, start_live_server
from tests.support.sse import last_event_id, open_stream, read_until

pytestmark = pytest.mark.postgres

WRITERS = 8
WRITES_EACH = 40


def _all_ids(db: Database) -> list[int]:
    with db.read() as session:
        return list(session.scalars(select(Event.id).order_by(Event.id)))


def test_tailing_reader_never_skips(postgres_url: str) -> None:
    db = open_database(postgres_url)
    upgrade_to_head(db)
    done = threading.Event()
    seen: list[int] = []

    def writer(n: int) -> None:
        for i in range(WRITES_EACH):
            with db.write() as session:
                record_event(
                    session, EventType.MENTION_UPDATED, {"writer": n, "i": i}, at=datetime.now(UTC)
                )
                # Hold the transaction open a random moment after the insert, so commits
                # would land out of id order if nothing kept them in order.
                session.execute(text("SELECT pg_sleep(random() * 0.004)"))

    def reader() -> None:
        cursor = 0
        while True:
            finished = done.is_set()  # read once more after the writers are done
            with db.read() as session:
                ids = list(
                    session.scalars(select(Event.id).where(Event.id > cursor).order_by(Event.id))
                )
            seen.extend(ids)
            if ids:
                cursor = ids[-1]
            if finished:
                return

    try:
        reader_thread = threading.Thread(target=reader)
        reader_thread.start()
        with ThreadPoolExecutor(WRITERS) as pool:
            list(pool.map(writer, range(WRITERS)))
        done.set()
        reader_thread.join(timeout=60)
        assert not reader_thread.is_alive()
        everything = _all_ids(db)
        assert len(everything) == WRITERS * WRITES_EACH
        assert seen == everything, f"reader skipped {sorted(set(everything) - set(seen))[:10]}"
    finally:
        db.dispose()


def test_sse_reader_sees_every_event_from_two_server_processes(
    postgres_live_server: LiveServer, tmp_path: Path
) -> None:
    """Writers hit two server processes on one database; a stream on the first one must
    deliver every event either process wrote (LISTEN/NOTIFY wakes the other's tailer)."""
    first = postgres_live_server
    with start_live_server(tmp_path / "second", database_url=first.database_url) as second:
        servers = [first, second]
        start = last_event_id(first.base_url)

        def write(n: int) -> None:
            server = servers[n % 2]
            with httpx.Client(base_url=server.base_url, headers=server.headers()) as client:
                for i in range(15):
                    body = mention_json(f"order-{n}-{i}")
                    created = client.post("/api/v1/mentions", json=body).json()["created"]
                    client.post(f"/api/v1/mentions/{created[0]}/claim", json={"version": 1})

        with open_stream(first.base_url, first.admin_token, last_event_id=start) as stream:
            with ThreadPoolExecutor(WRITERS) as pool:
                list(pool.map(write, range(WRITERS)))
            end = last_event_id(second.base_url)
            received = read_until(stream, end)

    db = open_database(first.database_url)
    try:
        expected = [i for i in _all_ids(db) if i > start]
    finally:
        db.dispose()
    assert [e.id for e in received] == expected
    assert len(expected) >= WRITERS * 15 * 2
