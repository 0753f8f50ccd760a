"""The one place for qasync quirks: Qt slots that start coroutines.

`async_slot` replaces `qasync.asyncSlot`: it keeps every task it starts in one `TaskKeeper` (so
quit can cancel them), ignores a second start of the same slot on the same object while the
first runs, swallows `CancelledError` (qasync issue #126 lets it escape into
`sys.excepthook`) and reports real errors through `sys.excepthook` like any Qt slot would."""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

from app.common.tasks import TaskKeeper

log = logging.getLogger(__name__)

_P = ParamSpec("_P")
_S = TypeVar("_S")
_T = TypeVar("_T")

_tasks = TaskKeeper("slots")
# The task each (object, slot) runs now: a second start while it runs is ignored.
_running: dict[tuple[int, str], asyncio.Task[Any]] = {}


def async_slot(
    fn: Callable[Concatenate[_S, _P], Coroutine[Any, Any, object]],
) -> Callable[Concatenate[_S, _P], asyncio.Task[Any] | None]:
    """Decorate an `async def` method so Qt can call it as a plain slot."""

    @functools.wraps(fn)
    def start(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> asyncio.Task[Any] | None:
        key = (id(self), fn.__qualname__)
        running = _running.get(key)
        if running is not None and not running.done():
            return None
        task = _tasks.spawn(_guarded(fn(self, *args, **kwargs)), name=fn.__qualname__)
        _running[key] = task
        task.add_done_callback(functools.partial(_finished, key))
        return task

    return start


async def _guarded(coro: Coroutine[Any, Any, object]) -> None:
    try:
        await coro
    except asyncio.CancelledError:
        pass
    except Exception:
        sys.excepthook(*sys.exc_info())


def _finished(key: tuple[int, str], task: asyncio.Task[Any]) -> None:
    if _running.get(key) is task:
        del _running[key]


async def cancel_slot_tasks() -> None:
    """Cancel every coroutine a slot started and wait for them (called once, at quit)."""
    await _tasks.aclose()
    _running.clear()


def run_blocking_dialog(exec_fn: Callable[[], int]) -> Coroutine[Any, Any, int]:
    """Run a modal `exec()` from a coroutine while other tasks keep running: a bare `exec()`
    there raises "Cannot enter into task"; qasync's `asyncWrap` runs it safely."""
    import qasync

    return qasync.asyncWrap(exec_fn)  # type: ignore[no-any-return]


async def deliver_pending_events() -> None:
    """Let Qt deliver what is pending (layout, paint, a palette change) before a coroutine
    reads or grabs a widget. A bare `processEvents()` inside a task runs other tasks' wake-ups
    nested in it, where asyncio refuses them ("Cannot enter into task"): they are lost for
    good and those tasks never resume. Here the pass runs from a Qt timer, outside any task."""
    import qasync
    from PySide6.QtWidgets import QApplication

    await qasync.asyncWrap(QApplication.processEvents)
