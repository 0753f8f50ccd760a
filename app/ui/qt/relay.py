"""Hooks of the Qt-free core re-emitted as Qt signals. A bridge declares its signals, then one
table of routes (hook → signal, and how a value becomes the signal's arguments when it is not
passed as it is); `relay` connects them in one loop instead of a method per hook.

    relay(self, [
        route(session.rows_changed, self.rowsChanged),
        route(session.connection_changed, self.connectionChanged, lambda c: (c[0].value, c[1])),
    ])

`route` checks each line on its own: the converter must accept what the hook announces."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from PySide6.QtCore import QObject, SignalInstance

_T = TypeVar("_T")
_T_co = TypeVar("_T_co", covariant=True)


class Announcer(Protocol[_T_co]):
    """What a Qt-free hook offers (app.client.hooks.Hook): listeners called with one value."""

    def connect(self, listener: Callable[[_T_co], None], /) -> None: ...


@dataclass(frozen=True, slots=True)
class Route:
    """One line of a bridge's table, ready to connect for a bridge."""

    connect: Callable[[QObject], None]


def route(
    hook: Announcer[_T],
    signal: SignalInstance,
    args: Callable[[_T], tuple[object, ...]] | None = None,
) -> Route:
    """`hook`'s values go out through `signal`; `args` turns a value into the signal's
    arguments (a tuple spread out, an enum as its value)."""

    def connect(bridge: QObject) -> None:
        # The listener holds the bridge, so it lives as long as the core announces to it
        # (as a bound method would).
        def emit(value: _T, _bridge: QObject = bridge) -> None:
            if args is None:
                signal.emit(value)
            else:
                signal.emit(*args(value))

        hook.connect(emit)

    return Route(connect)


def relay(bridge: QObject, routes: Iterable[Route]) -> None:
    """Connect every route of `bridge`'s table."""
    for line in routes:
        line.connect(bridge)
