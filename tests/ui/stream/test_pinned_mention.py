"""The proxy keeps the selected (pinned) mention in the view when it leaves the filter, marked
as no longer in this view, in every order; selecting another mention lets it go."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView

from app.client.stream.narrowing import (
    NEWEST_FIRST,
    PRIORITY_FIRST,
    SortColumn,
    StreamSort,
)
from app.models.enums import MentionStatus
from app.ui.stream.delegate import MentionDelegate
from app.ui.stream.filter import (
    OUTSIDE_VIEW_MARK,
    FilterMode,
    MentionFilterProxy,
    StreamFilter,
)
from app.ui.stream.model import Column, MentionStreamModel
from tests.ui.rows import make_row


def _ids(proxy: MentionFilterProxy) -> list[int]:
    return [proxy.row_at(r).id for r in range(proxy.rowCount())]


# Every kind of order: arrival (fine-grained changes) and column sorts (layout changes).
ORDERS = (
    NEWEST_FIRST,
    PRIORITY_FIRST,
    StreamSort(SortColumn.AUTHOR, descending=False),
    StreamSort(SortColumn.AGE, descending=True),
)


def _stream(order: StreamSort) -> tuple[MentionStreamModel, MentionFilterProxy, QTableView]:
    model = MentionStreamModel()
    proxy = MentionFilterProxy()
    proxy.setSourceModel(model)
    model.load(
        [
            make_row(i, assignee_id=None, assignee_name=None, status=MentionStatus.NEW)
            for i in range(1, 7)
        ]
    )
    proxy.set_filter(StreamFilter(mode=FilterMode.UNASSIGNED, user_id=7, sort=order))
    view = QTableView()
    view.setItemDelegate(MentionDelegate(view))
    view.resize(900, 300)
    view.setModel(proxy)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return model, proxy, view


def _selected(view: QTableView, proxy: MentionFilterProxy) -> int | None:
    rows = view.selectionModel().selectedRows()
    return proxy.row_at(rows[0].row()).id if rows else None


def test_the_pinned_mention_stays_when_claimed_and_goes_when_unpinned(
    qloop: asyncio.AbstractEventLoop,
) -> None:
    for order in ORDERS:
        model, proxy, view = _stream(order)
        row = proxy.proxy_row_of_mention(3)
        assert row is not None
        view.selectRow(row)
        proxy.pin(3)
        claimed = make_row(
            3, assignee_id=7, assignee_name="Dana", status=MentionStatus.ASSIGNED, version=2
        )
        model.enqueue([claimed, make_row(9, assignee_id=None, status=MentionStatus.NEW)])
        model.flush()
        assert 3 in _ids(proxy), order
        assert _selected(view, proxy) == 3, order
        row = proxy.proxy_row_of_mention(3)
        assert row is not None
        assert proxy.is_outside(row)
        text = proxy.data(proxy.index(row, Column.TEXT), Qt.ItemDataRole.DisplayRole)
        assert text.startswith(OUTSIDE_VIEW_MARK)
        view.show()
        assert not view.grab().isNull()  # the delegate paints the mark before the text
        view.hide()
        # A filter switch keeps it too; in Mine it belongs and is not marked.
        proxy.set_filter(StreamFilter(mode=FilterMode.MINE, user_id=7, sort=order))
        assert _ids(proxy) == [3]
        assert not proxy.is_outside(0)

        proxy.set_filter(StreamFilter(mode=FilterMode.UNASSIGNED, user_id=7, sort=order))
        other = proxy.proxy_row_of_mention(5)
        assert other is not None
        view.selectRow(other)
        proxy.pin(5)
        assert 3 not in _ids(proxy), order
        assert _selected(view, proxy) == 5, order
        assert not any(proxy.is_outside(r) for r in range(proxy.rowCount()))
