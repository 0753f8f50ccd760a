"""The window under a rep's hands (a console with the composer, the team docks and a real
server): the stream's list keeps its readable width and the window keeps its size whatever the
composer shows (the unanswerable box, heated prompts, take a breath, a long line), whichever
dock is open, and at half a screen's width (the mention's column then goes below the list)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication

from app.ui.shell.actions import Action
from app.ui.shell.columns import MENTION_COLUMN_WIDTH, STREAM_MIN_WIDTH
from app.ui.shell.main_window import MainWindow
from app.ui.stream.model import Column
from tests.support.composer import BRAND_ACCOUNT, live_server
from tests.support.live_server import LiveServer, mention_json
from tests.support.qt_loop import qloop
from tests.ui.shell.full_console import FullConsole

__all__ = ["BRAND_ACCOUNT", "live_server", "qloop"]

HEATED = "THIS IS YOUR FAULT!!! idiots, you should have read the terms. Calm down. "
LONG_LINE = "x" * 240
DOCKS = (Action.ROSTER_DOCK, Action.FOLLOWUPS_DOCK, Action.ACKS_DOCK)
# The text column beside the mention's column, in a wide window.
TEXT_COLUMN_MIN = 200


@pytest.fixture
def console(
    qloop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> Iterator[FullConsole]:
    _, token = live_server.create_user(f"lay-{uuid.uuid4().hex[:6]}", role="rep")
    made = FullConsole(qloop, live_server.base_url, token, tmp_path / "cache.sqlite3")
    try:
        yield made
    finally:
        made.close()


def settled(console: FullConsole) -> QSize:
    console.inside(QApplication.processEvents)
    return console.window.size()


def text_column_width(window: MainWindow) -> int:
    """The part of the list's width the mention's text gets."""
    view = window.view
    others = sum(view.columnWidth(c) for c in Column if c is not Column.TEXT)
    return view.viewport().width() - others


def assert_stream_usable(window: MainWindow) -> None:
    assert window.view.width() >= STREAM_MIN_WIDTH
    assert window.view.isVisible()


def open_unanswerable(console: FullConsole, server: LiveServer) -> None:
    mention = mention_json(f"wh-{uuid.uuid4().hex[:8]}", "My order is late", network="webhook")
    mention["url"] = "https://forum.example.com/t/" + "a-very-long-thread-name-" * 4
    [mention_id] = server.ingest([mention])
    console.open(mention_id)
    assert console.panel.unanswerable.isVisible()


@pytest.mark.parametrize("width", [1280, 683])
def test_nothing_the_composer_shows_squeezes_the_stream_or_grows_the_window(
    console: FullConsole, live_server: LiveServer, width: int
) -> None:
    console.window.resize(width, 740)
    console.start()
    size = settled(console)
    assert size == QSize(width, 740)
    assert_stream_usable(console.window)
    wide_stream = console.window.view.width()

    open_unanswerable(console, live_server)
    assert settled(console) == size
    assert console.window.view.width() == wide_stream

    console.type(HEATED + LONG_LINE)
    panel = console.panel
    assert panel.breath.isVisible()
    assert panel.prompts.isVisible()
    assert panel.prompts.height() <= panel.prompts.maximumHeight()
    assert settled(console) == size
    assert console.window.view.width() == wide_stream
    if width >= 1280:
        assert text_column_width(console.window) >= TEXT_COLUMN_MIN

    panel.countdown.show()  # the cool-off's bar and a conflict, on top of it all
    panel.conflict.show()
    assert settled(console) == size
    assert console.window.view.width() == wide_stream


def test_docks_and_half_a_screen_keep_the_stream(
    console: FullConsole, live_server: LiveServer
) -> None:
    console.window.resize(1280, 740)
    console.start()
    open_unanswerable(console, live_server)
    console.type(HEATED)
    for action in DOCKS:
        console.inside(console.window.action(action).trigger)
        assert console.window.dock(action).isVisible()
        assert settled(console) == QSize(1280, 740)
        assert_stream_usable(console.window)
        assert console.window.columns.orientation() is Qt.Orientation.Horizontal
        assert console.window.columns.mention_column.frame.width() >= MENTION_COLUMN_WIDTH

    console.inside(lambda: console.window.resize(683, 740))
    assert settled(console) == QSize(683, 740)
    assert_stream_usable(console.window)
    assert console.window.columns.orientation() is Qt.Orientation.Vertical
    assert console.panel.isVisible()
    # Under the list the mention's column scrolls: the reply editor and the prompts keep
    # the height they need instead of being squeezed to a line (seen in a real window).
    column = console.window.columns.mention_column
    assert column.frame.verticalScrollBar().maximum() > 0
    assert console.panel.editor.height() >= console.panel.editor.minimumSizeHint().height()
    assert console.panel.height() >= console.panel.minimumSizeHint().height()
    # Go to the reply editor scrolls the column to it.
    console.inside(column.frame.verticalScrollBar().minimum)
    column.frame.verticalScrollBar().setValue(0)
    console.inside(console.window.action(Action.FOCUS_REPLY).trigger)
    editor = console.panel.editor
    viewport = column.frame.viewport()
    top_left = editor.mapTo(viewport, editor.rect().topLeft())
    assert viewport.rect().contains(top_left), (top_left, viewport.rect())
