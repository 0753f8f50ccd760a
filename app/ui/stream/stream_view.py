"""The stream's table: one fixed-height row per mention painted by the delegate, extended row
selection (Shift/Ctrl click, Shift+arrows), j/k moving like the arrows, headers that sort when
clicked (the stream decides the order; the header only shows it), a context menu on request,
and a sentence inside the empty table saying why it is empty.

The mention's text always keeps a readable width: where the list is narrower than the other
columns' widths plus that text (half a screen), those columns give way, each towards a least
width that still shows a short name or a status; wider, their own widths come back. A width the
rep dragged becomes that column's own width, given up only when the text would lose its room.

Rows do not move under the pointer: when mentions arrive or the list re-sorts while the rep is
scrolled down or has the pointer over the list, the row at the top stays at the top (the new
ones wait above it); at the top with the pointer elsewhere, new mentions appear at the top.
Mentions that arrived and wait above are counted on a button at the top of the list ("↑ 12 new
above"): it takes the rep to the top, as scrolling there does — so a storm is never hidden
behind a list held still."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from app.client.stream.narrowing import SortColumn, StreamSort
from app.client.stream.rows import MentionRow
from app.ui.qt import theme
from app.ui.qt.theme import Role
from app.ui.stream.delegate import ROW_HEIGHT, MentionDelegate
from app.ui.stream.filter import MentionFilterProxy
from app.ui.stream.model import Column

COLUMN_WIDTHS = {
    Column.NETWORK: 66,
    Column.PRIORITY: 64,
    Column.AUTHOR: 215,
    Column.AGE: 46,
    Column.DUE: 72,
    Column.OWNER: 104,
    Column.STATUS: 92,
}
# How narrow each column may get when the list is narrow: a badge, a priority, a short name
# beside the DEMO pill, an age, a short owner, the widest status pill.
COLUMN_MIN_WIDTHS = {
    Column.NETWORK: 44,
    Column.PRIORITY: 40,
    Column.AUTHOR: 104,
    Column.AGE: 36,
    Column.DUE: 56,
    Column.OWNER: 52,
    Column.STATUS: 74,
}
CLOCK_REPAINT_MS = 30_000
# The mention's text keeps this much when the other columns can give it up.
TEXT_READABLE_WIDTH = 220


def fit_widths(
    preferred: Mapping[Column, int], available: int, text: int = TEXT_READABLE_WIDTH
) -> dict[Column, int]:
    """The columns' widths (all but the text) in a list `available` px wide: their preferred
    widths when the text still has `text` px beside them; otherwise each gives up the same
    share of what it has above its least width, no more than the text needs."""
    need = sum(preferred.values()) + text - available
    spare = {c: max(0, w - COLUMN_MIN_WIDTHS.get(c, w)) for c, w in preferred.items()}
    total = sum(spare.values())
    if need <= 0 or total == 0:
        return dict(preferred)
    share = min(1.0, need / total)
    return {c: w - round(spare[c] * share) for c, w in preferred.items()}


# The columns a header click sorts by (the mention's text does not sort).
SORT_COLUMNS = {
    Column.NETWORK: SortColumn.NETWORK,
    Column.PRIORITY: SortColumn.PRIORITY,
    Column.AUTHOR: SortColumn.AUTHOR,
    Column.AGE: SortColumn.AGE,
    Column.DUE: SortColumn.DUE,
    Column.OWNER: SortColumn.OWNER,
    Column.STATUS: SortColumn.STATUS,
}
_SECTION_OF = {sort: column for column, sort in SORT_COLUMNS.items()}


def new_above_text(count: int) -> str:
    """The button's words for `count` mentions that arrived above the rows on show."""
    return f"↑ {count:,} new above" if count != 1 else "↑ 1 new above"


# Vim-style keys that move like the arrows (with Shift, they extend the selection too).
_MOVE_KEYS = {Qt.Key.Key_J: Qt.Key.Key_Down, Qt.Key.Key_K: Qt.Key.Key_Up}


