"""The event stream against a real server: live events, resume from Last-Event-ID, and
reconnecting after the network drops."""

from __future__ import annotations

import asyncio
import contextlib

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
