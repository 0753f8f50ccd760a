"""The tinted frame the composer's notices sit in (take a breath, the countdown, conflicts, a
mention that cannot be answered here): a background and a text role of the theme, named so its
style reaches only its own labels, set again when the scheme turns light or dark
(app/ui/qt/recolour.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QWidget

from app.ui.qt import theme
from app.ui.qt.recolour import follow_palette
from app.ui.qt.theme import Role


class TintedBox(QFrame):
    def __init__(
        self, name: str, background: Role, text: Role, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.roles = (background, text)
        follow_palette(self._paint_style)

    def _paint_style(self) -> None:
        style = theme.box_style(self.objectName(), *self.roles)
        if style != self.styleSheet():  # a new style sheet changes the palette again
            self.setStyleSheet(style)
