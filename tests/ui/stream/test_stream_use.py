"""The stream under a rep's hands, without a server: j/k and the arrows move the selection and
the detail follows; Shift extends it while the detail follows the current mention only; header
clicks sort (a second click reverses, the indicator shows) through the one order the proxy
holds; network, priority and status choices combine with the tabs and the search, and the
count then says "found"; the view state covers all of it."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from app.client.stream.narrowing import (
    NEWEST_FIRST,
    PRIORITY_FIRST,
    Narrowing,
    PriorityBand,
    SortColumn,
    StreamSort,
)
from app.models.enums import MentionStatus, Network
from app.ui.stream.filter import FilterMode
from app.ui.stream.model import Column
from app.ui.stream.stream import MentionStream
from tests.ui.rows import make_row, make_rows


async def _no_detail(_mention_id: int) -> None:
    return None


def _stream(qtbot: QtBot, count: int = 60) -> MentionStream:
    stream = MentionStream(_no_detail)
    stream.load_rows(make_rows(1, count))
    stream.set_filter_mode(FilterMode.ALL)
    stream.view.resize(900, 600)
    stream.view.show()
    qtbot.addWidget(stream.view)
    return stream


def _ids(stream: MentionStream) -> list[int]:
    return [stream.proxy.row_at(r).id for r in range(stream.proxy.rowCount())]


def _click_header(qtbot: QtBot, stream: MentionStream, column: Column) -> None:
    header = stream.view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def test_j_k_and_arrows_move_and_the_detail_follows(
    qloop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    stream = _stream(qtbot)
    shown: list[int] = []
    stream.mentionShown.connect(lambda row: shown.append(row.id))
    ids = _ids(stream)
    assert stream.select_mention(ids[0])
    qtbot.keyClick(stream.view, Qt.Key.Key_J)
    assert stream.detail.mention_id == ids[1]
    qtbot.keyClick(stream.view, Qt.Key.Key_J)
    qtbot.keyClick(stream.view, Qt.Key.Key_Down)
    assert stream.detail.mention_id == ids[3]
    qtbot.keyClick(stream.view, Qt.Key.Key_K)
    qtbot.keyClick(stream.view, Qt.Key.Key_Up)
    assert stream.detail.mention_id == ids[1]
    assert shown == [ids[0], ids[1], ids[2], ids[3], ids[2], ids[1]]
    # Typing another letter does not jump to a row whose network starts with it.
    assert stream.proxy.row_at(1).network.value[0] != "b"
    qtbot.keyClick(stream.view, Qt.Key.Key_B)
    qtbot.keyClick(stream.view, Qt.Key.Key_X)
    assert stream.detail.mention_id == ids[1]


def test_shift_extends_the_selection_and_the_detail_follows_the_current_one(
    qloop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    stream = _stream(qtbot)
    ids = _ids(stream)
    assert stream.select_mention(ids[2])
    assert [r.id for r in stream.action_rows()] == [ids[2]]
    qtbot.keyClick(stream.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(stream.view, Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)
    assert [r.id for r in stream.action_rows()] == ids[2:5]
    assert stream.detail.mention_id == ids[4]
    # Ctrl+click adds a far row; the detail shows that one, the actions take all four.
    rect = stream.view.visualRect(stream.proxy.index(8, Column.TEXT))
    qtbot.mouseClick(
        stream.view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        rect.center(),
    )
    assert [r.id for r in stream.action_rows()] == [*ids[2:5], ids[8]]
    assert stream.detail.mention_id == ids[8]


def test_opening_a_mention_selects_it_alone_while_ctrl_is_down(
    qloop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    """A mention opened by the console (a notification, a hand-off, after a reload) is the
    only one selected even when the keyboard still says Ctrl is held — else the next action
    would take the mention selected before it too."""
    stream = _stream(qtbot)
    ids = _ids(stream)
    assert stream.select_mention(ids[1])
    rect = stream.view.visualRect(stream.proxy.index(3, Column.TEXT))
    # A Ctrl+click leaves Qt's idea of the held keys at Ctrl, as a key still down would.
    qtbot.mouseClick(
        stream.view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        rect.center(),
    )
    assert [r.id for r in stream.action_rows()] == [ids[1], ids[3]]
    assert stream.select_mention(ids[6])
    assert [r.id for r in stream.view.selected_rows()] == [ids[6]]
    assert [r.id for r in stream.action_rows()] == [ids[6]]
    assert stream.detail.mention_id == ids[6]
    # Shift then extends from the opened mention, as from a clicked one.
    qtbot.keyClick(stream.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert [r.id for r in stream.action_rows()] == ids[6:8]


def test_header_clicks_sort_reverse_and_show_the_one_order(
    qloop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    stream = _stream(qtbot)
    header = stream.view.horizontalHeader()
    sorts: list[StreamSort] = []
    stream.sortChanged.connect(sorts.append)
    assert header.sortIndicatorSection() == -1  # newest first: no column
    _click_header(qtbot, stream, Column.PRIORITY)
    assert stream.sort == PRIORITY_FIRST
    priorities = [stream.proxy.row_at(r).priority for r in range(stream.proxy.rowCount())]
    assert priorities == sorted(priorities, reverse=True)
    assert header.sortIndicatorSection() == Column.PRIORITY
    assert header.sortIndicatorOrder() is Qt.SortOrder.DescendingOrder
    _click_header(qtbot, stream, Column.PRIORITY)
    assert stream.sort == StreamSort(SortColumn.PRIORITY, descending=False)
    assert header.sortIndicatorOrder() is Qt.SortOrder.AscendingOrder
    _click_header(qtbot, stream, Column.AUTHOR)
    names = [stream.proxy.row_at(r).author_name for r in range(stream.proxy.rowCount())]
    assert names == sorted(names, key=str.casefold)
    assert header.sortIndicatorSection() == Column.AUTHOR
    # The mention's text does not sort: the order and the indicator stay.
    _click_header(qtbot, stream, Column.TEXT)
    assert stream.sort == StreamSort(SortColumn.AUTHOR, descending=False)
    assert header.sortIndicatorSection() == Column.AUTHOR
    # The View menu's toggle sets the same order, and turning it off from another sort
    # leaves that sort alone.
    stream.set_priority_first(True)
    assert header.sortIndicatorSection() == Column.PRIORITY
    stream.set_priority_first(False)
    assert stream.sort == NEWEST_FIRST
    assert header.sortIndicatorSection() == -1
    assert len(sorts) == 5


def _owners(stream: MentionStream) -> list[str]:
    rows = [stream.proxy.row_at(r) for r in range(stream.proxy.rowCount())]
    return [(r.assignee_name or "\uffff").casefold() for r in rows]


def test_a_column_sort_follows_live_changes_and_reloads(
    qloop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    stream = _stream(qtbot, 40)
    stream.sort_by_column(SortColumn.OWNER)  # A to Z, nobody's last
    assert _owners(stream) == sorted(_owners(stream))
    last = stream.proxy.row_at(stream.proxy.rowCount() - 1)
    assert last.assignee_name is None
    stream.update_rows(
        [
            make_row(
                last.id,
                assignee_id=5,
                assignee_name="Aaron",
                status=MentionStatus.ASSIGNED,
                version=2,
            )
        ]
    )
    stream.model.flush()
    assert stream.proxy.row_at(0).id == last.id  # re-sorted by the owner it has now
    # A reload puts other rows at the same positions: they sort by their own owners.
    stream.load_rows(
        [make_row(i, assignee_id=None, assignee_name=None) for i in range(200, 230)]
        + [make_row(i, assignee_id=9, assignee_name=f"Rep {i}") for i in range(230, 290)]
    )
    assert _owners(stream) == sorted(_owners(stream))
    stream.sort_by_column(SortColumn.OWNER)  # reversed: the same keys, the other way
    assert _owners(stream) == sorted(_owners(stream), reverse=True)


def test_a_sort_keeps_the_selected_mention_selected(
    qloop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    stream = _stream(qtbot)
    ids = _ids(stream)
    assert stream.select_mention(ids[7])
    for column in (Column.OWNER, Column.STATUS, Column.NETWORK, Column.AGE):
        _click_header(qtbot, stream, column)
        assert stream.view.selected_row() is not None, column
        assert stream.view.selected_row().id == ids[7], column  # type: ignore[union-attr]
        assert stream.detail.mention_id == ids[7]


def test_choices_combine_with_tabs_and_search_and_the_count_says_found(
    qloop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    stream = _stream(qtbot, 300)
    bar = stream.filter_bar
    assert bar.shown_label.text() == "300 shown"
    bar.network_box.setCurrentIndex(bar.network_box.findData(Network.BLUESKY.value))
    rows = [stream.proxy.row_at(r) for r in range(stream.proxy.rowCount())]
    assert rows
    assert all(r.network is Network.BLUESKY for r in rows)
    assert bar.shown_label.text() == f"{len(rows)} found"
    bar.priority_box.setCurrentIndex(bar.priority_box.findData(PriorityBand.URGENT.value))
    rows = [stream.proxy.row_at(r) for r in range(stream.proxy.rowCount())]
    assert rows
    assert all(r.priority >= 60 and r.network is Network.BLUESKY for r in rows)
    # With the Unassigned tab: only open, nobody's.
    stream.set_filter_mode(FilterMode.UNASSIGNED)
    rows = [stream.proxy.row_at(r) for r in range(stream.proxy.rowCount())]
    assert rows
    assert all(r.assignee_id is None and r.status.is_open for r in rows)
    # Resolved ones are found under All with the status choice; then a search narrows more.
    stream.filter_bar.show_narrowing(Narrowing(status=MentionStatus.RESOLVED))
    stream.set_filter_mode(FilterMode.ALL)
    resolved = _ids(stream)
    assert resolved
    assert all(i % 11 == 0 for i in resolved)
    bar.search.setText("refund")
    stream.apply_filter()
    found = _ids(stream)
    assert found
    assert set(found) < set(resolved)
    assert bar.shown_label.text() == f"{len(found)} found"
    bar.search.setText("")
    stream.filter_bar.show_narrowing(Narrowing())
    stream.apply_filter()
    assert bar.shown_label.text() == "300 shown"


def test_the_count_leaves_out_the_kept_selected_mention(
    qloop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    stream = _stream(qtbot, 30)
    stream.set_filter_mode(FilterMode.UNASSIGNED)
    waiting = stream.proxy.rowCount()
    assert stream.select_mention(_ids(stream)[0])
    claimed = stream.selected_row()
    assert claimed is not None
    stream.update_rows(
        [make_row(claimed.id, assignee_id=7, status=MentionStatus.ASSIGNED, version=2)]
    )
    stream.model.flush()
    assert stream.proxy.rowCount() == waiting  # still shown, marked as left
    assert stream.filter_bar.shown_label.text() == f"{waiting - 1} shown"


def test_snoozed_is_a_status_to_filter_on(qloop: asyncio.AbstractEventLoop, qtbot: QtBot) -> None:
    stream = _stream(qtbot, 20)
    stream.update_rows([make_row(4, status=MentionStatus.SNOOZED, version=2)])
    stream.model.flush()
    box = stream.filter_bar.status_box
    box.setCurrentIndex(box.findData(MentionStatus.SNOOZED.value))
    assert _ids(stream) == [4]


def test_view_state_covers_sort_and_choices(qloop: asyncio.AbstractEventLoop, qtbot: QtBot) -> None:
    stream = _stream(qtbot)
    stream.sort_by_column(SortColumn.OWNER)
    stream.sort_by_column(SortColumn.OWNER)
    stream.filter_bar.show_narrowing(Narrowing(Network.X, PriorityBand.LOW, MentionStatus.ASSIGNED))
    stream.apply_filter()
    state = stream.view_state()
    assert state["sort_column"] == "owner"
    assert state["sort_order"] == "descending"

    other = _stream(qtbot)
    other.restore_view_state(state)
    assert other.sort == StreamSort(SortColumn.OWNER, descending=True)
    assert other.filter_bar.narrowing() == Narrowing(
        Network.X, PriorityBand.LOW, MentionStatus.ASSIGNED
    )
    assert _ids(other) == _ids(stream)
    assert other.view.horizontalHeader().sortIndicatorSection() == Column.OWNER
    # A file from another version: each bad value is ignored on its own.
    other.restore_view_state(
        {"sort_column": "mood", "sort_order": "descending", "network": "myspace", "status": "x"}
    )
    assert other.sort == StreamSort(SortColumn.OWNER, descending=True)
    assert other.filter_bar.narrowing() == Narrowing(
        Network.X, PriorityBand.LOW, MentionStatus.ASSIGNED
    )
    other.restore_view_state({"sort_column": "", "sort_order": "descending", "network": ""})
    assert other.sort == NEWEST_FIRST
    assert other.filter_bar.narrowing().network is None
    # The first saved views said only "order".
    other.restore_view_state({"order": "priority"})
    assert other.sort == PRIORITY_FIRST
