"""The "Canned & playbook" button: the team's canned replies and pre-approved actions in one
menu, by kind, the first nine labelled with their Alt+1…9 keys; picking one asks the panel to
insert it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from app.models.composer import CannedKind, CannedPublic
from app.ui.qt.plain import plain_tooltip

SECTIONS = ((CannedKind.CANNED, "Canned replies"), (CannedKind.PLAYBOOK, "Playbook"))


class CannedButton(QToolButton):
    insertRequested = Signal(int)  # the entry's index, as Alt+1…9 count them from 0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText("Canned && playbook")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolTip("Insert a canned reply or a pre-approved action (Alt+1…9)")
        self.entries = QMenu(self)
        self.setMenu(self.entries)
        self.canned: list[CannedPublic] = []

    def entry(self, index: int) -> CannedPublic | None:
        return self.canned[index] if 0 <= index < len(self.canned) else None

    def set_canned(self, canned: list[CannedPublic]) -> None:
        self.canned = list(canned)
        self.entries.clear()
        if not canned:
            self.entries.addAction("No canned replies yet (managers add them)").setEnabled(False)
        for kind, title in SECTIONS:
            entries = [(i, c) for i, c in enumerate(self.canned) if c.kind is kind]
            if not entries:
                continue
            self.entries.addSection(title)
            for index, entry in entries:
                label = f"{entry.title}"
                if index < 9:
                    label += f"\tAlt+{index + 1}"
                action = self.entries.addAction(label)
                action.setToolTip(plain_tooltip(entry.body))
                action.triggered.connect(lambda _=False, n=index: self.insertRequested.emit(n))
