"""Reading a server's event stream in tests (httpx-sse), bounded by read timeouts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from httpx_sse import EventSource, connect_sse

# No event or keep-alive for this long means the stream is stuck: fail rather than hang.
READ_TIMEOUT = 10.0


@dataclass(frozen=True)
class ReceivedEvent:
    id: int
    type: str
    data: dict[str, Any]


@contextmanager
def open_stream(
    base_url: str, token: str, *, last_event_id: int | None = None
) -> Iterator[EventSource]:
    headers = {"Authorization": f"Bearer {token}"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    timeout = httpx.Timeout(10.0, read=READ_TIMEOUT)
    with (
        httpx.Client(base_url=base_url, timeout=timeout) as client,
        connect_sse(client, "GET", "/api/v1/events", headers=headers) as source,
    ):
        source.response.raise_for_status()
        yield source


def read_until(source: EventSource, last_id: int) -> list[ReceivedEvent]:
    """Events from the stream up to and including id `last_id` (ReadTimeout if it never comes)."""
    received: list[ReceivedEvent] = []
    if last_id <= 0:
        return received
    for sse in source.iter_sse():
        if not sse.data:
            continue  # a keep-alive comment, which httpx-sse reports as an empty event
        event = ReceivedEvent(id=int(sse.id), type=sse.event, data=json.loads(sse.data))
        received.append(event)
        if event.id >= last_id:
            break
    return received


def last_event_id(base_url: str) -> int:
    return int(httpx.get(f"{base_url}/api/v1/health", timeout=10).json()["last_event_id"])


def read_resuming(
    base_url: str, token: str, *, after: int, last_id: int, reconnects: int = 100
) -> tuple[list[ReceivedEvent], int]:
    """Events after `after` up to `last_id`, reconnecting with Last-Event-ID whenever the
    server ends the stream (as a console does); returns them and how many streams it took."""
    received: list[ReceivedEvent] = []
    cursor = after
    for streams in range(1, reconnects + 1):
        with open_stream(base_url, token, last_event_id=cursor) as source:
            for sse in source.iter_sse():
                if not sse.data:
                    continue
                event = ReceivedEvent(id=int(sse.id), type=sse.event, data=json.loads(sse.data))
                received.append(event)
                cursor = event.id
                if cursor >= last_id:
                    return received, streams
    raise AssertionError(f"not at event {last_id} after {reconnects} streams (at {cursor})")
