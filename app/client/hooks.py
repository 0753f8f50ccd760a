"""A tiny typed publish/subscribe hook so Qt-free objects can announce changes without Qt."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, TypeVar

_T = TypeVar("_T")
log = logging.getLogger(__name__)


class Hook(Generic[_T]):
    """Listeners called in order with one value; a failing listener is logged, not fatal."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[_T], None]] = []

    def connect(self, listener: Callable[[_T], None]) -> None:
        self._listeners.append(listener)

    def disconnect(self, listener: Callable[[_T], None]) -> None:
        self._listeners.remove(listener)

    def emit(self, value: _T) -> None:
        for listener in list(self._listeners):
            try:
                listener(value)
            except Exception:
                log.exception("listener %r failed", listener)