class StreamView(QTableView):
    columnClicked = Signal(object)  # SortColumn: the rep clicked a sortable column's header

    def __init__(self, proxy: MentionFilterProxy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy = proxy
        self.setModel(proxy)
        self.setItemDelegate(MentionDelegate(self))
        self.setAccessibleName("Mention stream")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
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
        # The columns' own widths (the rep's drags included), and whether we are the one
        # resizing them.
        self._preferred = dict(COLUMN_WIDTHS)
        self._fitting = False
        header.sectionResized.connect(self._section_resized)
        self.setColumnHidden(Column.DUE, True)  # until a mention has a response clock
        # Ages and response clocks count on with nothing else happening: repaint the rows on
        # show (only those) every half minute.
        self.clock_tick = QTimer(self)
        self.clock_tick.setInterval(CLOCK_REPAINT_MS)
        self.clock_tick.timeout.connect(self.viewport().update)
        self.clock_tick.start()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)  # newest first: no column
        header.sectionClicked.connect(self._section_clicked)
        self._sort = StreamSort()
        # Said inside the empty stream, so an empty pane explains itself.
        self.empty_label = QLabel(self.viewport())
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)
        self.empty_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        # The mention at the top of the viewport and its row, kept across a change of rows.
        self._anchor: tuple[int, int] | None = None
        proxy.rowsAboutToBeInserted.connect(self._hold_anchor)
        proxy.rowsInserted.connect(self._arrived)
        proxy.layoutAboutToBeChanged.connect(self._hold_anchor)
        proxy.layoutChanged.connect(self._keep_anchor)
        # Mentions that arrived above the rows on show while they were held still.
        self.arrived_above = 0
        # A child of the view, not of its viewport: the viewport's children scroll with the rows.
        self.new_above = QPushButton(self)
        self.new_above.setObjectName("newAbove")
        self.new_above.setCursor(Qt.CursorShape.PointingHandCursor)
        self.new_above.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Ctrl+Home does it by keyboard
        self.new_above.setToolTip("Go to the top of the list (Ctrl+Home)")
        self.new_above.setStyleSheet(  # the colours of the "new" status pill
            f"QPushButton#newAbove {{ background: {theme.name(Role.STATUS_NEW)}; "
            f"color: {theme.name(Role.PILL_TEXT)}; border: none; border-radius: 11px; "
            "padding: 3px 14px; font-weight: bold; }"
        )
        self.new_above.hide()
        self.new_above.clicked.connect(self.show_top)
        proxy.modelReset.connect(self._forget_arrivals)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)

    # --- column widths -----------------------------------------------------------------

    def _section_resized(self, section: int, _old: int, new: int) -> None:
        if self._fitting or section == Column.TEXT:
            return
        self._preferred[Column(section)] = new  # the rep dragged it: its width from now on

    def viewportEvent(self, event: QEvent) -> bool:
        handled = super().viewportEvent(event)
        if event.type() is QEvent.Type.Resize:
            self.fit_columns()
            self._place_new_above()
        return handled

    def show_clocks(self, shown: bool) -> None:
        """Show the Due column (response clocks) only while some mention has a clock: a
        team without response targets keeps the room for the mentions' text."""
        if self.isColumnHidden(Column.DUE) != shown:
            return
        self.setColumnHidden(Column.DUE, not shown)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Size the columns for the list's width (see the module docstring)."""
        shown = {c: w for c, w in self._preferred.items() if not self.isColumnHidden(c)}
        widths = fit_widths(shown, self.viewport().width())
        header = self.horizontalHeader()
        self._fitting = True
        try:
            for column, width in widths.items():
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False

    # --- sorting and moving -------------------------------------------------------------

    def _section_clicked(self, section: int) -> None:
        # The header flipped its own indicator already; put the stream's order back on it
        # (the stream answers a sortable click through `show_sort`).
        self.show_sort(self._sort)
        column = SORT_COLUMNS.get(Column(section))
        if column is not None:
            self.columnClicked.emit(column)

    def show_sort(self, sort: StreamSort) -> None:
        """Show the stream's order on the header: its column's indicator, none when newest
        first."""
        self._sort = sort
        order = Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder
        section = -1 if sort.column is None else int(_SECTION_OF[sort.column])
        self.horizontalHeader().setSortIndicator(section, order)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        arrow = _MOVE_KEYS.get(Qt.Key(event.key()))
        allowed = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        if arrow is not None and not (event.modifiers() & ~allowed):
            event = QKeyEvent(QEvent.Type.KeyPress, arrow, event.modifiers(), "")
        super().keyPressEvent(event)

    def keyboardSearch(self, search: str) -> None:
        """Typed letters do not jump to a row whose network starts with them (Qt's default):
        in a live stream that moved the selection, and the detail with it, by surprise; the
        search box (Ctrl+F) finds mentions."""

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

    def _arrived(self, _parent: object, first: int, last: int) -> None:
        anchor = self._anchor
        if anchor is not None and first <= anchor[1]:
            self._count_arrivals(last - first + 1)
        self._keep_anchor()

    def _count_arrivals(self, count: int) -> None:
        self.arrived_above += count
        self.new_above.setText(new_above_text(self.arrived_above))
        self.new_above.setAccessibleName(new_above_text(self.arrived_above).lstrip("↑ "))
        self._place_new_above()
        self.new_above.show()
        self.new_above.raise_()

    def _place_new_above(self) -> None:
        button = self.new_above
        button.adjustSize()
        area = self.viewport().geometry()  # below the header, in the view's coordinates
        x = area.left() + (area.width() - button.width()) // 2
        button.move(max(area.left(), x), area.top() + 4)

    def _scrolled(self, value: int) -> None:
        if value == 0:
            self._forget_arrivals()

    def _forget_arrivals(self) -> None:
        self.arrived_above = 0
        self.new_above.hide()

    def show_top(self) -> None:
        """Scroll to the top of the list, where the newest (or first-sorted) mentions are."""
        self.verticalScrollBar().setValue(0)
        self._forget_arrivals()

    def say_empty(self, text: str) -> None:
        self.empty_label.setText(text)
        self.empty_label.setGeometry(self.viewport().rect().adjusted(20, 20, -20, -20))
        self.empty_label.show()

    def selected_row(self) -> MentionRow | None:
        """The current mention, if it is selected (the one the detail pane follows)."""
        index = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isRowSelected(index.row()):
            return None
        return self.proxy.row_at(index.row())

    def selected_rows(self) -> list[MentionRow]:
        """Every selected mention, top to bottom."""
        rows = sorted(index.row() for index in self.selectionModel().selectedRows())
        return [self.proxy.row_at(row) for row in rows]

    def select_mention(self, mention_id: int) -> bool:
        proxy_row = self.proxy.proxy_row_of_mention(mention_id)
        if proxy_row is None:
            return False
        # Only this mention, whatever keys are held: selectRow would read the keyboard's
        # modifiers and add it to the selection while Ctrl or Shift is down (a notification
        # clicked with Ctrl held would hand off two mentions).
        index = self.proxy.index(proxy_row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.selectionModel().setCurrentIndex(index, flags)
        self.scrollTo(index)
        return True
