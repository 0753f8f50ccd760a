"""How long the console took to start, said in its log: when the main window was first on the
screen, when its stream first showed mentions (from the local cache, or from the server on a
first start) and when it was first connected, each in seconds since the process started and
with what the status bar said then. A rep's log answers "why was it slow today", and
bench/bench_startup.py reads the same lines (the wall-clock time in each) to measure start-ups."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, SignalInstance

from app.client.connection.state import ConnectionState
from app.ui.shell.main_window import MainWindow

log = logging.getLogger("app.desktop.startup")

WINDOW_SHOWN = "the window is on the screen"
STREAM_FILLED = "the stream shows mentions"
CONNECTED = "connected"


def process_started_at(fallback: float, clock: Callable[[], float] = time.time) -> float:
    """The wall-clock time this process started (Linux: from /proc, to the kernel's 10 ms
    tick), so that the interpreter's own start and the imports count; elsewhere `fallback`."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            # The command name may hold spaces: fields count from after its ")".
            start_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as uptime:
            up = float(uptime.read().split()[0])
        age = up - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return fallback
    return clock() - age if 0 <= age < 3600 else fallback


class StartupMarks(QObject):
    """Logs the start-up's three moments once each. Made right after the window is shown (its
    native window exists then; it is exposed later, from the event loop), before the session
    that fills its stream and connects is loaded; the window may be a frame still, whose
    stream it follows once it is furnished (follow_stream)."""

    def __init__(
        self,
        window: MainWindow,
        *,
        launched_at: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._launched_at = launched_at
        self._clock = clock
        self._said: set[str] = set()
        # Set once the window is on the screen: what loads behind it waits for this, so that
        # its first paint does not share the interpreter with the loading.
        self.on_screen = asyncio.Event()
        handle = window.windowHandle()
        if handle is not None and handle.isExposed():
            self._say(WINDOW_SHOWN)
        elif handle is not None:
            handle.installEventFilter(self)
        if window.furnished:
            self.follow_stream()

    def follow_stream(self) -> None:
        """The window's stream, once it is furnished (the frame shows before it has one)."""
        model = self._window.model
        model.modelReset.connect(self._rows_arrived)
        model.rowsInserted.connect(self._rows_arrived)
        self._rows_arrived()

    def follow_connection(self, connection_changed: SignalInstance) -> None:
        """The session's connection (SessionBridge.connectionChanged), once it exists."""
        connection_changed.connect(self._connection_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Expose and WINDOW_SHOWN not in self._said:
            handle = self._window.windowHandle()
            if handle is not None and handle.isExposed():
                self._say(WINDOW_SHOWN)
                watched.removeEventFilter(self)
        return False

    def _rows_arrived(self, *_: object) -> None:
        count = self._window.model.rowCount()
        if count and STREAM_FILLED not in self._said:
            self._say(STREAM_FILLED, f"{count} mentions")

    def _connection_changed(self, state_value: str, _detail: str = "") -> None:
        if state_value == ConnectionState.ONLINE.value:
            self._say(CONNECTED)

    def _say(self, moment: str, extra: str = "") -> None:
        if moment in self._said:
            return
        self._said.add(moment)
        if moment == WINDOW_SHOWN:
            self.on_screen.set()
        now = self._clock()
        status = self._window.connection_label.text()
        log.info(
            "start-up: %s%s after %.2f s (status: %s) [at %.3f]",
            moment,
            f" ({extra})" if extra else "",
            now - self._launched_at,
            status,
            now,
        )
