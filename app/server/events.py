"""The event log's reading side: tailing new events and fanning them out to event streams.
Events are written inside each change's transaction; an event's id on the wire is its position
in the log, and positions become visible in increasing order (app/server/event_log.py): a
reader that advanced past 11 never misses a later 10.

Fan-out: one `EventHub` per process runs one tailer task. It wakes on an in-process signal
(a commit in this process), on LISTEN/NOTIFY (PostgreSQL, a dedicated psycopg async
connection) or on a slow poll (writes from other processes on SQLite, such as the CLI), reads
the new rows once, tells its listeners (the claims' `KnownMentions`, services/claims.py) of
each and puts them in every subscriber's queue as one `Delivery`: one queue entry per read,
not per event, with their frames joined once when everyone may see them all — a stream then
sends a storm's batch of a hundred events as one write, without looking at each (forty
streams looking at each event held the event loop for 20–30 ms a batch). Each SSE
connection (`EventStream`) subscribes first, replays from the database after its cursor,
then follows its queue, skipping ids it has already sent — so nothing is missed and nothing
is sent twice.

Slow consumers: a subscriber's queue holds at most `queue_size` events; a consumer that falls
further behind is dropped (its stream ends) and resumes with Last-Event-ID, and each
user has at most `cap` streams open (`open_stream`). While the database is away the tailer
retries at every poll; open streams stay open and carry on when it is back."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import anyio
from sqlalchemy import select

from app.models.enums import EventType
from app.models.tables import Event
from app.server.access import HandoffParties, StreamAccess, Viewer, parties_in_event
from app.server.db import CONNECT_TIMEOUT_SECONDS, Database, plain_postgres_url
from app.server.errors import DomainError
from app.server.event_log import NOTIFY_CHANNEL, audience_admits, last_event_id

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WireEvent:
    """One event ready to send: the SSE frame is encoded once and shared by all subscribers."""

    id: int
    type: str
    audience: str | None
    frame: bytes
    payload: Any = None  # as read: a dict, or JSON text on SQLite
    # A handoff's events carry its note and reason: only its parties and managers see them.
    parties: HandoffParties | None = None

    def visible_to(self, viewer: Viewer) -> bool:
        if self.parties is not None and not self.parties.include(viewer):
            return False
        return audience_admits(self.audience, viewer.user_id, viewer.role.is_manager)


def _iso_utc(value: datetime | str) -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def encode_event(row: Any) -> WireEvent:
    """One row (ORM/Core row, or a raw DB-API tuple in column order) → its SSE frame.
    A payload read raw from SQLite is already JSON text and is spliced in unparsed."""
    event_id, type_, audience, created_at, actor_id, mention_id, payload = tuple(row)
    payload_json = (
        payload
        if isinstance(payload, str)
        else json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    )
    head = json.dumps(
        {
            "id": event_id,
            "type": type_,
            "at": _iso_utc(created_at),
            "actor_id": actor_id,
            "mention_id": mention_id,
        },
        separators=(",", ":"),
    )
    body = f'{head[:-1]},"payload":{payload_json}}}'
    frame = f"id: {event_id}\r\nevent: {type_}\r\ndata: {body}\r\n\r\n".encode()
    parties = parties_in_event(payload) if type_ == EventType.HANDOFF_UPDATED else None
    return WireEvent(
        id=event_id, type=type_, audience=audience, frame=frame, payload=payload, parties=parties
    )


class Overflowed(Exception):
    """The subscriber fell too far behind: it is dropped and must resume from its cursor."""


@dataclass(frozen=True, slots=True, eq=False)
class Delivery:
    """New events in id order, as every subscriber's queue gets them from one read of the
    tailer; `public`: their frames joined, when every one is for everyone (no audience, no
    handoff parties) — else None, and each stream picks the ones its viewer may see."""

    events: tuple[WireEvent, ...]
    public: bytes | None

    @classmethod
    def of(cls, events: Sequence[WireEvent]) -> Delivery:
        everyone = all(e.audience is None and e.parties is None for e in events)
        return cls(tuple(events), b"".join(e.frame for e in events) if everyone else None)


_OVERFLOW = Delivery((), None)


@dataclass(eq=False)
class Subscriber:
    """One SSE connection's inbox, bounded: at most `limit` events wait in it. One more
    overflows it: the waiting events are let go at once (the stream resumes from the database
    by Last-Event-ID), only the overflow marker stays and the hub forgets the subscriber. A
    consumer that reads ends its stream at the marker; one that stopped reading holds nothing
    but the marker until the send timeout closes its connection (api/events.py)."""

    queue: asyncio.Queue[Delivery]
    limit: int
    overflowed: bool = False
    waiting: int = 0  # events in the queue

    def offer(self, delivery: Delivery) -> bool:
        if self.overflowed:
            return False
        if self.waiting + len(delivery.events) > self.limit:
            self.overflowed = True
            while not self.queue.empty():  # nothing needs them any more: free the memory
                self.queue.get_nowait()
            self.waiting = 0
            self.queue.put_nowait(_OVERFLOW)
            return False
        self.queue.put_nowait(delivery)
        self.waiting += len(delivery.events)
        return True

    async def next(self) -> Delivery:
        delivery = await self.queue.get()
        if delivery is _OVERFLOW:
            raise Overflowed
        self.waiting -= len(delivery.events)
        return delivery


class TooManyStreams(DomainError):
    """The user already has as many event streams open as allowed."""

    status_code = 429
    code = "too_many_streams"


class EventStream:
    """One SSE connection: its subscriber, its user's stream slot, and its frames.

    `frames()` replays from the database after the cursor, then follows the subscriber's queue,
    skipping ids already sent: nothing missed, nothing twice. It ends (the client resumes with
    Last-Event-ID) when the consumer falls more than the queue's limit behind, or when the
    database cannot be read, and when its viewer no longer has access (`access`: a revoked
    token or a deactivated user; a changed role re-filters what follows). `close()` gives the
    user's slot back (idempotent)."""

    def __init__(self, hub: EventHub, access: StreamAccess, after: int) -> None:
        self._hub = hub
        self.access = access
        self.user_id = access.viewer.user_id
        self.cursor = after
        self.subscriber = hub.subscribe()
        self.dropped = False
        self.revoked = False
        self._closed = False

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._hub._release(self)

    async def frames(self) -> AsyncIterator[bytes]:
        """The stream's bytes. Frames waiting together go out as one chunk (a wake's
        delivery, with what else waits up to about CHUNK_BYTES): one socket write per burst
        instead of one per event keeps the event loop free for other calls while many
        streams are fed."""
        sub = self.subscriber
        try:
            while True:
                try:
                    batch = await self._hub.read_after(self.cursor, REPLAY_PAGE)
                except Exception as exc:  # the database is away: end; the client resumes
                    log.info("event stream ends at %d: %s", self.cursor, exc)
                    return
                chunk = bytearray()
                for item in batch:
                    if item.visible_to(self.access.viewer):
                        chunk += item.frame
                    self.cursor = item.id
                    if len(chunk) >= CHUNK_BYTES:
                        yield bytes(chunk)
                        chunk.clear()
                if chunk:
                    yield bytes(chunk)
                if len(batch) < REPLAY_PAGE:
                    break
            overflowed = False
            while not overflowed:
                if not await self.access.still_allowed():
                    self.revoked = True
                    log.info("closed an event stream of user %d: access ended", self.user_id)
                    return
                if sub.queue.empty():  # wait, but not past the next access check
                    try:
                        async with asyncio.timeout(self.access.seconds_to_recheck()):
                            delivery = await sub.next()
                    except TimeoutError:
                        continue
                else:
                    delivery = await sub.next()
                parts: list[bytes] = []
                size = 0
                while True:
                    size += self._take(delivery, parts)
                    if size >= CHUNK_BYTES or sub.queue.empty():
                        break
                    try:
                        delivery = await sub.next()  # ready: does not wait
                    except Overflowed:
                        overflowed = True
                        break
                if parts:
                    yield parts[0] if len(parts) == 1 else b"".join(parts)
            raise Overflowed
        except Overflowed:
            self.dropped = True
            log.info("dropped a slow event stream of user %d at %d", self.user_id, self.cursor)
        finally:
            self.close()

    def _take(self, delivery: Delivery, parts: list[bytes]) -> int:
        """Add the frames of `delivery` this stream has not sent and its viewer may see to
        `parts`; return their size."""
        events = delivery.events
        if not events:
            return 0
        if delivery.public is not None and events[0].id > self.cursor:
            parts.append(delivery.public)
            self.cursor = events[-1].id
            return len(delivery.public)
        size = 0
        for item in events:
            if item.id > self.cursor:
                if item.visible_to(self.access.viewer):
                    parts.append(item.frame)
                    size += len(item.frame)
                self.cursor = item.id
        return size


