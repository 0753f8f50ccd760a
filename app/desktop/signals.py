"""Quit as from the menu when the system asks: SIGTERM (log out, shut down, `kill`), SIGINT
(Ctrl+C in the terminal that started it) and SIGHUP (that terminal closed) — the layout is kept,
the private server stops with the console and the outbox stays as it was.

Python runs a signal's handler only when it next runs Python code; Qt's event loop, idle, runs
none, so the quit would wait for the next mouse move. The handler's wake-up byte goes to a socket
that Qt watches: the signal becomes an event and its handler runs at once."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import sys
from types import FrameType

from PySide6.QtCore import QSocketNotifier

QUIT_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP")


class QuitOnSignals:
    def __init__(self, quit_requested: asyncio.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._quit_requested = quit_requested
        for name in QUIT_SIGNALS:
            signum = getattr(signal, name, None)
            if signum is not None:
                signal.signal(signum, self._handle)
        self._reader: socket.socket | None = None
        self._writer: socket.socket | None = None
        self._notifier: QSocketNotifier | None = None
        self._previous_wakeup = -1
        if sys.platform != "win32":
            self._reader, self._writer = socket.socketpair()
            self._reader.setblocking(False)
            self._writer.setblocking(False)
            self._previous_wakeup = signal.set_wakeup_fd(
                self._writer.fileno(), warn_on_full_buffer=False
            )
            self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read)
            self._notifier.activated.connect(self._drain)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop already closed: quitting anyway
            self._loop.call_soon_threadsafe(self._quit_requested.set)

    def _drain(self) -> None:
        # Running this slot (Python code) has already run the handler; empty the socket.
        if self._reader is not None:
            with contextlib.suppress(OSError):
                while self._reader.recv(512):
                    pass

    def close(self) -> None:
        """Stop watching; a further signal still quits (the handlers stay until exit)."""
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        if self._writer is not None:
            signal.set_wakeup_fd(self._previous_wakeup)
            self._writer.close()
            self._writer = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None
