"""A coloured strip across the window with a message and one button (offline, a refused action,
a coverage gap), hidden while there is nothing to say. Its colours are theme roles, set again
when the console turns light or dark (app/ui/qt/recolour.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from app.ui.qt import theme
from app.ui.qt.recolour import follow_palette
from app.ui.qt.theme import Role

BANNER_STYLE = "QFrame#{name} {{ background: {bg}; border-radius: 4px; }} QLabel {{ color: {fg}; }}"


class Banner(QFrame):
    """A coloured strip with a message and one button; hidden when there is nothing to say."""

    def __init__(self, name: str, background: Role, text: Role, button_text: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self._roles = (background, text)
        follow_palette(self._paint_style)  # light or dark: the roles' other column
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.button = QPushButton(button_text)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()

    def _paint_style(self) -> None:
        background, text = self._roles
        style = BANNER_STYLE.format(
            name=self.objectName(), bg=theme.name(background), fg=theme.name(text)
        )
        if style != self.styleSheet():  # a new style sheet changes the palette again
            self.setStyleSheet(style)

    def say(self, text: str) -> None:
        self.label.setText(text)
        self.setAccessibleName(text)
        self.show()
