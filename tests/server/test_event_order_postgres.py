"""Concurrent writers on PostgreSQL never make a reader skip an event.

The trap: ids come from a sequence, so id 11 can commit before id 10; a reader that saw 11
and moved its cursor would never see 10. Writers do not wait for one another: events are
placed after their commit (event_log.place_events, one placer at a time), and readers follow
positions, which become visible in order. These tests interleave writers and placers hard and
check that a tailing reader saw every event, once, in order."""

from __future__ import annotations

import json
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
from app.server.event_log import place_events, record_event
from app.server.migrate import upgrade_to_head
from tests.support.live_server import LiveServer, mention_json, start_live_server
from tests.support.sse import last_event_id, open_stream, read_until

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

WRITERS = 8
WRITES_EACH = 40
PLACERS = 2  # as two server processes would


def _all_positions(db: Database) -> list[int]:
    """The placed events' positions, in order (an event committed as a server stopped may be
    left unplaced: it has no position on the wire yet)."""
    with db.read() as session:
        return list(
            session.scalars(
                select(Event.position).where(Event.position.is_not(None)).order_by(Event.position)
            )
        )


def _place_all(db: Database) -> int:
    with db.write() as session:
        return place_events(session)


def test_tailing_reader_never_skips(postgres_url: str) -> None:
    db = open_database(postgres_url)
    upgrade_to_head(db)
    writing = threading.Event()  # the placers run while it is set
    writing.set()
    placed_all = threading.Event()  # every event is placed: the reader's last read
    seen: list[int] = []

    def writer(n: int) -> None:
        for i in range(WRITES_EACH):
            with db.write() as session:
                record_event(
                    session, EventType.MENTION_UPDATED, {"writer": n, "i": i}, at=datetime.now(UTC)
                )
                # Hold the transaction open a random moment after the insert, so commits
                # land out of id order.
                session.execute(text("SELECT pg_sleep(random() * 0.004)"))

    def placer() -> None:
        while writing.is_set():
            _place_all(db)

    def reader() -> None:
        cursor = 0
        while True:
            finished = placed_all.is_set()  # read once more after the last placing
            with db.read() as session:
                positions = list(
                    session.scalars(
                        select(Event.position)
                        .where(Event.position > cursor)
                        .order_by(Event.position)
                    )
                )
            seen.extend(positions)
            if positions:
                cursor = positions[-1]
            if finished:
                return

    try:
        threads = [threading.Thread(target=placer) for _ in range(PLACERS)]
        for thread in threads:
            thread.start()
        reader_thread = threading.Thread(target=reader)
        reader_thread.start()
        with ThreadPoolExecutor(WRITERS) as pool:
            list(pool.map(writer, range(WRITERS)))
        writing.clear()
        for thread in threads:
            thread.join(timeout=60)
        _place_all(db)  # what was committed after the placers' last run
        placed_all.set()
        reader_thread.join(timeout=60)
        assert not reader_thread.is_alive()
        everything = _all_positions(db)
        assert everything == list(range(1, WRITERS * WRITES_EACH + 1))  # each placed, no gap
        assert seen == everything, f"reader skipped {sorted(set(everything) - set(seen))[:10]}"
        with db.read() as session:
            by_id = list(session.scalars(select(Event.position).order_by(Event.id)))
        # The trap was there to fall into: some events committed out of id order.
        assert by_id != sorted(by_id)
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

        written: list[int] = []  # the writers' mention ids

        def write(n: int) -> None:
            server = servers[n % 2]
            with httpx.Client(base_url=server.base_url, headers=server.headers()) as client:
                for i in range(15):
                    body = mention_json(f"order-{n}-{i}")
                    created = client.post("/api/v1/mentions", json=body).json()["created"]
                    written.append(created[0])
                    claim = client.post(f"/api/v1/mentions/{created[0]}/claim", json={"version": 1})
                    assert claim.status_code == 200, claim.text

        with open_stream(first.base_url, first.admin_token, last_event_id=start) as stream:
            with ThreadPoolExecutor(WRITERS) as pool:
                list(pool.map(write, range(WRITERS)))
            end = last_event_id(second.base_url)
            received = read_until(stream, end)

    db = open_database(first.database_url)
    try:
        # Up to `end`, the log's end once every write had answered (/health places what
        # waits): the servers' own jobs may add events after it, which this read never asked for.
        expected = [i for i in _all_positions(db) if start < i <= end]
        with db.read() as session:
            writers_events = set(
                session.scalars(select(Event.position).where(Event.mention_id.in_(written)))
            )
    finally:
        db.dispose()
    assert [e.id for e in received] == expected
    assert len(writers_events) == WRITERS * 15 * 2  # each mention's arrival and its claim
    assert writers_events <= set(expected)


def test_events_a_dead_writer_left_unplaced_still_reach_the_streams(
    postgres_live_server: LiveServer,
) -> None:
    """A process that committed events and died before placing them (here: this test, which
    runs no placer): the server's placer finds them at its next poll."""
    server = postgres_live_server
    start = last_event_id(server.base_url)
    db = open_database(server.database_url)
    try:
        with db.write() as session:
            for i in range(3):
                record_event(
                    session, EventType.MENTION_UPDATED, {"orphan": i}, at=datetime.now(UTC)
                )
        # The server's own events may be placed among them (one it committed before `start`
        # was read can be placed after): the three are told apart by their payload.
        orphans: list[tuple[int, int]] = []  # (event id, its "orphan")
        with open_stream(server.base_url, server.admin_token, last_event_id=start) as stream:
            for sse in stream.iter_sse():
                payload = json.loads(sse.data).get("payload", {}) if sse.data else {}
                if "orphan" in payload:
                    orphans.append((int(sse.id), payload["orphan"]))
                if len(orphans) == 3:
                    break
        assert [orphan for _id, orphan in orphans] == [0, 1, 2]
        ids = [event_id for event_id, _orphan in orphans]
        assert start < ids[0] < ids[1] < ids[2]
    finally:
        db.dispose()
