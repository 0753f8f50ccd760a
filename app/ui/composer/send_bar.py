"""The composer's last row: Resolve, with an optional reminder to check back in N days, and
Send (which starts the cool-off)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QSpinBox, QWidget

from app.client.composer.service import DEFAULT_FOLLOW_UP_DAYS


class SendBar(QWidget):
    sendRequested = Signal()
    resolveRequested = Signal(object)  # int | None: check back in N days, or not at all

    def __init__(self, *, spacing: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.send_button = QPushButton("&Send")
        self.send_button.setToolTip("Send after the cool-off (Ctrl+Enter)")
        self.send_button.setDefault(True)
        self.follow_up_box = QCheckBox("Check back in")
        self.follow_up_box.setChecked(True)
        self.follow_up_days = QSpinBox()
        self.follow_up_days.setRange(1, 60)
        self.follow_up_days.setValue(DEFAULT_FOLLOW_UP_DAYS)
        self.follow_up_days.setSuffix(" days")
        self.follow_up_days.setAccessibleName("Check back after days")
        self.resolve_button = QPushButton("&Resolve")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # a row of the panel's layout, not a box
        layout.setSpacing(spacing)
        layout.addWidget(self.resolve_button)
        layout.addWidget(self.follow_up_box)
        layout.addWidget(self.follow_up_days)
        layout.addStretch(1)
        layout.addWidget(self.send_button)
        self.follow_up_box.toggled.connect(self.follow_up_days.setEnabled)
        self.resolve_button.clicked.connect(lambda: self.resolveRequested.emit(self.follow_up()))
        self.send_button.clicked.connect(lambda: self.sendRequested.emit())

    def follow_up(self) -> int | None:
        """Days until the check-back reminder (None: no reminder)."""
        return self.follow_up_days.value() if self.follow_up_box.isChecked() else None
