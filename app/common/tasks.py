"""The one keeper of background coroutines, for the client core and the server alike.

Every task a module starts in the background goes through a `TaskKeeper`: it stays referenced
(asyncio keeps only weak references to running tasks), a failure is logged with its traceback
instead of vanishing, a named job runs at most once at a time, and one `aclose` cancels and
awaits everything at shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

_T = TypeVar("_T")

log = logging.getLogger(__name__)


class TaskKeeper:
    """Background coroutines kept referenced, with failures logged and one `aclose` for all.

    `once(name, make)` runs a named job at most once at a time; asking again while it runs
    queues one re-run (a burst of fifty `duty.changed` events costs two roster reloads)."""

    def __init__(self, name: str = "background") -> None:
        self._name = name
        self._tasks: set[asyncio.Task[Any]] = set()
        self._running: dict[str, asyncio.Task[Any]] = {}
        self._again: set[str] = set()

    def __len__(self) -> int:
        return sum(1 for task in self._tasks if not task.done())

    def spawn(self, coro: Coroutine[Any, Any, _T], *, name: str | None = None) -> asyncio.Task[_T]:
        """Start `coro` now and keep it until it ends."""
        task = asyncio.ensure_future(coro)
        if name is not None:
            task.set_name(name)
        self.keep(task)
        return task

    def keep(self, task: asyncio.Task[Any]) -> None:
        """Keep a task started elsewhere (a Qt slot's coroutine, say) until it ends."""
        self._tasks.add(task)
        task.add_done_callback(self._done)

    @property
    def tasks(self) -> tuple[asyncio.Task[Any], ...]:
        """The tasks still running (tests wait on them)."""
        return tuple(task for task in self._tasks if not task.done())

    def once(self, name: str, make: Callable[[], Coroutine[Any, Any, object]]) -> None:
        """Run `make()` (a coroutine factory) now, or once more after the current run."""
        running = self._running.get(name)
        if running is not None and not running.done():
            self._again.add(name)
            return

        async def job() -> None:
            while True:
                self._again.discard(name)
                await make()
                if name not in self._again:
                    return

        self._running[name] = self.spawn(job(), name=name)

    def running(self, name: str) -> bool:
        """Whether the named job started with `once` is still running."""
        task = self._running.get(name)
        return task is not None and not task.done()

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            log.error(
                "%s task %s failed",
                self._name,
                task.get_name(),
                exc_info=(type(error), error, error.__traceback__),
            )

    async def idle(self) -> None:
        """Wait until every running task has finished (tests, screenshots, orderly stops)."""
        while pending := [t for t in self._tasks if not t.done()]:
            await asyncio.gather(*pending, return_exceptions=True)

    async def aclose(self) -> None:
        """Cancel every task and wait for them to end."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._running.clear()
        self._again.clear()


async def first_of(*waits: Coroutine[Any, Any, object]) -> None:
    """Run the coroutines until one of them ends; cancel the others."""
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        task.result()  # a failure is not swallowed
