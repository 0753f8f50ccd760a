"""A coloured strip across the window with a message and one button (offline, a refused action,
a coverage gap), hidden while there is nothing to say. Its colours are theme roles."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from app.ui.qt import theme
from app.ui.qt.theme import Role

BANNER_STYLE = "QFrame#{name} {{ background: {bg}; border-radius: 4px; }} QLabel {{ color: {fg}; }}"


class Banner(QFrame):
    """A coloured strip with a message and one button; hidden when there is nothing to say."""

    def __init__(self, name: str, background: Role, text: Role, button_text: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setStyleSheet(
            BANNER_STYLE.format(name=name, bg=theme.name(background), fg=theme.name(text))
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.button = QPushButton(button_text)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()

    def say(self, text: str) -> None:
        self.label.setText(text)
        self.setAccessibleName(text)
        self.show()
