"""PostgreSQL: the task that places committed events in the log (event_log.place_events), one
per server process. A commit of this process that wrote events wakes it; so does the poll, for
events whose writer died between its commit and placing them. Runs back to back coalesce: one
placing transaction takes every event committed by then, so a storm's many commits cost a few
placings, not one each. After placing it wakes this process's event tailer (the others hear
the NOTIFY)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import anyio
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.models.tables import Event
from app.server.db import Database
from app.server.event_log import PLACE_BATCH, place_events

log = logging.getLogger(__name__)

_ANY_UNPLACED = select(exists().where(Event.position.is_(None)))
# How long `settle` waits for a placing run at most.
SETTLE_SECONDS = 5.0


class EventPlacer:
    def __init__(self, db: Database, *, poll_seconds: float, on_placed: Callable[[], None]) -> None:
        self._db = db
        self._poll_seconds = poll_seconds
        self._on_placed = on_placed
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        # Its own thread slot: placing never queues behind requests for the shared pool.
        self._limiter = anyio.CapacityLimiter(1)
        self._failing = False
        self._started = 0  # placing runs begun, and ended (placed or failed)
        self._ended = 0
        self._run_ended = asyncio.Condition()

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake.set()  # events left unplaced by a process that stopped
        self._task = asyncio.create_task(self._run(), name="event-placer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    def wake_threadsafe(self) -> None:
        """Called after a local commit that wrote events (from any thread)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(self._wake.set)

    async def settle(self, seconds: float = SETTLE_SECONDS) -> None:
        """Return once a placing run that began after this call has ended: every event
        committed before the call then has its place (unless the database failed it). Gives up
        quietly after `seconds`."""
        target = self._started + 1
        self._wake.set()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds), self._run_ended:
                await self._run_ended.wait_for(lambda: self._ended >= target)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll_seconds):
                    await self._wake.wait()
            self._wake.clear()
            self._started += 1
            try:
                placed = await self._run_once()
            finally:
                self._ended += 1
                async with self._run_ended:
                    self._run_ended.notify_all()
            if placed:
                self._on_placed()

    async def _run_once(self) -> int:
        try:
            placed: int = await anyio.to_thread.run_sync(self._place, limiter=self._limiter)
        except Exception as exc:  # the database is away: again at the next wake or poll
            if not self._failing:
                self._failing = True
                log.warning("cannot place new events in the log (%s); retrying", exc)
            return 0
        if self._failing:
            self._failing = False
            log.warning("placing new events in the log again")
        return placed

    def _place(self) -> int:
        # Keeping the log in order changes no shared state: a plain transaction, not one of
        # the write transactions requests open (db.write).
        total = 0
        while True:
            with Session(self._db.engine) as session, session.begin():
                if not session.scalar(_ANY_UNPLACED):
                    return total  # the poll, or another process placed them: no lock taken
                placed = place_events(session)
            total += placed
            if placed < PLACE_BATCH:
                return total
