"""A running console with the team features (tray remote, broadcasts, handoffs, roster) for UI
tests: built as app/desktop/console.py builds it, connected to a real server, on the qasync loop.
Helpers await Qt signals or Qt-free hooks on that loop (never qtbot.waitSignal)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import SignalInstance

from app.client.connection.api import ResponderApi
from app.client.connection.events import Backoff, ConnectionState
from app.client.stream.session import ConsoleSession
from app.client.stream.store import LocalStore
from app.client.team.desk import TeamDesk
from app.client.worker import BlockingWorker
from app.ui.shell.build import TeamUi, build_console
from app.ui.shell.session_bridge import SessionBridge
from app.ui.team.bridge import TeamBridge
from tests.support.qt_loop import as_qt_event

_T = TypeVar("_T")


class TeamTestConsole:
    def __init__(self, loop: asyncio.AbstractEventLoop, base_url: str, token: str, path: Path):
        self.loop = loop
        self.cache_path = path
        self.closed = False
        self.worker = BlockingWorker("team-ui-test-store")
        self.store = LocalStore(path)
        self.session = ConsoleSession(
            ResponderApi(base_url, token, timeout=5),
            self.store,
            self.worker,
            backoff=Backoff(0.05, 0.3),
        )
        self.bridge = SessionBridge(self.session)
        self.desk = TeamDesk.follow(self.session)
        self.team_bridge = TeamBridge(self.desk)
        self.ui = build_console(self.bridge, subtitle="team test", team=self.team_bridge)
        self.window = self.ui.window
        assert self.ui.team is not None
        self.team: TeamUi = self.ui.team
        self.task: asyncio.Task[None] | None = None
        # Everything that may make Qt process events (showing a window) runs inside the
        # loop: a qasync callback run by Qt outside it would find no running loop.
        self.run(self._start())

    async def _start(self) -> None:
        self.window.show()
        await self.session.open()
        self.task = asyncio.ensure_future(self.session.run())
        online = asyncio.get_running_loop().create_future()

        def probe(*_: object) -> None:
            if not online.done() and self.session.state is ConnectionState.ONLINE:
                online.set_result(True)

        self.bridge.connectionChanged.connect(probe)
        try:
            if self.session.state is not ConnectionState.ONLINE:
                await online
        finally:
            self.bridge.connectionChanged.disconnect(probe)
        await self.quiet()

    def inside(self, action: Callable[[], _T]) -> _T:
        """Run a plain Qt call (grab, show, click) while the loop runs (see `_start`)."""

        return self.run(as_qt_event(action))

    def run(self, awaitable: Awaitable[_T], timeout: float = 15.0) -> _T:
        return self.loop.run_until_complete(asyncio.wait_for(awaitable, timeout))

    def wait_until(
        self, signal: SignalInstance, check: Callable[[], bool], timeout: float = 15.0
    ) -> None:
        """Await (on the qasync loop) the first emission of signal after which check holds."""
        future = self.loop.create_future()

        def probe(*_: object) -> None:
            if not future.done() and check():
                future.set_result(True)

        async def until_then_quiet() -> None:
            # Stop the loop only when no team reload is in flight: a request half-way through
            # when run_until_complete returns would resume outside the running loop.
            if not check():
                await future
            await self.quiet()

        signal.connect(probe)
        try:
            self.run(until_then_quiet(), timeout)
        finally:
            signal.disconnect(probe)

    async def quiet(self) -> None:
        """Until the team desk's reloads and the console's running actions have finished."""
        while True:
            await self.desk.idle()
            running = [t for t in self.ui.running if not t.done()]
            if not running:
                return
            await asyncio.gather(*running, return_exceptions=True)

    def act(self, awaitable: Awaitable[_T], timeout: float = 15.0) -> _T:
        """Run an action coroutine, then wait until the reloads it caused have finished."""

        async def then_quiet() -> _T:
            result = await awaitable
            await self.quiet()
            return result

        return self.run(then_quiet(), timeout)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.task is not None:
            self.task.cancel()
            self.loop.run_until_complete(asyncio.gather(self.task, return_exceptions=True))
        self.loop.run_until_complete(self.ui.cancel_actions())
        self.loop.run_until_complete(self.ui.aclose())
        self.loop.run_until_complete(self.session.aclose())
        self.store.close()
        self.worker.shutdown()
        self.window.quit()
        self.window.deleteLater()
