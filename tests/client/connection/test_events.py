"""The event stream against a real server: live events, resume from Last-Event-ID, and
reconnecting after the network drops."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil

import pytest

from app.client.connection.errors import token_refused_text
from app.client.connection.events import Backoff, ConnectionState, EventStream
from app.models.enums import EventType
from app.models.schemas import EventPublic
from tests.client.netcut import network_between
from tests.support.live_server import LiveServer, mention_json


class Recorder:
    def __init__(self) -> None:
        self.events: asyncio.Queue[EventPublic] = asyncio.Queue()
        self.states: asyncio.Queue[ConnectionState] = asyncio.Queue()

    def on_event(self, event: EventPublic) -> None:
        self.events.put_nowait(event)

    def on_state(self, state: ConnectionState, _detail: str) -> None:
        self.states.put_nowait(state)

    async def state(self, wanted: ConnectionState, limit: float = 15.0) -> None:
        async with asyncio.timeout(limit):
            while await self.states.get() is not wanted:
                pass

    async def created(self, external_id: str, limit: float = 15.0) -> EventPublic:
        async with asyncio.timeout(limit):
            while True:
                event = await self.events.get()
                mention = event.payload.get("mention", {})
                if (
                    event.type is EventType.MENTION_CREATED
                    and mention.get("external_id") == external_id
                ):
                    return event


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_live_events_and_resume_from_cursor(live_server: LiveServer) -> None:
    first = Recorder()
    stream = EventStream(
        live_server.base_url,
        live_server.admin_token,
        cursor=None,
        on_event=first.on_event,
        on_state=first.on_state,
    )
    task = asyncio.create_task(stream.run())
    await first.state(ConnectionState.ONLINE)
    live_server.ingest([mention_json("ev-1", "first")])
    seen = await first.created("ev-1")
    await _stop(task)
    assert stream.cursor == seen.id

    # While nobody listens, two more mentions arrive; a resumed stream gets exactly those.
    live_server.ingest([mention_json("ev-2", "second"), mention_json("ev-3", "third")])
    resumed = Recorder()
    again = EventStream(
        live_server.base_url,
        live_server.admin_token,
        cursor=seen.id,
        on_event=resumed.on_event,
        on_state=resumed.on_state,
    )
    task = asyncio.create_task(again.run())
    second = await resumed.created("ev-2")
    third = await resumed.created("ev-3")
    await _stop(task)
    assert seen.id < second.id < third.id


async def test_reconnects_after_the_network_drops(live_server: LiveServer) -> None:
    with network_between(live_server.base_url) as link:
        recorder = Recorder()
        stream = EventStream(
            link.base_url,
            live_server.admin_token,
            cursor=None,
            on_event=recorder.on_event,
            on_state=recorder.on_state,
            backoff=Backoff(initial=0.05, maximum=0.2),
        )
        task = asyncio.create_task(stream.run())
        await recorder.state(ConnectionState.ONLINE)
        link.cut()
        await recorder.state(ConnectionState.OFFLINE)
        live_server.ingest([mention_json("ev-offline", "sent while the console was away")])
        link.connect()
        stream.reconnect_now()
        await recorder.state(ConnectionState.ONLINE)
        missed = await recorder.created("ev-offline")
        await _stop(task)
        assert missed.payload["mention"]["text"] == "sent while the console was away"


async def test_a_stream_that_was_healthy_starts_its_backoff_afresh(
    live_server: LiveServer,
) -> None:
    """Twelve failures in a row push the wait towards the maximum; a stream that then stays
    online for `healthy_after` and drops waits the initial backoff again, not the maximum."""
    now = [1000.0]
    with network_between(live_server.base_url) as link:
        link.cut()
        recorder = Recorder()
        stream = EventStream(
            link.base_url,
            live_server.admin_token,
            cursor=None,
            on_event=recorder.on_event,
            on_state=recorder.on_state,
            backoff=Backoff(initial=0.05, maximum=60.0, healthy_after=10.0),
            clock=lambda: now[0],
        )
        task = asyncio.create_task(stream.run())
        for _ in range(12):
            await recorder.state(ConnectionState.OFFLINE)
            stream.reconnect_now()  # skip the wait, keep the count of failures
        link.connect()
        stream.reconnect_now()
        await recorder.state(ConnectionState.ONLINE)
        now[0] += 11.0  # online and healthy for longer than healthy_after
        link.cut()
        await recorder.state(ConnectionState.OFFLINE)
        link.connect()
        await recorder.state(ConnectionState.ONLINE, limit=5.0)  # the maximum would be 30-60 s
        await _stop(task)


class ScriptedSse:
    """A real tiny HTTP server answering `GET /api/v1/events` from a script, one answer per
    connection: "silent" (200, one comment, then nothing while the connection stays open),
    "close" (200, one comment, then closed) or "401" (the token refused)."""

    def __init__(self, answers: list[str]) -> None:
        self._answers = answers
        self._writers: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> ScriptedSse:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_: object) -> None:
        for writer in self._writers:
            writer.transport.abort()
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)
        await reader.readuntil(b"\r\n\r\n")
        answer = self._answers.pop(0) if self._answers else "401"
        if answer == "401":
            body = b'{"detail": "Your token is not accepted."}'
            writer.write(
                b"HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n"
                b"content-length: %d\r\n\r\n%s" % (len(body), body)
            )
            await writer.drain()
            writer.close()
            return
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
            b"cache-control: no-cache\r\nconnection: close\r\n\r\n: keep-alive\r\n\r\n"
        )
        await writer.drain()
        if answer == "close":
            writer.close()


async def test_a_silent_connection_is_noticed_and_has_tcp_keepalive() -> None:
    """A half-open connection (nothing arrives, not even keep-alive comments) is taken for
    lost after the read timeout; its socket has TCP keepalive on."""
    ss_program = shutil.which("ss")  # iproute2: how a socket's options are read from outside
    if ss_program is None and os.environ.get("CI"):
        pytest.fail("CI needs `ss` (iproute2) to check the stream's TCP keepalive")
    async with ScriptedSse(["silent", "silent"]) as server:
        recorder = Recorder()
        stream = EventStream(
            server.base_url,
            "token",
            cursor=None,
            on_event=recorder.on_event,
            on_state=recorder.on_state,
            backoff=Backoff(initial=30.0, maximum=30.0),
            read_timeout=1.0,
        )
        task = asyncio.create_task(stream.run())
        await recorder.state(ConnectionState.ONLINE, limit=5.0)
        if ss_program is not None:
            ss = await asyncio.create_subprocess_exec(
                ss_program,
                "-tnoH",
                "state",
                "established",
                f"( dport = :{server.port} )",
                stdout=asyncio.subprocess.PIPE,
            )
            sockets = (await ss.communicate())[0].decode()
            assert "keepalive" in sockets, sockets
        await recorder.state(ConnectionState.OFFLINE, limit=5.0)
        await _stop(task)
    if ss_program is None:  # the half-open part was checked; keepalive could not be
        pytest.skip("TCP keepalive not checked: `ss` (iproute2) is missing")


async def test_a_token_refused_after_a_live_stream_stops_reconnecting() -> None:
    """The server closes a live stream (the token was revoked) and answers the reconnect with
    401: the stream says so in the console's sentence and stops; retrying cannot help."""
    async with ScriptedSse(["close", "401"]) as server:
        states: list[tuple[ConnectionState, str]] = []
        stream = EventStream(
            server.base_url,
            "revoked",
            cursor=None,
            on_event=lambda _event: None,
            on_state=lambda state, detail: states.append((state, detail)),
            backoff=Backoff(initial=0.01, maximum=0.05),
        )
        await asyncio.wait_for(stream.run(), 10)  # returns by itself
    assert ConnectionState.ONLINE in [state for state, _ in states]
    assert states[-1] == (ConnectionState.UNAUTHORIZED, token_refused_text(server.base_url))
