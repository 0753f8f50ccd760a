"""A console with everything the desktop builds (stream, composer, team features and docks),
connected to a real server on the qasync loop: for the window's layout tests. Helpers await on
that loop (never qtbot.waitSignal)."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import SignalInstance
from PySide6.QtTest import QTest

from app.client.composer.service import ComposerService
from app.client.connection.api import ResponderApi
from app.client.connection.events import Backoff, ConnectionState
from app.client.stream.session import ConsoleSession
from app.client.stream.store import LocalStore
from app.client.team.desk import TeamDesk
from app.client.worker import BlockingWorker
from app.ui.composer.bridge import ComposerBridge
from app.ui.composer.panel import ComposerPanel
from app.ui.shell.build import build_console
from app.ui.shell.session_bridge import SessionBridge
from app.ui.stream.filter import FilterMode
from app.ui.team.bridge import TeamBridge
from tests.support.qt_loop import as_qt_event

_T = TypeVar("_T")


class FullConsole:
    def __init__(self, loop: asyncio.AbstractEventLoop, base_url: str, token: str, path: Path):
        self.loop = loop
        self.worker = BlockingWorker("layout-test-store")
        self.store = LocalStore(path)
        self.session = ConsoleSession(
            ResponderApi(base_url, token, timeout=5),
            self.store,
            self.worker,
            backoff=Backoff(0.05, 0.3),
        )
        self.composer_service = ComposerService(
            self.session, self.store, self.worker, device="layout-desk", save_delay=0.01
        )
        self.desk = TeamDesk.follow(self.session)
        self.ui = build_console(
            SessionBridge(self.session),
            subtitle="layout test",
            composer=ComposerBridge(self.composer_service),
            team=TeamBridge(self.desk),
        )
        self.window = self.ui.window
        panel = self.ui.composer
        assert panel is not None
        self.panel: ComposerPanel = panel
        self.task: asyncio.Task[None] | None = None
        self.closed = False

    def start(self) -> None:
        """Show the window and connect, as the desktop does (after its layout is restored)."""
        self.run(self._start())

    async def _start(self) -> None:
        await self.composer_service.start()
        self.window.show()
        await self.session.open()
        self.task = asyncio.ensure_future(self.session.run())
        online = asyncio.get_running_loop().create_future()

        def probe(*_: object) -> None:
            if not online.done() and self.session.state is ConnectionState.ONLINE:
                online.set_result(True)

        self.ui.bridge.connectionChanged.connect(probe)
        try:
            if self.session.state is not ConnectionState.ONLINE:
                await online
        finally:
            self.ui.bridge.connectionChanged.disconnect(probe)
        await self.desk.idle()

    def run(self, awaitable: Awaitable[_T], timeout: float = 15.0) -> _T:
        """Run `awaitable`, then until the team's reloads and the UI's tasks it started end (a
        task resumed by Qt after the loop stopped would find no running loop)."""

        async def then_quiet() -> _T:
            result = await awaitable
            await self.quiet()
            return result

        return self.loop.run_until_complete(asyncio.wait_for(then_quiet(), timeout))

    async def quiet(self) -> None:
        while True:
            await self.desk.idle()
            running = [t for t in self.ui.running if not t.done()]
            if not running:
                return
            await asyncio.gather(*running, return_exceptions=True)

    def inside(self, action: Callable[[], _T]) -> _T:
        """A plain Qt call (show, resize, keystrokes) while the loop runs, as in the console."""

        return self.run(as_qt_event(action))

    def wait_until(
        self, signal: SignalInstance, check: Callable[[], bool], timeout: float = 15.0
    ) -> None:
        future = self.loop.create_future()

        def probe(*_: object) -> None:
            if not future.done() and check():
                future.set_result(True)

        async def until() -> None:
            if not check():
                await future

        signal.connect(probe)
        try:
            self.run(until(), timeout)
        finally:
            signal.disconnect(probe)

    def open(self, mention_id: int) -> None:
        self.wait_until(
            self.ui.bridge.rowsChanged, lambda: self.session.row(mention_id) is not None
        )
        self.window.model.flush()
        self.window.set_filter_mode(FilterMode.ALL)
        assert self.window.select_mention(mention_id)
        opening = self.panel.presenter.opening
        assert opening is not None
        self.run(opening)

    def type(self, text: str) -> None:
        """Real keystrokes into the reply editor, until the prompts match the text."""
        checked = self.loop.create_future()

        def done(*_: object) -> None:
            if not checked.done():
                checked.set_result(True)

        self.panel.checkCompleted.connect(done)
        try:
            self.panel.editor.setFocus()
            self.inside(lambda: QTest.keyClicks(self.panel.editor, text))
            self.run(checked)
        finally:
            self.panel.checkCompleted.disconnect(done)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True

        def finish(awaitable: Awaitable[object]) -> set[asyncio.Future[object]]:
            """Wait for one closing piece, but only so long (tests/support/qt_loop.py)."""
            task = asyncio.ensure_future(awaitable, loop=self.loop)
            try:
                done, _ = self.loop.run_within(  # type: ignore[attr-defined]
                    asyncio.wait({task}, timeout=10), 12
                )
            except RuntimeError:
                done = set()
            if not done:
                warnings.warn(f"layout test teardown: {task!r} still running", stacklevel=3)
            return done

        if self.task is not None:
            self.task.cancel()
            finish(asyncio.gather(self.task, return_exceptions=True))
        for closing in (
            self.ui.cancel_actions(),
            self.panel.aclose(),
            self.ui.aclose(),
            self.composer_service.aclose(),
            self.session.aclose(),
        ):
            finish(closing)
        self.store.close()
        self.worker.shutdown()
        self.window.quit()
        self.window.deleteLater()
