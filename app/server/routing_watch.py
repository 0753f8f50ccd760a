"""Hands out waiting mentions as capacity frees: a listener of the event hub wakes a thread of
its own whenever a mention of some team changes (answered, resolved, released, snoozed, handed
on: someone may have room now), and the thread runs `route_waiting` in a write transaction.

Wakes that arrive while it runs fold into one more run, so a burst of changes costs a run or
two, not one each. Every server process runs one; their runs take the teams' routing locks in
turn, and a waiting mention changes hands only by a compare-and-set, so two processes never
hand out one mention twice. The upkeep round (app/server/app.py) runs the same hand-out as a
safety net."""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

from app.models.enums import EventType
from app.server.clock import Clock
from app.server.db import Database
from app.server.errors import LoopFailures
from app.server.events import WireEvent
from app.server.services.routing_queue import route_waiting

log = logging.getLogger(__name__)

_MENTION_CHANGES = frozenset({str(EventType.MENTION_UPDATED), str(EventType.REPLY_UPDATED)})
# A mention of some team, found in the event's JSON text without parsing it.
_OF_A_TEAM = re.compile(r'"team_id":\s?\d')


def _of_a_team(payload: Any) -> bool:
    if isinstance(payload, str):
        return _OF_A_TEAM.search(payload) is not None
    if isinstance(payload, dict):
        mention = payload.get("mention")
        return isinstance(mention, dict) and mention.get("team_id") is not None
    return False


class WaitingRouter:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._runs = 0
        self._done = threading.Condition()

    def observe(self, event: WireEvent) -> None:
        if event.type in _MENTION_CHANGES and _of_a_team(event.payload):
            self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="waiting-router", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    @property
    def runs(self) -> int:
        """How many hand-outs this router has run (tests wait for the next one)."""
        with self._done:
            return self._runs

    def wait_for_runs(self, count: int, timeout: float = 30.0) -> bool:
        with self._done:
            return self._done.wait_for(lambda: self._runs >= count, timeout)

    def _run(self) -> None:
        failures = LoopFailures(log, "hand-out of waiting mentions")
        while True:
            self._wake.wait()
            if self._stopping:
                return
            self._wake.clear()
            try:
                with self._db.write() as session:
                    route_waiting(session, self._clock())
            except Exception as exc:  # the database is away: the next change or round retries
                failures.failed(exc)
            else:
                failures.succeeded()
            with self._done:
                self._runs += 1
                self._done.notify_all()
