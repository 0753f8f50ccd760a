"""The mention stream as a table model: newest first, fed in batches.

Rows arrive from the session at any rate; they are buffered and flushed into the model on a
~50 ms timer with one `beginInsertRows` per flush, so a burst of thousands of events costs a
handful of view updates. Rows are kept oldest-first internally (appends are cheap and positions
never move); row r of the model is position `len - 1 - r`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from app.client.stream.response_clock import read_clock
from app.client.stream.rows import MentionRow
from app.client.stream.words import pending_words, routed_words
from app.ui.qt.plain import plain_tooltip

FLUSH_INTERVAL_MS = 50

_Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    NETWORK = 0
    PRIORITY = 1
    AUTHOR = 2
    TEXT = 3
    AGE = 4
    DUE = 5
    OWNER = 6
    STATUS = 7


COLUMN_TITLES = {
    Column.NETWORK: "Network",
    Column.PRIORITY: "Priority",
    Column.AUTHOR: "Author",
    Column.TEXT: "Mention",
    Column.AGE: "Age",
    Column.DUE: "Due",
    Column.OWNER: "Owner",
    Column.STATUS: "Status",
}


class MentionRole(IntEnum):
    ROW = Qt.ItemDataRole.UserRole + 1  # the MentionRow itself
    MENTION_ID = Qt.ItemDataRole.UserRole + 2
    PRIORITY = Qt.ItemDataRole.UserRole + 3
    STATUS = Qt.ItemDataRole.UserRole + 4
    IS_DEMO = Qt.ItemDataRole.UserRole + 5
    IS_URGENT = Qt.ItemDataRole.UserRole + 6
    # The initials of colleagues viewing or typing on it (tuple[str, ...]), painted as badges.
    PRESENT = Qt.ItemDataRole.UserRole + 20


def age_text(created_at: datetime, now: datetime) -> str:
    seconds = max(0, int((now - created_at).total_seconds()))
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


def owner_text(row: MentionRow) -> str:
    """The owner, or the marker of an action of the rep's still in the outbox (the words the
    detail pane says too)."""
    return pending_words(row.pending_action) or row.assignee_name or "—"


def status_text(row: MentionRow) -> str:
    return row.status.value.replace("_", " ")


class MentionStreamModel(QAbstractTableModel):
    """Every mention the console knows, newest first."""

    # Positions (see module docstring) of rows replaced in one flush: lets the filter proxy
    # re-check exactly those rows instead of the whole `dataChanged` span.
    rowsReplaced = Signal(list)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        flush_interval_ms: int = FLUSH_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self._rows: list[MentionRow] = []
        self._pos: dict[int, int] = {}
        self._pending: dict[int, MentionRow] = {}
        self._present: dict[int, tuple[str, ...]] = {}
        self._present_words: dict[int, str] = {}  # "Dana is typing…": the badges' tooltip
        self._clock = clock
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(flush_interval_ms)
        self._timer.timeout.connect(self.flush)
        self.flush_count = 0

    # --- Qt model interface --------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMN_TITLES[Column(section)]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[len(self._rows) - 1 - index.row()]
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(row, Column(index.column()))
        if role == MentionRole.ROW:
            return row
        if role == MentionRole.MENTION_ID:
            return row.id
        if role == MentionRole.PRIORITY:
            return row.priority
        if role == MentionRole.STATUS:
            return row.status.value
        if role == MentionRole.IS_DEMO:
            return row.is_demo
        if role == MentionRole.IS_URGENT:
            return row.is_urgent
        if role == MentionRole.PRESENT:
            return self._present.get(row.id, ())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, Column(index.column()))
        return None

    def _tooltip(self, row: MentionRow, column: Column) -> str | None:
        """The author's and the text's tooltips (a stranger's words, shown literally), the
        owner's while it is a marker the cell may cut or says why routing chose them, and the
        response clock's sentence; with colleagues there now (the badges), who they are."""
        if column is Column.OWNER and row.id in self._present_words:
            marker = (
                owner_text(row)
                if row.pending_action
                else routed_words(row)
                if row.routed_reason
                else ""
            )
            words = self._present_words[row.id]
            return plain_tooltip(f"{marker}\n{words}" if marker else words)
        if column is Column.TEXT:
            return plain_tooltip(row.text[:500])
        if column is Column.AUTHOR:
            return plain_tooltip(f"{row.author_name or row.author_handle} {row.handle}")
        if column is Column.OWNER and row.pending_action:
            return plain_tooltip(owner_text(row))  # the marker, whole where the cell cuts it
        if column is Column.OWNER and row.routed_reason:
            return plain_tooltip(routed_words(row))
        if column is Column.DUE:
            reading = read_clock(row, self._clock())
            return plain_tooltip(reading.sentence) if reading is not None else None
        return None

    def _display(self, row: MentionRow, column: Column) -> str:
        if column is Column.NETWORK:
            return row.network.value
        if column is Column.PRIORITY:
            return f"{row.priority:.0f}"
        if column is Column.AUTHOR:
            demo = " (demo)" if row.is_demo else ""
            return f"{row.author_name or row.author_handle} {row.handle}{demo}"
        if column is Column.TEXT:
            return row.text
        if column is Column.AGE:
            return age_text(row.created_at, self._clock())
        if column is Column.DUE:
            reading = read_clock(row, self._clock())
            return reading.text if reading is not None else ""
        if column is Column.OWNER:
            return owner_text(row)
        return status_text(row)

    def set_present(self, mention_id: int, badges: tuple[str, ...], words: str = "") -> None:
        """The initials of the colleagues on a mention now (empty: nobody), and who they are
        in words for the tooltip ("Dana is typing…")."""
        if self._present.get(mention_id, ()) == badges and (
            self._present_words.get(mention_id, "") == words
        ):
            return
        if badges:
            self._present[mention_id] = badges
            self._present_words[mention_id] = words
        else:
            self._present.pop(mention_id, None)
            self._present_words.pop(mention_id, None)
        position = self._pos.get(mention_id)
        if position is not None:  # the filter proxy repaints the row (and keeps its place)
            self.rowsReplaced.emit([position])

    def present(self, mention_id: int) -> tuple[str, ...]:
        return self._present.get(mention_id, ())

    # --- reading -------------------------------------------------------------------------

    def now(self) -> datetime:
        return self._clock()

    def row_at(self, model_row: int) -> MentionRow:
        return self._rows[len(self._rows) - 1 - model_row]

    def row_at_position(self, position: int) -> MentionRow:
        return self._rows[position]

    def rows_oldest_first(self) -> list[MentionRow]:
        return self._rows

    def position_of(self, mention_id: int) -> int | None:
        return self._pos.get(mention_id)

    def index_of(self, mention_id: int, column: int = 0) -> QModelIndex:
        position = self._pos.get(mention_id)
        if position is None:
            return QModelIndex()
        return self.index(len(self._rows) - 1 - position, column)

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    # --- feeding -------------------------------------------------------------------------

    def load(self, rows: Sequence[MentionRow]) -> None:
        """Replace everything (start-up from the cache)."""
        self.beginResetModel()
        self._rows = sorted(rows, key=lambda r: r.id)
        self._pos = {r.id: i for i, r in enumerate(self._rows)}
        self._pending.clear()
        self.endResetModel()

    def enqueue(self, rows: Sequence[MentionRow]) -> None:
        """New or changed rows; they reach the view at the next flush."""
        for row in rows:
            self._pending[row.id] = row
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Apply buffered rows: one insert for the new ones, one `dataChanged` for the rest."""
        self._timer.stop()
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        self.flush_count += 1
        fresh = sorted((r for r in pending.values() if r.id not in self._pos), key=lambda r: r.id)
        changed = [r for r in pending.values() if r.id in self._pos]
        if changed:
            positions = []
            for row in changed:
                position = self._pos[row.id]
                self._rows[position] = row
                positions.append(position)
            n = len(self._rows)
            top, bottom = n - 1 - max(positions), n - 1 - min(positions)
            self.rowsReplaced.emit(sorted(positions))
            self.dataChanged.emit(self.index(top, 0), self.index(bottom, len(Column) - 1), [])
        if not fresh:
            return
        if self._rows and fresh[0].id < self._rows[-1].id:
            # Older than what we show (a late snapshot page): re-sort once instead of
            # scattering inserts through the view.
            self.beginResetModel()
            self._rows = sorted([*self._rows, *fresh], key=lambda r: r.id)
            self._pos = {r.id: i for i, r in enumerate(self._rows)}
            self.endResetModel()
            return
        self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
        start = len(self._rows)
        self._rows.extend(fresh)
        for offset, row in enumerate(fresh):
            self._pos[row.id] = start + offset
        self.endInsertRows()
