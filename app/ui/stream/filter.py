"""Which mentions the stream shows: the filter modes and search, and the proxy model applying
them.

The proxy is a `QAbstractProxyModel` holding the accepted rows as a Python list rather than a
`QSortFilterProxyModel`: with 100,000 rows, a Python `filterAcceptsRow` costs ~1.5 µs per row of
Qt→Python dispatch, so every filter switch took 150–180 ms (see bench/bench_console.py); here a
switch is one list comprehension and one reset."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from app.client.stream.narrowing import (
    NEWEST_FIRST,
    Narrowing,
    SortKeys,
    StreamSort,
    sort_positions,
)
from app.client.stream.rows import MentionRow
from app.models.enums import MentionStatus
from app.ui.stream.model import Column, MentionStreamModel

_Index = QModelIndex | QPersistentModelIndex

_OPEN_STATUSES = frozenset(s for s in MentionStatus if s.is_open)
_UNASSIGNED_STATUSES = _OPEN_STATUSES - {MentionStatus.SNOOZED}

# Said on a row kept in the view only because it is selected (see `MentionFilterProxy`).
OUTSIDE_VIEW_MARK = "No longer in this view"

# Above this many rows entering or leaving at once, one reset is cheaper than many signals.
_RESET_THRESHOLD = 200


class FilterMode(StrEnum):
    UNASSIGNED = "unassigned"
    MINE = "mine"
    TEAM = "team"
    HANDED_TO_ME = "handed_to_me"
    ALL = "all"
    MENTIONS_OF_ME = "mentions_of_me"  # a colleague's note names me


FILTER_TITLES = {
    FilterMode.UNASSIGNED: "Unassigned",
    FilterMode.MINE: "Mine",
    FilterMode.TEAM: "My team",
    FilterMode.HANDED_TO_ME: "Handed to me",
    FilterMode.ALL: "All",
    FilterMode.MENTIONS_OF_ME: "@me",  # mentions of me: narrow, as the bar fits half a screen
}


@dataclass(frozen=True, slots=True)
class StreamFilter:
    mode: FilterMode = FilterMode.UNASSIGNED
    search: str = ""
    user_id: int | None = None
    team_member_ids: frozenset[int] = field(default_factory=frozenset)
    handed_to_me: frozenset[int] = field(default_factory=frozenset)
    mentioned_me: frozenset[int] = field(default_factory=frozenset)  # notes name me
    narrowing: Narrowing = field(default_factory=Narrowing)
    sort: StreamSort = NEWEST_FIRST

    @property
    def narrowed(self) -> bool:
        """A search or a network, priority or status choice narrows what the tab shows."""
        return bool(self.search) or self.narrowing.active

    def accepts(self, row: MentionRow) -> bool:
        if self.search and self.search.casefold() not in row.haystack:
            return False
        if not self.narrowing.accepts(row):
            return False
        mode = self.mode
        if mode is FilterMode.ALL:
            return True
        if mode is FilterMode.HANDED_TO_ME:
            return row.id in self.handed_to_me
        if mode is FilterMode.MENTIONS_OF_ME:
            return row.id in self.mentioned_me
        if row.status not in _OPEN_STATUSES:
            return False
        if mode is FilterMode.UNASSIGNED:
            return row.assignee_id is None and row.status is not MentionStatus.SNOOZED
        if mode is FilterMode.MINE:
            return row.assignee_id is not None and row.assignee_id == self.user_id
        # TEAM: mine and my teammates'.
        return row.assignee_id is not None and (
            row.assignee_id == self.user_id or row.assignee_id in self.team_member_ids
        )

    def predicate_rows(self, rows: list[MentionRow]) -> list[int]:
        """Positions (oldest first) of the rows this filter accepts: `accepts` unrolled into
        one comprehension per mode, since this runs over every row at each filter switch."""
        positions = self._mode_rows(rows)
        narrowing = self.narrowing
        if narrowing.active:
            accepts = narrowing.accepts
            return [i for i in positions if accepts(rows[i])]
        return positions

    def _mode_rows(self, rows: list[MentionRow]) -> list[int]:
        needle = self.search.casefold()
        mode = self.mode
        if mode is FilterMode.ALL:
            if not needle:
                return list(range(len(rows)))
            return [i for i, r in enumerate(rows) if needle in r.haystack]
        if mode is FilterMode.HANDED_TO_ME or mode is FilterMode.MENTIONS_OF_ME:
            handed = self.handed_to_me if mode is FilterMode.HANDED_TO_ME else self.mentioned_me
            return [
                i
                for i, r in enumerate(rows)
                if r.id in handed and (not needle or needle in r.haystack)
            ]
        if mode is FilterMode.UNASSIGNED:
            waiting = _UNASSIGNED_STATUSES
            return [
                i
                for i, r in enumerate(rows)
                if r.assignee_id is None
                and r.status in waiting
                and (not needle or needle in r.haystack)
            ]
        if self.user_id is None:
            return []
        owners = {self.user_id}
        if mode is FilterMode.TEAM:
            owners |= self.team_member_ids
        open_statuses = _OPEN_STATUSES
        return [
            i
            for i, r in enumerate(rows)
            if r.assignee_id in owners
            and r.status in open_statuses
            and (not needle or needle in r.haystack)
        ]


class MentionFilterProxy(QAbstractProxyModel):
    """Shows the stream model's rows that the current `StreamFilter` accepts, in its sort
    (newest first, or by a column either way), and the pinned mention (the one the rep has
    selected) even when the filter no longer accepts it: a mention claimed from "Unassigned"
    stays where it was, marked as no longer in this view, until the rep selects another one.

    Newest first, rows are the accepted source positions read backwards and live changes are
    fine-grained inserts and removals. By a column, the display order is a sorted copy, and a
    live change re-sorts it as one layout change that keeps the selection on its mention."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._filter = StreamFilter()
        self._accepted: list[int] = []  # source positions, ascending
        self._by_column: list[int] = []  # source positions in display order (column sorts)
        self._column_row: dict[int, int] = {}  # source position → proxy row (column sorts)
        self._sort_keys = SortKeys()  # each row's key for the sorted column, by position
        self._stream: MentionStreamModel | None = None
        self._pinned: int | None = None  # mention id kept in the view while selected

    # --- wiring --------------------------------------------------------------------------

    def setSourceModel(self, source: Any) -> None:
        assert isinstance(source, MentionStreamModel)
        self.beginResetModel()
        if self._stream is not None:
            self._stream.modelReset.disconnect(self._source_reset)
            self._stream.rowsInserted.disconnect(self._source_inserted)
            self._stream.rowsReplaced.disconnect(self._source_replaced)
        super().setSourceModel(source)
        self._stream = source
        source.modelReset.connect(self._source_reset)
        source.rowsInserted.connect(self._source_inserted)
        source.rowsReplaced.connect(self._source_replaced)
        self._recompute()
        self.endResetModel()

    @property
    def stream_filter(self) -> StreamFilter:
        return self._filter

    def set_filter(self, stream_filter: StreamFilter) -> None:
        if stream_filter == self._filter:
            return
        self.beginResetModel()
        self._filter = stream_filter
        self._recompute()
        self.endResetModel()

    @property
    def pinned(self) -> int | None:
        return self._pinned

    def pin(self, mention_id: int | None) -> None:
        """Keep this mention in the view whatever the filter says (the selected one); the one
        pinned before goes if the filter does not accept it, as one layout change that keeps
        the selection on its mention."""
        if mention_id == self._pinned:
            return
        old = self._pinned_position()
        self._pinned = mention_id
        new = self._pinned_position()
        old_outside = old is not None and self._outside(old)
        new_missing = new is not None and self._proxy_row_of(new) is None
        if old_outside or new_missing:
            self._relayout()

    def _pinned_position(self) -> int | None:
        if self._pinned is None or self._stream is None:
            return None
        return self._stream.position_of(self._pinned)

    def _outside(self, position: int) -> bool:
        assert self._stream is not None
        return not self._filter.accepts(self._stream.row_at_position(position))

    def accepted_count(self) -> int:
        """Rows the filter accepts: the shown ones without a pinned row that left it."""
        pinned = self._pinned_position()
        if pinned is None or self._proxy_row_of(pinned) is None or not self._outside(pinned):
            return len(self._accepted)
        return len(self._accepted) - 1

    def is_outside(self, proxy_row: int) -> bool:
        """Whether this row is shown only because it is pinned (it left the filter)."""
        position = self._position_at(proxy_row)
        return position == self._pinned_position() and self._outside(position)

    def _recompute(self) -> None:
        rows = self._stream.rows_oldest_first() if self._stream else []
        self._accepted = self._filter.predicate_rows(rows)
        pinned = self._pinned_position()
        if pinned is not None:
            i = bisect_left(self._accepted, pinned)
            if i == len(self._accepted) or self._accepted[i] != pinned:
                self._accepted.insert(i, pinned)
        if self._sorted:
            self._by_column = sort_positions(
                rows, self._accepted, self._filter.sort, self._sort_keys
            )
            self._column_row = {p: row for row, p in enumerate(self._by_column)}
        else:
            self._by_column = []
            self._column_row = {}

    @property
    def stream_sort(self) -> StreamSort:
        return self._filter.sort

    @property
    def _sorted(self) -> bool:
        return not self._filter.sort.is_arrival

    def _position_at(self, proxy_row: int) -> int:
        if self._sorted:
            return self._by_column[proxy_row]
        return self._accepted[len(self._accepted) - 1 - proxy_row]

    def _relayout(self) -> None:
        """Re-filter and re-sort as one layout change: views keep their selection and current
        row on the same mentions (a row that left the filter loses them)."""
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        positions = [self._position_at(index.row()) for index in before]
        self._recompute()
        after = []
        for index, position in zip(before, positions, strict=True):
            row = self._proxy_row_of(position)
            after.append(QModelIndex() if row is None else self.createIndex(row, index.column()))
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    # --- Qt proxy interface --------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._accepted)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._stream is None:
            return 0
        return self._stream.columnCount()

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < len(self._accepted)):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, child: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        return QModelIndex()

    def mapToSource(self, proxy_index: _Index) -> QModelIndex:
        if not proxy_index.isValid() or self._stream is None:
            return QModelIndex()
        position = self._position_at(proxy_index.row())
        source_row = self._stream.rowCount() - 1 - position
        return self._stream.index(source_row, proxy_index.column())

    def mapFromSource(self, source_index: _Index) -> QModelIndex:
        if not source_index.isValid() or self._stream is None:
            return QModelIndex()
        position = self._stream.rowCount() - 1 - source_index.row()
        proxy_row = self._proxy_row_of(position)
        if proxy_row is None:
            return QModelIndex()
        return self.createIndex(proxy_row, source_index.column())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self._stream is None or orientation == Qt.Orientation.Vertical:
            return None
        return self._stream.headerData(section, orientation, role)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._stream is None:
            return None
        value = self._stream.data(self.mapToSource(index), role)
        if (
            role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
            and index.column() == Column.TEXT
            and self.is_outside(index.row())
        ):
            return f"{OUTSIDE_VIEW_MARK}: {value}"
        return value

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # --- reading -------------------------------------------------------------------------

    def row_at(self, proxy_row: int) -> MentionRow:
        assert self._stream is not None
        return self._stream.row_at_position(self._position_at(proxy_row))

    def proxy_row_of_mention(self, mention_id: int) -> int | None:
        if self._stream is None:
            return None
        position = self._stream.position_of(mention_id)
        return None if position is None else self._proxy_row_of(position)

    def _proxy_row_of(self, position: int) -> int | None:
        if self._sorted:
            return self._column_row.get(position)
        i = bisect_left(self._accepted, position)
        if i < len(self._accepted) and self._accepted[i] == position:
            return len(self._accepted) - 1 - i
        return None

    # --- following the source ------------------------------------------------------------

    def _source_reset(self) -> None:
        self._sort_keys.forget()  # positions may have moved (a late page re-sorted the model)
        self.beginResetModel()
        self._recompute()
        self.endResetModel()

    def _source_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        assert self._stream is not None
        if self._sorted:
            self._relayout()
            return
        n = self._stream.rowCount()
        new_positions = range(n - 1 - last, n - first)  # the fresh rows sit at the top
        accepts = self._filter.accepts
        accepted = [p for p in new_positions if accepts(self._stream.row_at_position(p))]
        if not accepted:
            return
        if self._accepted and accepted[0] < self._accepted[-1]:
            self._source_reset()
            return
        self.beginInsertRows(QModelIndex(), 0, len(accepted) - 1)
        self._accepted.extend(accepted)
        self.endInsertRows()

    def _source_replaced(self, positions: list[int]) -> None:
        """Rows were replaced (claimed, resolved…): they may enter or leave the filter."""
        assert self._stream is not None
        self._sort_keys.replaced(self._stream.rows_oldest_first(), positions)
        if self._sorted:
            self._relayout()
            return
        accepts = self._filter.accepts
        pinned = self._pinned_position()
        leaving: list[int] = []
        entering: list[int] = []
        staying: list[int] = []
        for position in positions:
            now = position == pinned or accepts(self._stream.row_at_position(position))
            before = self._proxy_row_of(position) is not None
            if before and not now:
                leaving.append(position)
            elif now and not before:
                entering.append(position)
            elif now:
                staying.append(position)
        if len(leaving) + len(entering) > _RESET_THRESHOLD:
            self._source_reset()
            return
        for position in leaving:
            row = self._proxy_row_of(position)
            assert row is not None
            self.beginRemoveRows(QModelIndex(), row, row)
            self._accepted.pop(bisect_left(self._accepted, position))
            self.endRemoveRows()
        for position in entering:
            i = bisect_left(self._accepted, position)
            row = len(self._accepted) - i
            self.beginInsertRows(QModelIndex(), row, row)
            self._accepted.insert(i, position)
            self.endInsertRows()
        if staying:
            rows = [self._proxy_row_of(p) for p in (staying[0], staying[-1])]
            first, last = sorted(r for r in rows if r is not None)
            self.dataChanged.emit(
                self.index(first, 0), self.index(last, self.columnCount() - 1), []
            )
