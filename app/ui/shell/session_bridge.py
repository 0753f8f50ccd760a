"""The Qt adapter of the Qt-free console session: re-emits its hooks as Qt signals (one relay
table), so widgets connect to signals and never poll or reach into the session's state."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.client.connection.state import ConnectionState
from app.client.stream.session import ConsoleSession
from app.models.schemas import EventPublic
from app.ui.qt.relay import relay, route


def _state_and_detail(change: tuple[ConnectionState, str]) -> tuple[str, str]:
    return change[0].value, change[1]


def _mention_of(event: EventPublic) -> tuple[int]:
    return (event.mention_id or 0,)


class SessionBridge(QObject):
    rowsLoaded = Signal(list)  # list[MentionRow], oldest first
    rowsChanged = Signal(list)  # list[MentionRow]
    connectionChanged = Signal(str, str)  # ConnectionState value, detail
    viewerChanged = Signal(object)  # Viewer
    outboxChanged = Signal(list)  # list[OutboxEntry]
    urgentMention = Signal(object)  # MentionRow
    responseMissed = Signal(str, str)  # title, message: a response target missed
    notice = Signal(str)
    mentionTouched = Signal(int)  # an event about this mention arrived (0: about none)
    customersLinked = Signal(int, int)  # the customer kept, the one linked into it

    def __init__(self, session: ConsoleSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        relay(
            self,
            [
                route(session.rows_loaded, self.rowsLoaded),
                route(session.rows_changed, self.rowsChanged),
                route(session.connection_changed, self.connectionChanged, _state_and_detail),
                route(session.viewer_changed, self.viewerChanged),
                route(session.outbox_changed, self.outboxChanged),
                route(session.urgent_mention, self.urgentMention),
                route(session.response_missed, self.responseMissed, lambda words: words),
                route(session.notice, self.notice),
                route(session.event_received, self.mentionTouched, _mention_of),
                route(session.customers_linked, self.customersLinked, lambda pair: pair),
            ],
        )
