"""Consumer of the server's event stream (SSE): reconnects with backoff, resumes from the last
event id it saw, and reports whether the console is connected."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import httpx
from httpx_sse import SSEError, aconnect_sse
from pydantic import ValidationError

from app.client.connection.api import API_PREFIX
from app.client.connection.errors import token_refused_text
from app.models.schemas import EventPublic

log = logging.getLogger(__name__)


class ConnectionState(StrEnum):
    CONNECTING = "connecting"
    ONLINE = "online"
    OFFLINE = "offline"
    UNAUTHORIZED = "unauthorized"


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with full jitter; `maximum` caps the wait after many failures."""

    initial: float = 0.5
    maximum: float = 30.0

    def delay(self, attempt: int) -> float:
        ceiling = min(self.maximum, self.initial * (2 ** min(attempt, 16)))
        return random.uniform(ceiling / 2, ceiling)


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
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = token
        self.cursor = cursor
        self._on_event = on_event
        self._on_state = on_state
        self._backoff = backoff or Backoff()
        self._transport = transport
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
        # read=None: the stream is silent between events; keep-alive comments keep it open.
        timeout = httpx.Timeout(5.0, read=None)
        async with httpx.AsyncClient(
            base_url=self._base_url, timeout=timeout, transport=self._transport
        ) as client:
            while True:
                detail = ""
                try:
                    connected = await self._read_once(client)
                    if connected:
                        attempt = 0
                    detail = "The event stream ended."
                except _Refused as exc:
                    self._set_state(ConnectionState.UNAUTHORIZED, str(exc))
                    return
                except (httpx.TransportError, httpx.TimeoutException, SSEError) as exc:
                    detail = f"The server at {self._base_url} is unreachable ({exc!s})."
                    log.info("event stream lost: %s", exc)
                self._set_state(ConnectionState.OFFLINE, detail)
                await self._wait(self._backoff.delay(attempt))
                attempt += 1

    async def _wait(self, seconds: float) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)

    async def _read_once(self, client: httpx.AsyncClient) -> bool:
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
        return True


class _Refused(Exception):
    pass
