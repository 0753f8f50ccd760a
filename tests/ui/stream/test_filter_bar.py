"""The filter bar fits its width: the network, priority and status choices and the search share
the tabs' row on a full screen and move to a row of their own on half a screen (683 px), and
the bar never asks for more than half a screen."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.ui.stream.filter_bar import FilterBar


def test_one_row_when_wide_two_rows_when_half_a_screen(qtbot: QtBot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    bar = FilterBar()
    layout = QVBoxLayout(holder)
    layout.addWidget(bar)
    layout.addStretch(1)
    assert bar.minimumWidth() < 683 - 20

    holder.resize(1366, 300)
    holder.show()
    qtbot.waitUntil(lambda: bar.width() > 1300)
    assert bar.one_row
    qtbot.waitUntil(lambda: bar.choices.geometry().top() < bar.tabs.geometry().bottom())
    assert bar.search.geometry().top() < bar.tabs.geometry().bottom()
    one_row_height = bar.height()

    holder.resize(683, 300)
    qtbot.waitUntil(lambda: not bar.one_row)
    qtbot.waitUntil(lambda: bar.choices.geometry().top() >= bar.tabs.geometry().bottom())
    assert bar.height() > one_row_height
    assert bar.search.geometry().right() <= bar.width()
    assert bar.search.width() >= bar.search.minimumWidth()

    holder.resize(1366, 300)
    qtbot.waitUntil(lambda: bar.one_row)
