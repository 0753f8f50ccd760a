"""Link another identity: the rep searches for the other account (a handle, a name or words
of its posts), picks the customer and links them to the one shown. The dialog only asks: the
search and the link are the desk's."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.client.customers.book import CustomerChoice

SEARCH_DELAY_MS = 250
CHOICE_ROLE = Qt.ItemDataRole.UserRole


class LinkDialog(QDialog):
    searchRequested = Signal(str)
    linkChosen = Signal(int, int)  # the shown customer, the one to merge into it

    def __init__(self, customer_id: int, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.customer_id = customer_id
        self.setWindowTitle("Link another identity")
        intro = QLabel(
            f"Find {title}'s other account (a handle, a name, or words they wrote) and link it: "
            "both become one customer with one history."
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Handle or name, e.g. dana.bsky.social")
        self.search.setAccessibleName("Find a customer")
        self.choices = QListWidget()
        self.choices.setAccessibleName("Customers found")
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.link_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.link_button.setText("Link")
        self.link_button.setEnabled(False)
        layout = QVBoxLayout(self)
        for widget in (intro, self.search, self.choices, self.status, self.buttons):
            layout.addWidget(widget)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self._timer.timeout.connect(lambda: self.searchRequested.emit(self.search.text()))
        self.choices.currentItemChanged.connect(
            lambda item, _old: self.link_button.setEnabled(item is not None)
        )
        self.choices.itemDoubleClicked.connect(lambda _item: self.accept())
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def show_choices(self, text: str, choices: Sequence[CustomerChoice]) -> None:
        """What a search found (ignored when the search has moved on since)."""
        if text != self.search.text():
            return
        self.choices.clear()
        for choice in choices:
            item = QListWidgetItem(choice.label)
            item.setData(CHOICE_ROLE, choice.customer_id)
            self.choices.addItem(item)
        self.status.setText("" if choices or not text.strip() else "Nobody found.")
        if choices:
            self.choices.setCurrentRow(0)

    def chosen(self) -> int | None:
        item = self.choices.currentItem()
        return int(item.data(CHOICE_ROLE)) if item is not None else None

    def accept(self) -> None:
        other = self.chosen()
        if other is None:
            return
        self.linkChosen.emit(self.customer_id, other)
        super().accept()
