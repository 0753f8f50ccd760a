"""The tinted frame the composer's notices sit in (take a breath, the countdown, conflicts):
a background and a text colour, named so its style reaches only its own labels."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QWidget


class TintedBox(QFrame):
    def __init__(
        self, name: str, background: str, text: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setStyleSheet(
            f"QFrame#{name} {{ background: {background}; border-radius: 4px; }} "
            f"QLabel {{ color: {text}; }}"
        )
