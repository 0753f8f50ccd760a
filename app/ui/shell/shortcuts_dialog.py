"""Help ▸ Keyboard shortcuts: every action that has keys, listed from the actions table, then
the stream's own moves and, in a console with a reply composer, the reply editor's keys."""

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

from app.ui.shell.actions import COMPOSER_KEYS, SHORTCUTS, STREAM_KEYS, Action


def shortcut_rows(with_composer: bool) -> list[tuple[str, str]]:
    """(keys, what they do), in the order the dialog lists them."""
    actions = [a for a in SHORTCUTS if with_composer or a is not Action.FOCUS_REPLY]
    return [
        *((action.keys, action.help) for action in actions),
        *STREAM_KEYS,
        *(COMPOSER_KEYS if with_composer else ()),
    ]


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, with_composer: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setMinimumSize(620, 600)
        rows = shortcut_rows(with_composer)
        table = QTableWidget(len(rows), 2)
        self.table = table
        table.setHorizontalHeaderLabels(["Keys", "Does"])
        table.setAccessibleName("Keyboard shortcuts")
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 12)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for i, (keys, help_line) in enumerate(rows):
            table.setItem(i, 0, QTableWidgetItem(keys))
            table.setItem(i, 1, QTableWidgetItem(help_line))
        header = table.horizontalHeader()
        widest = max(table.fontMetrics().horizontalAdvance(keys) for keys, _ in rows)
        header.resizeSection(0, widest + 24)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
