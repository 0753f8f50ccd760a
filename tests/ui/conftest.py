"""Fixtures of the UI tests: a qasync event loop on the Qt thread (pytest-asyncio's loop cannot
drive Qt, and qtbot.waitSignal does not drive coroutines), and a real server process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from tests.support.fixtures import live_server
from tests.ui.console import Console

__all__ = ["live_server"]


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop to run coroutines with `qloop.run_until_complete(...)`; leftover tasks
    are cancelled and awaited in teardown so nothing is left pending."""
    # As in the console: closing a dialog or window must not end the event loop under us.
    qapp.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qapp)
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
def console_factory(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> Iterator[Callable[[str, str], Console]]:
    made: list[Console] = []

    def make(base_url: str, token: str) -> Console:
        console = Console(qloop, base_url, token, tmp_path / f"cache-{len(made)}.sqlite3")
        made.append(console)
        return console

    yield make
    for console in made:
        console.close()
