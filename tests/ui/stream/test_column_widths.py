"""The stream's columns at the list's widths: the mention's text keeps a readable width at
every width the list can have (half a screen included), no column goes under its least width,
Status stays whole, and on a wide list the columns' own widths, the rep's drags included,
come back. The Due column (response clocks) shows only once a mention has a clock."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from app.ui.shell.columns import STREAM_MIN_WIDTH
from app.ui.stream.filter import FilterMode
from app.ui.stream.model import Column
from app.ui.stream.stream import MentionStream
from app.ui.stream.stream_view import COLUMN_MIN_WIDTHS, COLUMN_WIDTHS, fit_widths
from tests.ui.rows import make_rows

# The least the text keeps at each list width: at the list's least width the other columns
# are all at their least; from 683 (half of a 1366 px screen) the text has 200 and more.
TEXT_AT = {STREAM_MIN_WIDTH: 150, 683: 200, 1000: 200}
# With the Due column on show the narrowest list gives the text less (still two words or so).
TEXT_WITH_CLOCKS_AT = {STREAM_MIN_WIDTH: 90, 683: 200, 1000: 200}


async def _no_detail(_mention_id: int) -> None:
    return None


def _stream(qtbot: QtBot, width: int, *, clocks: bool = False) -> MentionStream:
    stream = MentionStream(_no_detail)
    rows = make_rows(1, 60)  # enough rows for the vertical scroll bar
    if clocks:
        rows[-1] = replace(rows[-1], sla_due_at=rows[-1].created_at + timedelta(minutes=30))
    stream.load_rows(rows)
    stream.set_filter_mode(FilterMode.ALL)
    stream.view.resize(width, 500)
    stream.view.show()
    qtbot.addWidget(stream.view)
    qtbot.waitExposed(stream.view)
    return stream


def _resize(qtbot: QtBot, stream: MentionStream, width: int) -> None:
    stream.view.resize(width, 500)
    qtbot.waitUntil(lambda: stream.view.width() == width)


def _widths(stream: MentionStream) -> dict[Column, int]:
    """The widths of the columns on show."""
    header = stream.view.horizontalHeader()
    return {
        column: header.sectionSize(column)
        for column in Column
        if not stream.view.isColumnHidden(column)
    }


@pytest.mark.parametrize("clocks", [False, True], ids=["no clocks", "clocks"])
@pytest.mark.parametrize("list_width", sorted(TEXT_AT))
def test_the_mention_text_stays_readable_and_every_column_whole(
    qloop: asyncio.AbstractEventLoop, qtbot: QtBot, list_width: int, clocks: bool
) -> None:
    stream = _stream(qtbot, list_width, clocks=clocks)
    widths = _widths(stream)
    assert (Column.DUE in widths) is clocks
    text_at = TEXT_WITH_CLOCKS_AT if clocks else TEXT_AT
    assert widths[Column.TEXT] >= text_at[list_width], widths
    for column, least in COLUMN_MIN_WIDTHS.items():
        if column in widths:
            assert widths[column] >= least, (column, widths)
    # Nothing runs past the list's right edge: Status is not cut off.
    assert sum(widths.values()) <= stream.view.viewport().width(), widths


def test_a_wide_list_gets_the_columns_own_widths_back(
    qloop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    stream = _stream(qtbot, 683)
    assert _widths(stream)[Column.AUTHOR] < COLUMN_WIDTHS[Column.AUTHOR]
    _resize(qtbot, stream, 1000)
    widths = _widths(stream)
    assert {c: widths[c] for c in COLUMN_WIDTHS if c in widths} == {
        c: w for c, w in COLUMN_WIDTHS.items() if c is not Column.DUE
    }


def test_a_width_the_rep_dragged_is_kept_on_a_wide_list(
    qloop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    stream = _stream(qtbot, 1000)
    header = stream.view.horizontalHeader()
    header.resizeSection(Column.AUTHOR, 300)  # as a drag of the header's divider does
    _resize(qtbot, stream, 1200)
    assert header.sectionSize(Column.AUTHOR) == 300
    # Narrow, the text still keeps its room; wide again, the dragged width comes back.
    _resize(qtbot, stream, 683)
    assert header.sectionSize(Column.TEXT) >= TEXT_AT[683]
    _resize(qtbot, stream, 1000)
    assert header.sectionSize(Column.AUTHOR) == 300


def test_fit_widths_gives_way_evenly_and_never_below_the_least() -> None:
    total = sum(COLUMN_WIDTHS.values())
    assert fit_widths(COLUMN_WIDTHS, total + 220) == COLUMN_WIDTHS
    assert fit_widths(COLUMN_WIDTHS, 100) == COLUMN_MIN_WIDTHS
    half = fit_widths(COLUMN_WIDTHS, total + 220 - 100)
    assert sum(half.values()) == pytest.approx(total - 100, abs=3)
    for column, width in half.items():
        assert COLUMN_MIN_WIDTHS[column] < width < COLUMN_WIDTHS[column]