BATCH = 1000
# Frames that wait together are sent as one chunk of about this size at most.
CHUNK_BYTES = 32 * 1024
# A stream replays the database in pages this small: a client that stops reading mid-replay
# holds at most one page in memory until it is dropped.
REPLAY_PAGE = 50


class EventHub:
    """One per process: tails the event table and fans new events out to SSE subscribers."""

    def __init__(
        self,
        db: Database,
        *,
        poll_seconds: float,
        queue_size: int,
        fetch_after: Callable[[int, int], Awaitable[list[tuple[Any, ...]]]] | None = None,
        listeners: Sequence[Callable[[WireEvent], None]] = (),
    ) -> None:
        self._db = db
        self._fetch_after = fetch_after
        self._poll_seconds = poll_seconds
        self._queue_size = queue_size
        self._subscribers: set[Subscriber] = set()
        self._streams_per_user: dict[int, int] = {}
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._last_id = 0
        self._failing = False  # the tailer's reads fail (logged once, and once when over)
        self._limiter = anyio.CapacityLimiter(4)
        # Told of every new event, in order, before any subscriber (on the loop: must not block).
        self._listeners = tuple(listeners)

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._last_id = await self._in_thread(self._read_last_id)
        self._tasks.append(asyncio.create_task(self._tail(), name="event-tailer"))
        if self._db.is_postgres:
            self._tasks.append(asyncio.create_task(self._listen(), name="event-listener"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()

    def wake_threadsafe(self) -> None:
        """Called after a local commit (from any thread): look for new events now."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(self._wake.set)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    # --- database reads ------------------------------------------------------------------------

    async def _in_thread(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await anyio.to_thread.run_sync(fn, *args, limiter=self._limiter)

    def _read_last_id(self) -> int:
        with self._db.read() as session:
            return last_event_id(session)

    def _read_after(self, after: int, limit: int) -> list[WireEvent]:
        with self._db.read() as session:
            rows = session.execute(
                select(
                    Event.position,  # the id on the wire: its place in the log (event_log.py)
                    Event.type,
                    Event.audience,
                    Event.created_at,
                    Event.actor_id,
                    Event.mention_id,
                    Event.payload,
                )
                .where(Event.position > after)
                .order_by(Event.position)
                .limit(limit)
            ).all()
        return [encode_event(row) for row in rows]

    async def read_after(self, after: int, limit: int = BATCH) -> list[WireEvent]:
        if self._fetch_after is not None:
            return [encode_event(row) for row in await self._fetch_after(after, limit)]
        result: list[WireEvent] = await self._in_thread(self._read_after, after, limit)
        return result

    # --- tailer --------------------------------------------------------------------------------

    async def _tail(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll_seconds):
                    await self._wake.wait()
            self._wake.clear()
            try:
                while True:
                    batch = await self.read_after(self._last_id)
                    if batch:
                        self._fan_out(batch)
                        self._last_id = batch[-1].id
                    if len(batch) < BATCH:
                        break
            except Exception as exc:  # the database is away: try again at the next wake or poll
                if not self._failing:
                    self._failing = True
                    log.warning("event tailer cannot read new events (%s); retrying", exc)
                continue
            if self._failing:
                self._failing = False
                log.warning("event tailer reads new events again from id %d", self._last_id)

    def _fan_out(self, batch: Sequence[WireEvent]) -> None:
        for item in batch:
            for listener in self._listeners:
                listener(item)
        delivery = Delivery.of(batch)
        dropped = [sub for sub in self._subscribers if not sub.offer(delivery)]
        for sub in dropped:
            self._subscribers.discard(sub)

    async def _listen(self) -> None:
        import psycopg

        url = plain_postgres_url(self._db.engine.url.render_as_string(hide_password=False))
        delay = 0.5
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
                ) as conn:
                    await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    delay = 0.5
                    self._wake.set()  # catch up on whatever happened while not listening
                    async for _notify in conn.notifies():
                        self._wake.set()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("LISTEN connection lost (%s); polling until it is back", exc)
            await asyncio.sleep(delay)  # reconnect backoff, not a wait for a condition
            delay = min(delay * 2, 10.0)

    # --- subscribers ---------------------------------------------------------------------------

    def subscribe(self) -> Subscriber:
        sub = Subscriber(queue=asyncio.Queue(), limit=self._queue_size)
        self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self._subscribers.discard(sub)

    def open_stream(self, access: StreamAccess, after: int, *, cap: int) -> EventStream:
        """A new event stream for the viewer, or TooManyStreams when `cap` are already open."""
        user_id = access.viewer.user_id
        open_now = self._streams_per_user.get(user_id, 0)
        if open_now >= cap:
            raise TooManyStreams(
                f"You already have {open_now} event streams open, the most allowed; close "
                "another console and try again (a connection lost without a goodbye stays "
                "counted until the server notices it is gone)."
            )
        self._streams_per_user[user_id] = open_now + 1
        return EventStream(self, access, after)

    def _release(self, stream: EventStream) -> None:
        self.unsubscribe(stream.subscriber)
        left = self._streams_per_user.get(stream.user_id, 0) - 1
        if left > 0:
            self._streams_per_user[stream.user_id] = left
        else:
            self._streams_per_user.pop(stream.user_id, None)

    def streams_of(self, user_id: int) -> int:
        return self._streams_per_user.get(user_id, 0)
