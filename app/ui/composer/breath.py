"""The "take a breath" box: shown while heat or blame is marked in the reply, it suggests a
pause and the three A's, and adds an offer to continue by DM or email on one click."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui.composer.tinted import TintedBox
from app.ui.qt.theme import Role

BREATH_TEXT = (
    "Take a breath. Parts of this reply read as heated or blaming (underlined). Step away "
    "from it for a minute — it will wait. Then try the three A's: acknowledge what went "
    "wrong, apologise for their trouble, and say what you will do. Offer to continue by DM, "
    "email or phone rather than arguing in public."
)


class BreathBox(TintedBox):
    offerRequested = Signal()  # add a DM / email offer to the reply

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("breath", Role.BREATH, Role.BREATH_TEXT, parent)
        self.label = QLabel(BREATH_TEXT)
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Take a breath")
        self.offline_offer_button = QPushButton("Add a DM / email offer")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.offline_offer_button)
        layout.addLayout(buttons)
        self.offline_offer_button.clicked.connect(lambda: self.offerRequested.emit())
        self.hide()
