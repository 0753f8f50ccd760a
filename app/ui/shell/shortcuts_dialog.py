"""Help ▸ Keyboard shortcuts: every action that has keys, listed from the actions table."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.shell.actions import SHORTCUTS


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setMinimumSize(560, 540)
        table = QTableWidget(len(SHORTCUTS), 2)
        table.setHorizontalHeaderLabels(["Keys", "Does"])
        table.setAccessibleName("Keyboard shortcuts")
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 12)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for i, action in enumerate(SHORTCUTS):
            table.setItem(i, 0, QTableWidgetItem(action.keys))
            table.setItem(i, 1, QTableWidgetItem(action.help))
        header = table.horizontalHeader()
        header.resizeSection(0, table.fontMetrics().horizontalAdvance("Ctrl+Shift+MM") + 24)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
