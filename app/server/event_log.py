"""The event log's writing side: appending events inside the change's transaction, and giving
them their place in the log.

An event's `position` is the event id that streams and Last-Event-ID use. Positions become
visible in increasing order, so a reader that has seen 11 never meets a 10 later — the trap of
tailing by a sequence's id, where id 11 can commit before id 10.

SQLite: write transactions are serialised (BEGIN IMMEDIATE), so an event takes its place
(position = id) in the transaction that writes it.

PostgreSQL: event writers do not wait for one another. An event is written without a place;
after the commit, `place_events` (run by app/server/event_placer.py in every server process)
gives every committed, unplaced event the next positions in id order, in a short transaction
of its own that holds one advisory lock to its commit, and NOTIFYs the other processes. (Before,
every writer held that lock from its first event to its commit: in a storm a claim waited
behind each ingest batch's commit.) The fan-out (tailing, subscribers, streams) is
app/server/events.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.models.enums import EventType
from app.models.tables import Event
from app.server.bulk_insert import insert_json_rows
from app.server.db import Database

NOTIFY_CHANNEL = "responder_events"
# One arbitrary 64-bit key for "I am placing events" (ASCII "RESPEVNT").
PLACING_LOCK_KEY = 0x5245535045564E54
# Events placed per placing transaction at most (a backlog takes several).
PLACE_BATCH = 5000
MANAGERS = "manager"
_EVENTS: Table = Event.__table__  # type: ignore[assignment]
_WROTE = "responder_events_written"
_MANAGERS_AND = MANAGERS + "+"


def managers_and(user_id: int) -> str:
    """The audience of an event for one person and every manager (an on-call page)."""
    return f"{_MANAGERS_AND}{user_id}"


def audience_admits(audience: str | None, user_id: int, is_manager: bool) -> bool:
    """Whether an event of `audience` (None: everyone) is for this user."""
    if audience is None:
        return True
    if is_manager and (audience == MANAGERS or audience.startswith(_MANAGERS_AND)):
        return True
    return audience == managers_and(user_id)


# Positions after the last one, in id order, for the committed events without one. Run under
# the placing lock, so the last position read is the last one given.
_PLACE = text(
    """
    WITH newest AS (SELECT coalesce(max(position), 0) AS position FROM events),
    unplaced AS (
        SELECT id, row_number() OVER (ORDER BY id) AS n
        FROM (SELECT id FROM events WHERE position IS NULL ORDER BY id LIMIT :batch) AS oldest
    ),
    placed AS (
        UPDATE events SET position = newest.position + unplaced.n
        FROM newest, unplaced WHERE events.id = unplaced.id
        RETURNING 1
    )
    SELECT count(*) AS placed FROM placed
    """
)


def record_event(
    session: Session,
    type_: EventType,
    payload: dict[str, Any],
    *,
    at: datetime,
    mention_id: int | None = None,
    actor_id: int | None = None,
    audience: str | None = None,
) -> None:
    """Append one event in the caller's transaction."""
    session.add(
        Event(
            type=str(type_),
            payload=payload,
            created_at=at,
            mention_id=mention_id,
            actor_id=actor_id,
            audience=audience,
        )
    )
    session.flush()
    _wrote(session)


def record_events(
    session: Session,
    type_: EventType,
    payloads: Sequence[tuple[int | None, dict[str, Any]]],
    *,
    at: datetime,
    actor_id: int | None = None,
) -> None:
    """Append one event of `type_` per (mention id, payload), in order, in one statement (a
    batch's events)."""
    if not payloads:
        return
    rows = [
        {
            "type": str(type_),
            "payload": payload,
            "created_at": at,
            "mention_id": mention_id,
            "actor_id": actor_id,
            "audience": None,
        }
        for mention_id, payload in payloads
    ]
    if session.get_bind().dialect.name == "postgresql":
        insert_json_rows(session, _EVENTS, rows)  # ids in the rows' order
    else:
        session.execute(insert(_EVENTS), rows)  # Core: no objects are needed back
    _wrote(session)


def _wrote(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        # Serialised writers: this transaction's events are the only unplaced ones.
        session.execute(
            update(_EVENTS).where(_EVENTS.c.position.is_(None)).values(position=_EVENTS.c.id)
        )
    session.info[_WROTE] = True


def place_events(session: Session) -> int:
    """PostgreSQL: give committed events without a place the next positions, in id order (at
    most PLACE_BATCH); how many were placed. Run it in a transaction of its own and commit at
    once: the placing lock is held to the commit, so positions become visible in order. Events
    a writer has not committed yet are placed by the run after its commit."""
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PLACING_LOCK_KEY})
    placed = int(session.execute(_PLACE, {"batch": PLACE_BATCH}).scalar_one())
    if placed:
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})
    return placed


def install_commit_signal(db: Database, on_commit: Callable[[], None]) -> None:
    """Call `on_commit` after every commit of this process that wrote events."""

    def after_commit(session: Session) -> None:
        if session.info.pop(_WROTE, False):
            on_commit()

    def after_rollback(session: Session) -> None:
        session.info.pop(_WROTE, None)

    for maker in (db.write_sessions, db.read_sessions):
        sa_event.listen(maker, "after_commit", after_commit)
        sa_event.listen(maker, "after_rollback", after_rollback)


def last_event_id(session: Session) -> int:
    """The last position given (0 for an empty log)."""
    return int(session.scalar(select(func.coalesce(func.max(Event.position), 0))) or 0)
