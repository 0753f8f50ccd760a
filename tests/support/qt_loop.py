"""The qasync event loop Qt tests run coroutines on (pytest-asyncio's loop cannot drive Qt,
and qtbot.waitSignal does not drive coroutines). Test packages import the `qloop` fixture:

    from tests.support.qt_loop import qloop  # noqa: F401

Keystrokes, clicks and `processEvents` reach the console from Qt's dispatch, never from inside
a task: `as_qt_event` runs a plain Qt call that way. Run inside a task, a nested event pass
would step other tasks within it, which asyncio refuses ("Cannot enter into task"): their
wake-ups are lost and they never resume (a teardown that waited for them stalled). The loop
counts such refusals and `qloop` fails the test that caused one.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

_T = TypeVar("_T")


def as_qt_event(action: Callable[[], _T]) -> Awaitable[_T]:
    """Await `action()` run from a Qt timer on the loop, as Qt runs an event handler: outside
    any task, so a nested event pass inside it (processEvents, a modal exec) is safe."""
    return qasync.asyncWrap(action)  # type: ignore[no-any-return]


class SteadyQEventLoop(qasync.QEventLoop):  # type: ignore[misc]
    """qasync's `run_until_complete` processes Qt events once more after it has cleared the
    running loop; a callback run there (say, an HTTP response of another console) fails with
    "no running event loop". Tests run the loop many times, so keep it set for that pass."""

    _steady = False
    # A Qt timer (not an asyncio one) ends a run that goes on past this: rarely, under a loop
    # the tests start and stop many times, a task's finished future never wakes it and the
    # asyncio timers stop with it, while Qt's go on. The run then raises RuntimeError ("Event
    # loop stopped before Future completed") instead of hanging until pytest-timeout kills
    # the worker.
    watchdog_seconds = 45.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Task steps refused because another task was running (see the module's docstring).
        self.refused_steps: list[str] = []

    def call_exception_handler(self, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, RuntimeError) and "Cannot enter into task" in str(error):
            self.refused_steps.append(str(error))
        super().call_exception_handler(context)

    def run_until_complete(self, future: object) -> object:
        self._steady = True
        watchdog = QTimer()
        watchdog.setSingleShot(True)
        watchdog.timeout.connect(self.stop)
        watchdog.start(int(self.watchdog_seconds * 1000))
        try:
            return super().run_until_complete(future)
        finally:
            watchdog.stop()
            self._steady = False
            asyncio.events._set_running_loop(None)

    def run_within(self, future: object, seconds: float) -> object:
        """`run_until_complete`, ended by the watchdog after `seconds` (teardown)."""
        saved, self.watchdog_seconds = self.watchdog_seconds, seconds
        try:
            return self.run_until_complete(future)
        finally:
            self.watchdog_seconds = saved

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
        try:
            if pending:
                loop.run_within(asyncio.gather(*pending, return_exceptions=True), 12)
            loop.run_within(loop.shutdown_asyncgens(), 12)
        except RuntimeError as stopped:  # the watchdog: warn, do not hang the run
            warnings.warn(f"qasync loop teardown: {stopped}", stacklevel=1)
        asyncio.set_event_loop(None)
        loop.close()
    if loop.refused_steps:
        pytest.fail(
            "a nested Qt event pass inside a task lost other tasks' wake-ups (run plain Qt "
            f"calls with as_qt_event): {loop.refused_steps[0]}"
        )
