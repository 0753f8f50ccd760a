"""Awaiting what a Qt-free hook announces, with a deadline (no sleeps)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from app.client.hooks import Hook

_T = TypeVar("_T")


async def until(hook: Hook[_T], predicate: Callable[[_T], bool], limit: float = 15.0) -> _T:
    """The first value the hook emits that satisfies predicate."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[_T] = loop.create_future()

    def listen(value: _T) -> None:
        if not future.done() and predicate(value):
            future.set_result(value)

    hook.connect(listen)
    try:
        return await asyncio.wait_for(future, limit)
    finally:
        hook.disconnect(listen)


async def until_true(hook: Hook[_T], check: Callable[[], bool], limit: float = 15.0) -> None:
    """Wait until check() holds, re-checking each time the hook fires."""
    if check():
        return
    await until(hook, lambda _value: check(), limit)
