"""A running console for UI tests: session, Qt bridge and main window (built by the shell's
composition, without the team features; with the composer and the manager menus when asked,
the composer started before the stream loads, as the desktop does) on the qasync loop,
connected to a real server; helpers await signals on that loop (never qtbot.waitSignal)."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtCore import SignalInstance

from app.client.composer.service import ComposerService
from app.client.connection.api import ResponderApi
from app.client.connection.events import Backoff, ConnectionState
from app.client.stream.session import ConsoleSession
from app.client.stream.store import LocalStore
from app.client.worker import BlockingWorker
from app.ui.composer.bridge import ComposerBridge
from app.ui.shell.build import build_console
from app.ui.shell.session_bridge import SessionBridge

# Builds the console's composer service from its session, local store and store worker.
ComposerFactory = Callable[[ConsoleSession, LocalStore, BlockingWorker], ComposerService]


class Console:
    """One rep's running console: session, bridge and window on the qasync loop."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        base_url: str,
        token: str,
        path: Path,
        *,
        composer: ComposerFactory | None = None,
        manager_menus: bool = False,
    ):
        self.loop = loop
        self.worker = BlockingWorker("ui-test-store")
        self.store = LocalStore(path)
        self.session = ConsoleSession(
            ResponderApi(base_url, token, timeout=5),
            self.store,
            self.worker,
            backoff=Backoff(0.05, 0.3),
        )
        self.bridge = SessionBridge(self.session)
        self.composer_service = (
            composer(self.session, self.store, self.worker) if composer is not None else None
        )
        self.ui = build_console(
            self.bridge,
            subtitle="test",
            composer=ComposerBridge(self.composer_service) if self.composer_service else None,
            manager_menus=manager_menus,
        )
        self.window = self.ui.window
        self.window.show()
        if self.composer_service is not None:
            # As the desktop does: the countdowns resume before the stream loads.
            loop.run_until_complete(self.composer_service.start())
        loop.run_until_complete(self.session.open())
        self.task = loop.create_task(self.session.run())
        self.wait_until(
            self.bridge.connectionChanged,
            lambda: self.session.state is ConnectionState.ONLINE,
        )

    def run(self, awaitable: object, timeout: float = 15.0) -> object:
        return self.loop.run_until_complete(asyncio.wait_for(awaitable, timeout))  # type: ignore[arg-type]

    def wait_until(
        self, signal: SignalInstance, check: Callable[[], bool], timeout: float = 15.0
    ) -> None:
        """Await (on the qasync loop) the first emission of signal after which check holds."""
        if check():
            return
        future = self.loop.create_future()

        def probe(*_: object) -> None:
            if not future.done() and check():
                future.set_result(True)

        signal.connect(probe)
        try:
            self.run(future, timeout)
        finally:
            signal.disconnect(probe)

    def close(self) -> None:
        self.task.cancel()
        self.settle(self.task, raise_errors=False)  # its end after cancel is no test result
        self.settle(self.ui.cancel_actions())
        self.settle(self.session.aclose())
        self.store.close()
        self.worker.shutdown()
        self.window.close()
        self.window.deleteLater()

    def settle(
        self, awaitable: Awaitable[object], limit: float = 10.0, *, raise_errors: bool = True
    ) -> None:
        """Teardown: wait for a cancelled or closing piece, but only so long. Rarely (about one
        full run in four), a cancelled event stream never finishes httpx's shielded connection
        close under a qasync loop that tests start and stop many times; that must not hang the
        suite. Unlike `asyncio.wait_for`, `asyncio.wait` does not wait on after its limit."""
        task = asyncio.ensure_future(awaitable, loop=self.loop)
        try:
            done, _ = self.loop.run_within(  # type: ignore[attr-defined]
                asyncio.wait({task}, timeout=limit), limit + 2
            )
        except RuntimeError:  # the loop's watchdog ended the run (see tests/support/qt_loop.py)
            done = set()
        if not done:
            warnings.warn(
                f"test console teardown: {task!r} still running after {limit} s", stacklevel=2
            )
        elif raise_errors and not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]
