"""Helpers for fault drills against a live server: a console's event stream (the real client's
`EventStream`, resuming with Last-Event-ID) in a thread, steady load in a thread, and polling
with deadlines."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import httpx

from app.client.connection.events import Backoff, ConnectionState, EventStream
from app.models.schemas import EventPublic
from tests.support.live_server import LiveServer, mention_json

T = TypeVar("T")


def poll(check: Callable[[], T | None], timeout: float, what: str) -> T:
    """Call `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.02)  # a polling interval under a deadline, not a wait for a condition


class Console:
    """The client's event stream in a thread of its own, recording every event id it gets."""

    def __init__(self, base_url: str, token: str, cursor: int) -> None:
        self.ids: list[int] = []
        self.states: list[ConnectionState] = []
        self._seen = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self.stream = EventStream(
            base_url,
            token,
            cursor=cursor,
            on_event=self._on_event,
            on_state=lambda state, _detail: self.states.append(state),
            backoff=Backoff(initial=0.1, maximum=0.5),
        )
        self._task: asyncio.Task[None] | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._task = self._loop.create_task(self.stream.run())
        with contextlib.suppress(asyncio.CancelledError):
            self._loop.run_until_complete(self._task)

    def _on_event(self, event: EventPublic) -> None:
        with self._seen:
            self.ids.append(event.id)
            self._seen.notify_all()

    def wait_for(self, event_id: int, timeout: float = 15.0) -> None:
        with self._seen:
            ok = self._seen.wait_for(lambda: bool(self.ids) and self.ids[-1] >= event_id, timeout)
        assert ok, f"the console never got event {event_id} (last: {self.ids[-1:]})"

    def close(self) -> None:
        if self._task is not None:
            self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(timeout=10)


@dataclass
class Answer:
    at: float
    path: str
    status: int
    detail: str
    retry_after: str | None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Load:
    """Reads and writes in a loop (a rep's list, /health, the webhook's ingest) until
    stopped, recording every answer; an ingest that was refused is sent again."""

    server: LiveServer
    token: str
    answers: list[Answer] = field(default_factory=list)
    ingested: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _record(self, path: str, response: httpx.Response) -> bool:
        detail = ""
        try:
            body = response.json()
        except ValueError:  # not JSON (a plain "Internal Server Error")
            body = {"detail": response.text}
        detail = body.get("detail", "") if isinstance(body, dict) else ""
        self.answers.append(
            Answer(
                time.monotonic(),
                path,
                response.status_code,
                str(detail),
                response.headers.get("Retry-After"),
            )
        )
        return response.is_success

    def successes_after(self, moment: float, path: str) -> int:
        return sum(1 for a in self.answers if a.at > moment and a.path == path and a.ok)

    def _call(self, client: httpx.Client, path: str, method: str, url: str, **kw: object) -> bool:
        try:
            response = client.request(method, url, **kw)  # type: ignore[arg-type]
        except httpx.TransportError as exc:  # no answer at all (a dropped connection)
            self.answers.append(Answer(time.monotonic(), path, 0, str(exc), None))
            return False
        return self._record(path, response)

    def _run(self) -> None:
        n = 0
        rep = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.server.base_url, timeout=10) as client:
            while not self._stop.is_set():
                self._call(client, "/mentions", "GET", "/api/v1/mentions", headers=rep)
                self._call(client, "/health", "GET", "/api/v1/health")
                mention = mention_json(f"load-{id(self)}-{n}")
                admin = self.server.headers()
                if self._call(
                    client, "ingest", "POST", "/api/v1/mentions", json=mention, headers=admin
                ):
                    n += 1
                    self.ingested = n
