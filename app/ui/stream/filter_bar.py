"""The bar above the stream: the filter tabs (Unassigned, Mine, My team, Handed to me, All),
how many mentions are shown, and the search box (its text settles 150 ms after the last key)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTabBar, QWidget

from app.ui.stream.filter import FILTER_TITLES, FilterMode

SEARCH_DELAY_MS = 150


class FilterBar(QWidget):
    modeChosen = Signal(object)  # FilterMode: a tab became current
    searchSettled = Signal()  # the search text stopped changing

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.modes = list(FilterMode)
        self.tabs = QTabBar()
        self.tabs.setAccessibleName("Stream filter")
        self.tabs.setExpanding(False)
        for mode in self.modes:
            self.tabs.addTab(FILTER_TITLES[mode])
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search author or text (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search mentions")
        self.search.setMinimumWidth(280)
        self.search.setMaximumWidth(360)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self.shown_label = QLabel("")
        self.shown_label.setAccessibleName("Mentions shown")
        self.shown_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.shown_label.setMinimumWidth(
            self.shown_label.fontMetrics().horizontalAdvance("888,888 shown") + 8
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        layout.addStretch(1)
        layout.addWidget(self.shown_label)
        layout.addWidget(self.search)
        self.tabs.currentChanged.connect(lambda i: self.modeChosen.emit(self.modes[i]))
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self._search_timer.timeout.connect(self.searchSettled.emit)

    def mode(self) -> FilterMode:
        return self.modes[self.tabs.currentIndex()]

    def show_mode(self, mode: FilterMode) -> bool:
        """Make `mode`'s tab current; False when it already was (no `modeChosen` then)."""
        index = self.modes.index(mode)
        if self.tabs.currentIndex() == index:
            return False
        self.tabs.setCurrentIndex(index)
        return True

    def search_text(self) -> str:
        return self.search.text().strip()

    def set_shown(self, shown: int) -> None:
        self.shown_label.setText(f"{shown:,} shown")

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
