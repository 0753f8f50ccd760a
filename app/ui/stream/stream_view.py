"""The stream's table: one fixed-height row per mention painted by the delegate, single row
selection, a context menu on request, and a sentence inside the empty table saying why it is
empty.

Rows do not move under the pointer: when mentions arrive or the list re-sorts while the rep is
scrolled down or has the pointer over the list, the row at the top stays at the top (the new
ones wait above it); at the top with the pointer elsewhere, new mentions appear at the top."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QWidget

from app.client.stream.rows import MentionRow
from app.ui.stream.delegate import ROW_HEIGHT, MentionDelegate
from app.ui.stream.filter import MentionFilterProxy
from app.ui.stream.model import Column

COLUMN_WIDTHS = {
    Column.NETWORK: 66,
    Column.PRIORITY: 64,
    Column.AUTHOR: 215,
    Column.AGE: 46,
    Column.OWNER: 104,
    Column.STATUS: 92,
}


class StreamView(QTableView):
    def __init__(self, proxy: MentionFilterProxy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy = proxy
        self.setModel(proxy)
        self.setItemDelegate(MentionDelegate(self))
        self.setAccessibleName("Mention stream")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setTabKeyNavigation(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        for column, width in COLUMN_WIDTHS.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(Column.TEXT, QHeaderView.ResizeMode.Stretch)
        # Said inside the empty stream, so an empty pane explains itself.
        self.empty_label = QLabel(self.viewport())
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)
        self.empty_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        # The mention at the top of the viewport and its row, kept across a change of rows.
        self._anchor: tuple[int, int] | None = None
        proxy.rowsAboutToBeInserted.connect(self._hold_anchor)
        proxy.rowsInserted.connect(self._keep_anchor)
        proxy.layoutAboutToBeChanged.connect(self._hold_anchor)
        proxy.layoutChanged.connect(self._keep_anchor)

    # --- keeping rows still under the pointer --------------------------------------------

    def _pointer_over(self) -> bool:
        viewport = self.viewport()
        return viewport.rect().contains(viewport.mapFromGlobal(QCursor.pos()))

    def _hold_anchor(self, *_: object) -> None:
        self._anchor = None
        if self.verticalScrollBar().value() == 0 and not self._pointer_over():
            return  # watching the top: arrivals show there
        top = self.rowAt(0)
        if top < 0:
            return
        self._anchor = (self.proxy.row_at(top).id, top)

    def _keep_anchor(self, *_: object) -> None:
        anchor, self._anchor = self._anchor, None
        if anchor is None:
            return
        mention_id, old_row = anchor
        new_row = self.proxy.proxy_row_of_mention(mention_id)
        if new_row is None or new_row == old_row:
            return
        self.updateGeometries()  # the scroll range grows with the rows before we move
        bar = self.verticalScrollBar()
        step = 1
        if self.verticalScrollMode() is QAbstractItemView.ScrollMode.ScrollPerPixel:
            step = ROW_HEIGHT
        bar.setValue(bar.value() + (new_row - old_row) * step)

    def say_empty(self, text: str) -> None:
        self.empty_label.setText(text)
        self.empty_label.setGeometry(self.viewport().rect().adjusted(20, 20, -20, -20))
        self.empty_label.show()

    def selected_row(self) -> MentionRow | None:
        index = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isRowSelected(index.row()):
            return None
        return self.proxy.row_at(index.row())

    def select_mention(self, mention_id: int) -> bool:
        proxy_row = self.proxy.proxy_row_of_mention(mention_id)
        if proxy_row is None:
            return False
        self.selectRow(proxy_row)
        self.scrollTo(self.proxy.index(proxy_row, 0))
        return True
