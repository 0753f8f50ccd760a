"""The bar above the stream: the filter tabs (Unassigned, Mine, My team, Handed to me, All), the
network, priority and status choices that narrow them, how many mentions are shown ("N found"
while a search or a choice narrows the tab), and the search box (its text settles 150 ms after
the last key)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QPoint, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QTabBar,
    QToolButton,
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
from app.models.customer_schemas import fold_tag
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
    narrowingChosen = Signal()  # a network, priority, status or tag choice changed
    # Saved views: their tabs follow the built-in ones (app/ui/stream/saved_views.py).
    viewChosen = Signal(int)  # a saved view's tab became current (its id)
    saveViewRequested = Signal()
    renameViewRequested = Signal(int)
    deleteViewRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.modes = list(FilterMode)
        self.view_ids: list[int] = []  # the saved views' tabs, after the built-in ones
        self._view_mode = FilterMode.ALL  # the mode the current saved view filters by
        self.tabs = QTabBar()
        self.tabs.setAccessibleName("Stream filter")
        self.tabs.setExpanding(False)
        for mode in self.modes:
            self.tabs.addTab(FILTER_TITLES[mode])
        self.network_box = _choice_box("Network", ANY_NETWORK, NETWORK_TITLES)
        self.priority_box = _choice_box("Priority", ANY_PRIORITY, PRIORITY_TITLES)
        self.status_box = _choice_box("Status", ANY_STATUS, STATUS_TITLES)
        # A tag to narrow to, typed (completed from the tags offered: `offer_tags`).
        self.tag_box = QLineEdit()
        self.tag_box.setPlaceholderText("Tag")
        self.tag_box.setAccessibleName("Tag filter")
        self.tag_box.setClearButtonEnabled(True)
        self.tag_box.setMaximumWidth(84)  # the bar still fits half a screen
        self.tag_completer = QCompleter(QStringListModel(self), self)
        self.tag_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tag_box.setCompleter(self.tag_completer)
        self._tag_timer = QTimer(self)
        self._tag_timer.setSingleShot(True)
        self._tag_timer.setInterval(SEARCH_DELAY_MS)
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
        choices.addWidget(self.tag_box)
        self.save_view = QToolButton()
        self.save_view.setText("+")
        self.save_view.setAutoRaise(True)
        self.save_view.setToolTip("Save the current filters, sort and columns as a view")
        self.save_view.setAccessibleName("Save as a view")
        self.save_view.clicked.connect(self.saveViewRequested.emit)
        self._top = QHBoxLayout()
        self._top.addWidget(self.tabs)
        self._top.addWidget(self.save_view)
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
        self.tabs.currentChanged.connect(self._tab_changed)
        self.tabs.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tabs.customContextMenuRequested.connect(self._tab_menu)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self._search_timer.timeout.connect(self.searchSettled.emit)
        for box in self._boxes:
            box.currentIndexChanged.connect(lambda _i: self.narrowingChosen.emit())
        self.tag_box.textChanged.connect(lambda _: self._tag_timer.start())
        self._tag_timer.timeout.connect(self.narrowingChosen.emit)

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
        index = self.tabs.currentIndex()
        return self.modes[index] if index < len(self.modes) else self._view_mode

    # --- saved views' tabs ----------------------------------------------------------------

    def _tab_changed(self, index: int) -> None:
        if index < len(self.modes):
            self.modeChosen.emit(self.modes[index])
        elif index - len(self.modes) < len(self.view_ids):
            self.viewChosen.emit(self.view_ids[index - len(self.modes)])

    def _tab_menu(self, point: QPoint) -> None:
        index = self.tabs.tabAt(point)
        view_id = self.view_at(index)
        if view_id is None:
            return
        menu = QMenu(self)
        menu.addAction("Rename view…", lambda: self.renameViewRequested.emit(view_id))
        menu.addAction("Delete view", lambda: self.deleteViewRequested.emit(view_id))
        menu.popup(self.tabs.mapToGlobal(point))
        self.view_menu = menu  # kept: tests trigger its actions

    def view_at(self, index: int) -> int | None:
        position = index - len(self.modes)
        return self.view_ids[position] if 0 <= position < len(self.view_ids) else None

    def current_view(self) -> int | None:
        """The saved view whose tab is current, if one is."""
        return self.view_at(self.tabs.currentIndex())

    def show_views(self, views: list[tuple[int, str]]) -> None:
        """The saved views' tabs (id, name), in order; the current one stays if it is there."""
        current = self.current_view()
        self.tabs.blockSignals(True)
        while self.tabs.count() > len(self.modes):
            self.tabs.removeTab(self.tabs.count() - 1)
        self.view_ids = [view_id for view_id, _name in views]
        for view_id, name in views:
            index = self.tabs.addTab(name)
            self.tabs.setTabToolTip(index, f"Your saved view “{name}” (right-click to rename)")
            self.tabs.setTabData(index, view_id)
        if current is not None and current in self.view_ids:
            self.tabs.setCurrentIndex(len(self.modes) + self.view_ids.index(current))
        elif current is not None:
            self.tabs.setCurrentIndex(self.modes.index(self._view_mode))
        self.tabs.blockSignals(False)
        if current is not None and current not in self.view_ids:
            self.modeChosen.emit(self.mode())

    def show_view(self, view_id: int) -> bool:
        """Make the saved view's tab current (`viewChosen` follows); False if it has none."""
        if view_id not in self.view_ids:
            return False
        self.tabs.setCurrentIndex(len(self.modes) + self.view_ids.index(view_id))
        return True

    def use_view_mode(self, mode: FilterMode) -> None:
        """The mode the current saved view filters by (its tab is not the mode's)."""
        self._view_mode = mode

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
        tag = fold_tag(self.tag_box.text())
        return Narrowing(
            network=Network(network) if network is not None else None,
            band=PriorityBand(band) if band is not None else None,
            status=MentionStatus(status) if status is not None else None,
            tag=tag or None,
        )

    def show_narrowing(self, narrowing: Narrowing) -> None:
        """Show these choices without announcing each one (the caller applies them once)."""
        chosen = (narrowing.network, narrowing.band, narrowing.status)
        for box, value in zip(self._boxes, chosen, strict=True):
            box.blockSignals(True)
            box.setCurrentIndex(0 if value is None else max(0, box.findData(value.value)))
            box.blockSignals(False)
        self.tag_box.blockSignals(True)
        self.tag_box.setText(narrowing.tag or "")
        self.tag_box.blockSignals(False)

    def offer_tags(self, tags: list[str]) -> None:
        """The tags the tag filter completes from."""
        model = self.tag_completer.model()
        assert isinstance(model, QStringListModel)
        model.setStringList(tags)

    def show_search(self, text: str) -> None:
        """Put this search in the box (a saved view's); it settles as typed text does."""
        self.search.setText(text)

    def search_text(self) -> str:
        return self.search.text().strip()

    def set_shown(self, shown: int, narrowed: bool = False) -> None:
        self.shown_label.setText(f"{shown:,} found" if narrowed else f"{shown:,} shown")

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
