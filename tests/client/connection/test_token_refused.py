"""A token the server refuses (wrong, or revoked while running) against a real server: the
event stream and the session reach a distinct UNAUTHORIZED state, say so, and stop retrying;
a token the server accepts (Sign in…) reconnects the session."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from app.client.connection.api import ResponderApi, check_token
from app.client.connection.errors import Unauthorized
from app.client.connection.events import Backoff, ConnectionState, EventStream
from app.client.stream.session import ConsoleSession
from app.client.stream.store import LocalStore
from app.client.worker import BlockingWorker
from tests.support.live_server import LiveServer

# Retries, were there any, would come at once.
EAGER = Backoff(0.001, 0.001)


class CountingTransport(httpx.AsyncBaseTransport):
    """Counts the requests that reach the server, by path."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def state_of(session: ConsoleSession) -> ConnectionState:
    return session.state


async def round_trips(server: LiveServer, count: int = 5) -> None:
    """Give a retry loop, were there one, many chances to run: real round trips, no sleep."""
    async with httpx.AsyncClient(base_url=server.base_url, timeout=5) as client:
        for _ in range(count):
            (await client.get("/api/v1/health")).raise_for_status()


async def test_the_event_stream_stops_on_a_refused_token(live_server: LiveServer) -> None:
    states: list[tuple[ConnectionState, str]] = []
    transport = CountingTransport()
    stream = EventStream(
        live_server.base_url,
        "not-a-real-token",
        cursor=None,
        on_event=lambda _event: None,
        on_state=lambda state, detail: states.append((state, detail)),
        backoff=EAGER,
        transport=transport,
    )
    # run() returns by itself: it does not retry a refused token for ever.
    await asyncio.wait_for(stream.run(), 15)
    assert stream.state is ConnectionState.UNAUTHORIZED
    assert states[-1][0] is ConnectionState.UNAUTHORIZED
    assert "Your token is no longer accepted" in states[-1][1]
    assert transport.paths == ["/api/v1/events"]


async def test_the_session_stops_on_a_refused_token_and_a_new_one_reconnects(
    live_server: LiveServer, tmp_path: Path
) -> None:
    _rep_id, good_token = live_server.create_user("token-refused-rep")
    transport = CountingTransport()
    api = ResponderApi(live_server.base_url, "wrong-token", timeout=5, transport=transport)
    worker = BlockingWorker("token-refused-store")
    store = LocalStore(tmp_path / "cache.sqlite3")
    session = ConsoleSession(api, store, worker, backoff=EAGER)
    changes: asyncio.Queue[tuple[ConnectionState, str]] = asyncio.Queue()
    session.connection_changed.connect(changes.put_nowait)

    async def next_state(wanted: ConnectionState) -> str:
        async with asyncio.timeout(15):
            while True:
                state, detail = await changes.get()
                if state is wanted:
                    return detail

    await session.open()
    task = asyncio.create_task(session.run())
    try:
        detail = await next_state(ConnectionState.UNAUTHORIZED)
        assert "Your token is no longer accepted" in detail
        await round_trips(live_server)
        assert session.state is ConnectionState.UNAUTHORIZED
        assert transport.paths == ["/api/v1/me"]  # asked once, never again
        assert not task.done()  # waiting for a token, not finished

        session.use_token(live_server.base_url, good_token)
        await next_state(ConnectionState.ONLINE)
        assert session.viewer.user is not None
        assert session.viewer.user.name == "token-refused-rep"
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await session.aclose()
        store.close()
        worker.shutdown()


async def test_a_refused_call_while_online_stops_the_session(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """A 401 on any call (here: the token revoked, seen by the next request) ends the event
    stream too and the session waits for a new token."""
    _rep_id, good_token = live_server.create_user("token-revoked-rep")
    api = ResponderApi(live_server.base_url, good_token, timeout=5)
    worker = BlockingWorker("token-revoked-store")
    store = LocalStore(tmp_path / "cache.sqlite3")
    session = ConsoleSession(api, store, worker, backoff=EAGER)
    await session.open()
    task = asyncio.create_task(session.run())
    try:
        await asyncio.wait_for(session.synced.wait(), 15)
        assert session.state is ConnectionState.ONLINE
        api.rebind(live_server.base_url, "revoked-token")  # as if the server forgot it
        with pytest.raises(Unauthorized):
            await api.me()
        # Read through a function: mypy would keep the narrowing from the assert above.
        assert state_of(session) is ConnectionState.UNAUTHORIZED
        await round_trips(live_server)
        assert state_of(session) is ConnectionState.UNAUTHORIZED
        assert not task.done()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await session.aclose()
        store.close()
        worker.shutdown()


async def test_check_token_says_which_server_refused_it(live_server: LiveServer) -> None:
    with pytest.raises(Unauthorized) as refused:
        await check_token(live_server.base_url, "nope")
    assert refused.value.detail == f"That token is not accepted by {live_server.base_url}."
    me = await check_token(live_server.base_url, live_server.admin_token)
    assert me.role.value == "admin"
