"""Runs blocking calls (disk, keyring, process control) on an explicit thread pool so the
asyncio loop on the UI thread never waits on them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

_T = TypeVar("_T")


class BlockingWorker:
    """An explicit `ThreadPoolExecutor` (qasync's default executor is crash-prone with PySide6)."""

    def __init__(self, name: str, max_workers: int = 1) -> None:
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=name)

    async def call(self, fn: Callable[[], _T]) -> _T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, fn)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
