"""Consumer of the server's event stream (SSE): reconnects with backoff, resumes from the last
event id it saw, and reports whether the console is connected.

A stream that stayed connected for a while and then dropped starts its backoff afresh. A
connection that silently died (a laptop's Wi-Fi gone, a NAT that forgot it) is noticed by TCP
keepalive and by a read timeout longer than the server's keep-alive comments (15 s)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from httpx_sse import SSEError, aconnect_sse
from pydantic import ValidationError

from app.client.connection.api import API_PREFIX
from app.client.connection.errors import token_refused_text
from app.client.connection.state import ConnectionState as ConnectionState  # re-exported
from app.models.schemas import EventPublic

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with full jitter; `maximum` caps the wait after many failures."""

    initial: float = 0.5
    maximum: float = 30.0
    # A stream online this long was healthy: after it drops, the waits start again from
    # `initial` (rather than from where earlier failures had left them).
    healthy_after: float = 10.0

    def delay(self, attempt: int) -> float:
        ceiling = min(self.maximum, self.initial * (2 ** min(attempt, 16)))
        return random.uniform(ceiling / 2, ceiling)


# Silence longer than this on an open stream means the connection is dead: three of the
# server's keep-alive comments (every 15 s by default) have not arrived.
READ_TIMEOUT = 45.0


def keepalive_options() -> list[tuple[int, int, int]]:
    """TCP keepalive on the stream's socket: probes after 30 s idle, every 10 s, 3 tries
    (where the platform names these options)."""
    options = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
    for name, value in (("TCP_KEEPIDLE", 30), ("TCP_KEEPINTVL", 10), ("TCP_KEEPCNT", 3)):
        number = getattr(socket, name, None)
        if number is not None:
            options.append((socket.IPPROTO_TCP, number, value))
    return options


class EventStream:
    """Reads `GET /api/v1/events` forever (until cancelled), calling `on_event` for each new
    event in id order and `on_state` whenever the connection state changes."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        cursor: int | None,
        on_event: Callable[[EventPublic], None],
        on_state: Callable[[ConnectionState, str], None],
        backoff: Backoff | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        read_timeout: float = READ_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = token
        self.cursor = cursor
        self._on_event = on_event
        self._on_state = on_state
        self._backoff = backoff or Backoff()
        self._transport = transport
        self._read_timeout = read_timeout
        self._clock = clock
        self._online_since: float | None = None
        self._wake = asyncio.Event()
        self.state = ConnectionState.CONNECTING

    def reconnect_now(self) -> None:
        """Skip the current backoff wait (e.g. the OS says the network is back)."""
        self._wake.set()

    def _set_state(self, state: ConnectionState, detail: str = "") -> None:
        if state != self.state:
            self.state = state
            self._on_state(state, detail)

    async def run(self) -> None:
        """Read, reconnecting with backoff, until cancelled — or until the server refuses the
        token: then the state is UNAUTHORIZED and `run` returns (retrying cannot help; a new
        token makes a new stream)."""
        attempt = 0
        # The stream is silent between events but for the server's keep-alive comments: a
        # longer silence is a dead connection.
        timeout = httpx.Timeout(5.0, read=self._read_timeout)
        transport = self._transport or httpx.AsyncHTTPTransport(socket_options=keepalive_options())
        async with httpx.AsyncClient(
            base_url=self._base_url, timeout=timeout, transport=transport
        ) as client:
            while True:
                detail = ""
                self._online_since = None
                try:
                    await self._read_once(client)
                    detail = "The event stream ended."
                except _Refused as exc:
                    self._set_state(ConnectionState.UNAUTHORIZED, str(exc))
                    return
                except (httpx.TransportError, httpx.TimeoutException, SSEError) as exc:
                    detail = f"The server at {self._base_url} is unreachable ({exc!s})."
                    log.info("event stream lost: %s", exc)
                if self._was_healthy():
                    attempt = 0
                self._set_state(ConnectionState.OFFLINE, detail)
                await self._wait(self._backoff.delay(attempt))
                attempt += 1

    def _was_healthy(self) -> bool:
        """Whether the stream that just ended had been online for `healthy_after`."""
        since = self._online_since
        return since is not None and self._clock() - since >= self._backoff.healthy_after

    async def _wait(self, seconds: float) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)

    async def _read_once(self, client: httpx.AsyncClient) -> None:
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "text/event-stream"}
        if self.cursor is not None:
            headers["Last-Event-ID"] = str(self.cursor)
        self._set_state(ConnectionState.CONNECTING)
        async with aconnect_sse(client, "GET", API_PREFIX + "/events", headers=headers) as source:
            status = source.response.status_code
            if status in (401, 403):
                raise _Refused(token_refused_text(self._base_url))
            if status >= 400:
                raise httpx.TransportError(f"event stream answered HTTP {status}")
            self._set_state(ConnectionState.ONLINE)
            self._online_since = self._clock()
            async for sse in source.aiter_sse():
                if not sse.data:
                    continue
                try:
                    event = EventPublic.model_validate_json(sse.data)
                except ValidationError:
                    log.warning("skipping malformed event %r", sse.id)
                    continue
                if self.cursor is not None and event.id <= self.cursor:
                    continue
                self.cursor = event.id
                self._on_event(event)


class _Refused(Exception):
    pass
