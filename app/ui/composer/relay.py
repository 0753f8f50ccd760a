"""Hooks of the Qt-free core re-emitted as Qt signals: a bridge declares its relays as a table,
one line per hook, instead of a method per hook."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import SignalInstance

from app.client.hooks import Hook

Relay = tuple[Hook[Any], SignalInstance]


def relay(hook: Hook[Any], signal: SignalInstance, *, spread: bool = False) -> None:
    """Emit `signal` with every value `hook` announces; `spread` passes a tuple's items as
    the signal's arguments."""
    if spread:
        hook.connect(lambda values: signal.emit(*values))
    else:
        hook.connect(signal.emit)


def relay_all(relays: Iterable[Relay]) -> None:
    for hook, signal in relays:
        relay(hook, signal)
