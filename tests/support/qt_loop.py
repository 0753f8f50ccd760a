"""The qasync event loop Qt tests run coroutines on (pytest-asyncio's loop cannot drive Qt,
and qtbot.waitSignal does not drive coroutines). Test packages import the `qloop` fixture:

    from tests.support.qt_loop import qloop  # noqa: F401
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import qasync
from PySide6.QtWidgets import QApplication


class SteadyQEventLoop(qasync.QEventLoop):  # type: ignore[misc]
    """qasync's `run_until_complete` processes Qt events once more after it has cleared the
    running loop; a callback run there (say, an HTTP response of another console) fails with
    "no running event loop". Tests run the loop many times, so keep it set for that pass."""

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
    """A qasync loop to run coroutines with `qloop.run_until_complete(...)`; leftover tasks
    are cancelled and awaited in teardown so nothing is left pending."""
    # As in the console: closing a dialog or window must not end the event loop under us.
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
