"""The bar above the stream: the filter tabs (Unassigned, Mine, My team, Handed to me, All), the
network, priority and status choices that narrow them, how many mentions are shown ("N found"
while a search or a choice narrows the tab), and the search box (its text settles 150 ms after
the last key)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from app.client.stream.narrowing import (
    ANY_NETWORK,
    ANY_PRIORITY,
    ANY_STATUS,
    NETWORK_TITLES,
    PRIORITY_TITLES,
    STATUS_TITLES,
    Narrowing,
    PriorityBand,
)
from app.models.enums import MentionStatus, Network
from app.ui.stream.filter import FILTER_TITLES, FilterMode

SEARCH_DELAY_MS = 150


def _choice_box(name: str, anything: str, titles: Mapping[Any, str]) -> QComboBox:
    """A compact combo: "any" first (no data), then one entry per choice (its enum as data)."""
    box = QComboBox()
    box.setAccessibleName(name)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    box.addItem(anything, None)
    for value, title in titles.items():
        box.addItem(title, value.value)
    return box


class FilterBar(QWidget):
    modeChosen = Signal(object)  # FilterMode: a tab became current
    searchSettled = Signal()  # the search text stopped changing
    narrowingChosen = Signal()  # a network, priority or status choice changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.modes = list(FilterMode)
        self.tabs = QTabBar()
        self.tabs.setAccessibleName("Stream filter")
        self.tabs.setExpanding(False)
        for mode in self.modes:
            self.tabs.addTab(FILTER_TITLES[mode])
        self.network_box = _choice_box("Network", ANY_NETWORK, NETWORK_TITLES)
        self.priority_box = _choice_box("Priority", ANY_PRIORITY, PRIORITY_TITLES)
        self.status_box = _choice_box("Status", ANY_STATUS, STATUS_TITLES)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search author or text (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search mentions")
        self.search.setMinimumWidth(200)
        self.search.setMaximumWidth(360)
        self.search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self.shown_label = QLabel("")
        self.shown_label.setAccessibleName("Mentions shown")
        self.shown_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.shown_label.setMinimumWidth(
            self.shown_label.fontMetrics().horizontalAdvance("888,888 found") + 8
        )
        # The choices and the search share the tabs' row when the bar is wide enough, and
        # take a second row below them when it is not (half a screen).
        self.choices = QWidget()
        self.choices.setAccessibleName("Narrow the stream")
        choices = QHBoxLayout(self.choices)
        choices.setContentsMargins(0, 0, 0, 0)
        for box in self._boxes:
            choices.addWidget(box)
        self._top = QHBoxLayout()
        self._top.addWidget(self.tabs)
        self._top.addStretch(1)
        self._top.addWidget(self.shown_label)
        self._second = QHBoxLayout()
        self._second.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self._top)
        layout.addLayout(self._second)
        self.one_row = True
        self._arrange(one_row=False)
        # Never wider than two rows need: the window may shrink, and the bar then re-arranges.
        self.setMinimumWidth(
            max(
                self.tabs.minimumSizeHint().width() + self.shown_label.minimumWidth(),
                self.choices.sizeHint().width() + self.search.minimumWidth(),
            )
            + 3 * layout.spacing()
        )
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.tabs.currentChanged.connect(lambda i: self.modeChosen.emit(self.modes[i]))
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self._search_timer.timeout.connect(self.searchSettled.emit)
        for box in self._boxes:
            box.currentIndexChanged.connect(lambda _i: self.narrowingChosen.emit())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(one_row=event.size().width() >= self._one_row_width())

    def _one_row_width(self) -> int:
        parts = (self.tabs, self.choices, self.shown_label)
        spacing = 6 * max(0, self._top.spacing())
        return sum(p.sizeHint().width() for p in parts) + self.search.minimumWidth() + spacing + 24

    def _arrange(self, *, one_row: bool) -> None:
        if one_row == self.one_row:
            return
        self.one_row = one_row
        for layout in (self._top, self._second):
            layout.removeWidget(self.choices)
            layout.removeWidget(self.search)
        if one_row:  # tabs, choices, …, count, search
            self._top.insertWidget(1, self.choices)
            self._top.addWidget(self.search, 1)
        else:  # tabs, …, count / choices, …, search
            self._second.insertWidget(0, self.choices)
            self._second.addWidget(self.search, 1)

    @property
    def _boxes(self) -> tuple[QComboBox, QComboBox, QComboBox]:
        return (self.network_box, self.priority_box, self.status_box)

    def mode(self) -> FilterMode:
        return self.modes[self.tabs.currentIndex()]

    def show_mode(self, mode: FilterMode) -> bool:
        """Make `mode`'s tab current; False when it already was (no `modeChosen` then)."""
        index = self.modes.index(mode)
        if self.tabs.currentIndex() == index:
            return False
        self.tabs.setCurrentIndex(index)
        return True

    def show_mode_quietly(self, mode: FilterMode) -> None:
        """Make `mode`'s tab current without `modeChosen` (the caller applies the filter)."""
        self.tabs.blockSignals(True)
        self.tabs.setCurrentIndex(self.modes.index(mode))
        self.tabs.blockSignals(False)

    def narrowing(self) -> Narrowing:
        network = self.network_box.currentData()
        band = self.priority_box.currentData()
        status = self.status_box.currentData()
        return Narrowing(
            network=Network(network) if network is not None else None,
            band=PriorityBand(band) if band is not None else None,
            status=MentionStatus(status) if status is not None else None,
        )

    def show_narrowing(self, narrowing: Narrowing) -> None:
        """Show these choices without announcing each one (the caller applies them once)."""
        chosen = (narrowing.network, narrowing.band, narrowing.status)
        for box, value in zip(self._boxes, chosen, strict=True):
            box.blockSignals(True)
            box.setCurrentIndex(0 if value is None else max(0, box.findData(value.value)))
            box.blockSignals(False)

    def search_text(self) -> str:
        return self.search.text().strip()

    def set_shown(self, shown: int, narrowed: bool = False) -> None:
        self.shown_label.setText(f"{shown:,} found" if narrowed else f"{shown:,} shown")

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
