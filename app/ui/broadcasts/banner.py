"""The broadcast banner: the oldest broadcast the user has not acknowledged, coloured by
severity (with the severity also in words, for screen readers and colour-blind users), and an
Acknowledge button. It stays until every owed broadcast is acknowledged."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app.models.enums import Severity
from app.models.schemas import BroadcastPublic
from app.ui.qt import theme
from app.ui.qt.theme import Role

# severity: (background, text colour, word) — contrast ratio ≥ 7:1 for each pair
SEVERITY_LOOK = {
    Severity.INFO: (Role.BROADCAST_INFO, Role.BROADCAST_INFO_TEXT, "Info"),
    Severity.IMPORTANT: (Role.BROADCAST_IMPORTANT, Role.BROADCAST_IMPORTANT_TEXT, "Important"),
    Severity.URGENT: (Role.BROADCAST_URGENT, Role.BROADCAST_URGENT_TEXT, "URGENT"),
}


class BroadcastBanner(QFrame):
    acknowledgeRequested = Signal(int)  # broadcast id

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("broadcast")
        self.broadcast: BroadcastPublic | None = None
        self.waiting = 0
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.more = QLabel()
        self.more.setTextFormat(Qt.TextFormat.PlainText)
        self.button = QPushButton("&Acknowledge")
        self.button.setAccessibleName("Acknowledge the broadcast")
        self.button.clicked.connect(self._acknowledge)
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(self.title)
        words.addWidget(self.text)
        words.addWidget(self.more)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.addLayout(words, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_owed(self, owed: list[BroadcastPublic]) -> None:
        """Show the oldest owed broadcast (and how many more wait), or hide."""
        if not owed:
            self.broadcast = None
            self.waiting = 0
            self.hide()
            return
        broadcast = owed[0]
        self.broadcast = broadcast
        self.waiting = len(owed) - 1
        background, text, word = SEVERITY_LOOK[broadcast.severity]
        bg, fg = theme.name(background), theme.name(text)
        self.setStyleSheet(
            f"QFrame#broadcast {{ background: {bg}; border: 2px solid {fg}; border-radius: 4px; }}"
            f" QFrame#broadcast QLabel {{ color: {fg}; }}"
        )
        when = broadcast.created_at.astimezone().strftime("%H:%M")
        self.title.setText(f"{word} broadcast from {broadcast.author.name} at {when}")
        self.text.setText(broadcast.text)
        self.more.setText(f"{self.waiting} more waiting after this one" if self.waiting else "")
        self.more.setVisible(bool(self.waiting))
        self.setAccessibleName(f"{word} broadcast from {broadcast.author.name}")
        self.setAccessibleDescription(broadcast.text)
        self.button.setEnabled(True)
        self.show()

    def _acknowledge(self) -> None:
        if self.broadcast is not None:
            self.button.setEnabled(False)  # until the server answers (show_owed re-enables)
            self.acknowledgeRequested.emit(self.broadcast.id)
