"""The Qt adapter of the Qt-free console session: re-emits its hooks as Qt signals, so widgets
connect to signals and never poll or reach into the session's state."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.client.connection.events import ConnectionState
from app.client.stream.rows import MentionRow
from app.client.stream.session import ConsoleSession, Viewer
from app.client.stream.store import OutboxEntry


class SessionBridge(QObject):
    rowsLoaded = Signal(list)  # list[MentionRow], oldest first
    rowsChanged = Signal(list)  # list[MentionRow]
    connectionChanged = Signal(str, str)  # ConnectionState value, detail
    viewerChanged = Signal(object)  # Viewer
    outboxChanged = Signal(list)  # list[OutboxEntry]
    urgentMention = Signal(object)  # MentionRow
    notice = Signal(str)

    def __init__(self, session: ConsoleSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        session.rows_loaded.connect(self._rows_loaded)
        session.rows_changed.connect(self._rows_changed)
        session.connection_changed.connect(self._connection_changed)
        session.viewer_changed.connect(self._viewer_changed)
        session.outbox_changed.connect(self._outbox_changed)
        session.urgent_mention.connect(self._urgent)
        session.notice.connect(self.notice.emit)

    def _rows_loaded(self, rows: list[MentionRow]) -> None:
        self.rowsLoaded.emit(rows)

    def _rows_changed(self, rows: list[MentionRow]) -> None:
        self.rowsChanged.emit(rows)

    def _connection_changed(self, change: tuple[ConnectionState, str]) -> None:
        self.connectionChanged.emit(change[0].value, change[1])

    def _viewer_changed(self, viewer: Viewer) -> None:
        self.viewerChanged.emit(viewer)

    def _outbox_changed(self, entries: list[OutboxEntry]) -> None:
        self.outboxChanged.emit(entries)

    def _urgent(self, row: MentionRow) -> None:
        self.urgentMention.emit(row)
