"""The event log's writing side: appending events inside the change's transaction, in id order.

On PostgreSQL every event-writing transaction takes one transaction-scoped advisory lock just
before its first event insert (after its row locks), so event writers are serialised from id
allocation to commit; the same statement NOTIFYs the other processes. On SQLite, write
transactions are already serialised (BEGIN IMMEDIATE). The fan-out (tailing, subscribers,
streams) is app/server/events.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.models.enums import EventType
from app.models.tables import Event
from app.server.db import Database

NOTIFY_CHANNEL = "responder_events"
# One arbitrary 64-bit key for "I am writing events" (ASCII "RESPEVNT").
EVENT_LOCK_KEY = 0x5245535045564E54
MANAGERS = "manager"
_LOCKED = "responder_event_lock"
_EVENTS: Table = Event.__table__  # type: ignore[assignment]
_WROTE = "responder_events_written"


def record_event(
    session: Session,
    type_: EventType,
    payload: dict[str, Any],
    *,
    at: datetime,
    mention_id: int | None = None,
    actor_id: int | None = None,
    audience: str | None = None,
) -> Event:
    """Append one event in the caller's transaction. Call it after the state changes are
    flushed: on PostgreSQL it takes the event-order lock, which must come after row locks."""
    _take_event_lock(session)
    row = Event(
        type=str(type_),
        payload=payload,
        created_at=at,
        mention_id=mention_id,
        actor_id=actor_id,
        audience=audience,
    )
    session.add(row)
    session.flush()
    session.info[_WROTE] = True
    return row


def record_events(
    session: Session,
    type_: EventType,
    payloads: Sequence[tuple[int | None, dict[str, Any]]],
    *,
    at: datetime,
    actor_id: int | None = None,
) -> None:
    """Append one event of `type_` per (mention id, payload), in order, in one statement (a
    batch's events: see `record_event` for when to call it)."""
    if not payloads:
        return
    session.flush()  # the caller's pending rows come before the event-order lock
    _take_event_lock(session)
    session.execute(
        insert(_EVENTS),  # Core, not the ORM's bulk insert: no objects are needed back
        [
            {
                "type": str(type_),
                "payload": payload,
                "created_at": at,
                "mention_id": mention_id,
                "actor_id": actor_id,
                "audience": None,
            }
            for mention_id, payload in payloads
        ],
    )
    session.info[_WROTE] = True


def _take_event_lock(session: Session) -> None:
    if not session.info.get(_LOCKED):
        if session.get_bind().dialect.name == "postgresql":
            # One round trip: from here to the commit every other event writer waits.
            session.execute(
                text("SELECT pg_advisory_xact_lock(:key), pg_notify(:channel, '')"),
                {"key": EVENT_LOCK_KEY, "channel": NOTIFY_CHANNEL},
            )
        session.info[_LOCKED] = True


def install_commit_signal(db: Database, on_commit: Callable[[], None]) -> None:
    """Call `on_commit` after every commit of this process that wrote events."""

    def after_commit(session: Session) -> None:
        wrote = session.info.pop(_WROTE, False)
        session.info.pop(_LOCKED, None)
        if wrote:
            on_commit()

    def after_rollback(session: Session) -> None:
        session.info.pop(_WROTE, None)
        session.info.pop(_LOCKED, None)

    for maker in (db.write_sessions, db.read_sessions):
        sa_event.listen(maker, "after_commit", after_commit)
        sa_event.listen(maker, "after_rollback", after_rollback)


def last_event_id(session: Session) -> int:
    return int(session.scalar(select(func.coalesce(func.max(Event.id), 0))) or 0)
