"""The Qt adapter of the Qt-free notes and presence: re-emits their hooks as Qt signals."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.client.together.notes import NoteBook
from app.client.together.presence import PresenceBoard
from app.ui.qt.relay import relay, route


class TogetherBridge(QObject):
    presenceChanged = Signal(int)  # a mention whose people changed
    noteAdded = Signal(object)  # NotePublic
    namedMe = Signal(object)  # NotePublic: a colleague's note names me
    unreadChanged = Signal(int)  # notes naming me not yet shown
    mentionedChanged = Signal(object)  # frozenset[int]: mentions whose notes name me

    def __init__(
        self, notes: NoteBook, presence: PresenceBoard, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        relay(
            self,
            [
                route(presence.changed, self.presenceChanged),
                route(notes.added, self.noteAdded),
                route(notes.named_me, self.namedMe),
                route(notes.unread_changed, self.unreadChanged),
                route(notes.mentioned_changed, self.mentionedChanged),
            ],
        )
