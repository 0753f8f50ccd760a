"""The dialog in which a manager writes a broadcast: the note and its severity."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.models.enums import Severity
from app.ui.qt import theme
from app.ui.qt.theme import Role

MAX_LENGTH = 4000

_SEVERITY_HELP = {
    Severity.INFO: "&Info — good to know",
    Severity.IMPORTANT: "I&mportant — read before your next reply",
    Severity.URGENT: "&Urgent — stop and read now",
}


class BroadcastDialog(QDialog):
    """Write a note to every on-duty console; off-duty people see it when they come on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Send a broadcast")
        self.setMinimumWidth(480)
        intro = QLabel(
            "Everyone on duty sees this at once, as a banner and a notification, until they "
            "acknowledge it. People off duty see it when they next come on duty."
        )
        intro.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Broadcast text")
        self.text.setPlaceholderText(
            "e.g. Approved: offer a full refund for order delays this week."
        )
        self.text.setTabChangesFocus(True)
        self.severity_buttons: dict[Severity, QRadioButton] = {}
        group = QButtonGroup(self)
        severities = QHBoxLayout()
        for severity, label in _SEVERITY_HELP.items():
            button = QRadioButton(label)
            group.addButton(button)
            severities.addWidget(button)
            self.severity_buttons[severity] = button
        self.severity_buttons[Severity.IMPORTANT].setChecked(True)
        self.problem = QLabel("")
        self.problem.setStyleSheet(theme.text_style(Role.ERROR_TEXT))
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        send = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        send.setText("&Send")
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(QLabel("Severity:"))
        layout.addLayout(severities)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def note(self) -> str:
        return self.text.toPlainText().strip()

    def severity(self) -> Severity:
        return next(s for s, b in self.severity_buttons.items() if b.isChecked())

    def _check(self) -> None:
        text = self.note()
        if not text:
            self.problem.setText("Write the note first: it is empty.")
            return
        if len(text) > MAX_LENGTH:
            self.problem.setText(f"Too long: {len(text)} characters, at most {MAX_LENGTH}.")
            return
        self.accept()
