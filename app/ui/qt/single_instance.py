"""One console per user and data folder: the running console listens on a local socket (a Unix
socket only its user may open, a named pipe on Windows); a second launch connects, asks it to
bring its window to the front, and leaves. Who runs is decided by a file lock beforehand
(app/common/file_lock.py), so two launches at once never both listen."""

from __future__ import annotations

import getpass
import hashlib
import logging
import time
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger("app.ui.qt.single_instance")

RAISE_REQUEST = b"raise\n"
RAISE_DONE = b"ok\n"


def instance_name(data_dir: Path) -> str:
    """The socket's name: this user's, for this data folder (short enough for a Unix socket
    path in the temporary folder)."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    user = hashlib.sha256(getpass.getuser().encode()).hexdigest()[:8]
    return f"responder-console-{user}-{digest}"


def ask_running_console_to_raise(name: str, timeout: float = 10.0) -> bool:
    """Connect to the running console (it may be starting: its lock is taken just before it
    listens) and ask it to show its window; True once it answered."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        socket = QLocalSocket()
        socket.connectToServer(name)
        if socket.waitForConnected(500):
            socket.write(RAISE_REQUEST)
            answered = socket.waitForBytesWritten(2000) and socket.waitForReadyRead(5000)
            reply = bytes(socket.readAll().data()) if answered else b""
            socket.disconnectFromServer()
            return reply == RAISE_DONE
        socket.abort()
        # The first console holds the lock but is not listening yet: nothing to wait on.
        time.sleep(0.05)
    return False


class InstanceListener(QObject):
    """The running console's side: `raise_requested` when another launch asks."""

    raise_requested = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        # The holder of the lock is the only listener: a socket file left by a crash goes.
        QLocalServer.removeServer(name)
        if not self._server.listen(name):
            log.warning("cannot listen on %s: %s", name, self._server.errorString())

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            connection.readyRead.connect(lambda c=connection: self._read(c))
            connection.disconnected.connect(connection.deleteLater)

    def _read(self, connection: QLocalSocket) -> None:
        if not connection.canReadLine():
            return
        if bytes(connection.readLine().data()) == RAISE_REQUEST:
            log.info("another launch of the console asked for this window")
            self.raise_requested.emit()
            connection.write(RAISE_DONE)
            connection.flush()

    def close(self) -> None:
        self._server.close()


def bring_to_front(window: QWidget) -> None:
    """Show the window (hidden to the tray, minimised or behind others) and give it focus."""
    if window.isMinimized():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()
