"""A console's team desk over a real server, synced and idle, for the team core's tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from app.client.connection.api import ResponderApi
from app.client.connection.events import Backoff
from app.client.stream.session import ConsoleSession
from app.client.stream.store import LocalStore
from app.client.team.desk import TeamDesk
from app.client.worker import BlockingWorker
from tests.support.live_server import LiveServer


@contextlib.asynccontextmanager
async def team_session(
    server: LiveServer,
    token: str,
    cache: Path,
    *,
    request_timeout: float = 5,
    prepare: Callable[[TeamDesk], None] | None = None,
) -> AsyncIterator[tuple[ConsoleSession, TeamDesk]]:
    """`prepare` sees the desk before the session first connects."""
    worker = BlockingWorker("team-core-store")
    store = LocalStore(cache)
    session = ConsoleSession(
        ResponderApi(server.base_url, token, timeout=request_timeout),
        store,
        worker,
        backoff=Backoff(0.05, 0.3),
    )
    desk = TeamDesk.follow(session)
    if prepare is not None:
        prepare(desk)
    await session.open()
    task = asyncio.create_task(session.run())
    try:
        await asyncio.wait_for(session.synced.wait(), 15)
        await desk.idle()
        yield session, desk
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await desk.aclose()
        await session.aclose()
        store.close()
        worker.shutdown()
