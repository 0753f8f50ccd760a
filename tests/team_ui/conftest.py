"""Fixtures of the team-console tests: a qasync loop (see `SteadyQEventLoop`), the real server
of tests/ui, and `team_console_factory`, consoles with the team features installed, connected
to that server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from tests.team_ui.harness import TeamTestConsole
from tests.ui.conftest import live_server

__all__ = ["live_server"]


class SteadyQEventLoop(qasync.QEventLoop):  # type: ignore[misc]
    """qasync's `run_until_complete` processes Qt events once more after it has cleared the
    running loop; a callback run there (an HTTP response of another console) fails with "no
    running event loop". Tests that run the loop many times keep it set for that last pass."""

    _steady = False

    def run_until_complete(self, future: object) -> object:
        self._steady = True
        try:
            return super().run_until_complete(future)
        finally:
            self._steady = False
            asyncio.events._set_running_loop(None)

    def _after_run_forever(self) -> None:
        super()._after_run_forever()
        if self._steady:
            asyncio.events._set_running_loop(self)


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """As tests/ui's `qloop`, on a `SteadyQEventLoop`; leftover tasks are cancelled and
    awaited in teardown so nothing is left pending."""
    qapp.setQuitOnLastWindowClosed(False)
    loop = SteadyQEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        asyncio.set_event_loop(None)
        loop.close()


@pytest.fixture
def team_console_factory(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> Iterator[Callable[[str, str], TeamTestConsole]]:
    made: list[TeamTestConsole] = []

    def make(base_url: str, token: str) -> TeamTestConsole:
        console = TeamTestConsole(qloop, base_url, token, tmp_path / f"team-{len(made)}.sqlite3")
        made.append(console)
        return console

    yield make
    for console in made:
        console.close()
