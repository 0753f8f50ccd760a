"""The cool-off countdown of the shown reply: the time left (refreshed while it runs) and the
three things the rep can still do — update its text, cancel it, or send it now."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.client.composer.display import Countdown
from app.ui.composer.tinted import TintedBox
from app.ui.qt.theme import Role

COUNTDOWN_REFRESH_MS = 250


class CountdownBar(TintedBox):
    updateRequested = Signal()  # the waiting reply takes the editor's text
    cancelRequested = Signal()
    sendNowRequested = Signal()

    def __init__(
        self, countdown: Callable[[], Countdown | None], parent: QWidget | None = None
    ) -> None:
        super().__init__("countdown", Role.COUNTDOWN, Role.COUNTDOWN_TEXT, parent)
        self._countdown = countdown
        self.label = QLabel("")
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        self.label.setAccessibleName("Cool-off countdown")
        self.update_button = QPushButton("&Update text")
        self.cancel_button = QPushButton("Cance&l")
        self.send_now_button = QPushButton("Send &now")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.update_button)
        layout.addWidget(self.cancel_button)
        layout.addWidget(self.send_now_button)
        self._timer = QTimer(self)
        self._timer.setInterval(COUNTDOWN_REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self.update_button.clicked.connect(lambda: self.updateRequested.emit())
        self.cancel_button.clicked.connect(lambda: self.cancelRequested.emit())
        self.send_now_button.clicked.connect(lambda: self.sendNowRequested.emit())
        self.hide()

    def run(self, counting: bool) -> None:
        """Show the countdown and keep it current while a reply counts down; else hide it."""
        self.setVisible(counting)
        if counting:
            self.refresh()
            self._timer.start()
        else:
            self._timer.stop()

    def refresh(self) -> None:
        countdown = self._countdown()
        if countdown is None:
            return
        self.label.setText(countdown.text)
        allowed = countdown.send_now_allowed
        self.send_now_button.setEnabled(allowed)
        self.send_now_button.setToolTip(
            "Skip the wait." if allowed else "Not while heat or blame is marked in the text."
        )
