"""Whether the console is connected to its server: the one word the status bar, the tray and the
session share. Its own module so that the window can say it before the connection's code (httpx,
the event stream) is loaded."""

from __future__ import annotations

from enum import StrEnum


class ConnectionState(StrEnum):
    CONNECTING = "connecting"
    ONLINE = "online"
    OFFLINE = "offline"
    UNAUTHORIZED = "unauthorized"
