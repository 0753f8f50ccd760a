"""Mentions that arrive while the list is held still (the pointer over it, or scrolled down)
wait above the rows on show, and a button at the top of the list counts them: "↑ 5 new above".
It takes the rep to the top; so does scrolling there (the real console against a real server)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor
from PySide6.QtTest import QTest

from app.ui.stream.stream_view import new_above_text
from tests.support.live_server import LiveServer, mention_json
from tests.ui.console import Console


def _arrive(console: Console, live_server: LiveServer, prefix: str, count: int) -> list[int]:
    ids = live_server.ingest(
        [mention_json(f"{prefix}-{i}", f"Parcel {prefix} {i} is late") for i in range(count)]
    )
    console.wait_until(console.bridge.rowsChanged, lambda: console.session.row(ids[-1]) is not None)
    console.window.model.flush()
    return ids


def test_arrivals_held_above_are_counted_and_one_click_shows_them(
    live_server: LiveServer, console_factory: Callable[[str, str], Console]
) -> None:
    _, token = live_server.create_user("ira-new", role="rep")
    live_server.ingest([mention_json(f"old-{i}", f"Where is order {i}?") for i in range(30)])
    ira = console_factory(live_server.base_url, token)
    ira.window.model.flush()
    view = ira.window.view
    view.doItemsLayout()
    top_before = ira.window.proxy.row_at(view.rowAt(0)).id
    assert view.new_above.isHidden()
    # At the top, the pointer resting on the list: arrivals wait above, counted.
    QCursor.setPos(view.viewport().mapToGlobal(view.viewport().rect().center()))

    _arrive(ira, live_server, "storm", 5)
    assert ira.window.proxy.row_at(view.rowAt(0)).id == top_before  # nothing moved
    assert view.new_above.isVisible()
    assert view.new_above.text() == new_above_text(5) == "↑ 5 new above"
    top_of_list = view.viewport().geometry().top()
    assert top_of_list <= view.new_above.geometry().top() < top_of_list + view.rowHeight(0)

    fresh = _arrive(ira, live_server, "more", 7)
    assert view.new_above.text() == "↑ 12 new above"
    assert view.verticalScrollBar().value() > 0  # the rows scrolled to stay still…
    assert top_of_list <= view.new_above.geometry().top() < top_of_list + view.rowHeight(0)

    QTest.mouseClick(view.new_above, Qt.MouseButton.LeftButton)
    assert view.verticalScrollBar().value() == 0
    assert ira.window.proxy.row_at(view.rowAt(0)).id == fresh[-1]  # newest first, on show
    assert view.new_above.isHidden()


def test_scrolling_to_the_top_also_clears_the_count(
    live_server: LiveServer, console_factory: Callable[[str, str], Console]
) -> None:
    _, token = live_server.create_user("ira-scroll", role="rep")
    live_server.ingest([mention_json(f"old-s-{i}", f"Where is order {i}?") for i in range(40)])
    ira = console_factory(live_server.base_url, token)
    ira.window.model.flush()
    view = ira.window.view
    view.doItemsLayout()
    QCursor.setPos(view.mapToGlobal(view.rect().bottomRight()) + view.rect().bottomRight())
    view.verticalScrollBar().setValue(6)  # reading further down, the pointer elsewhere

    _arrive(ira, live_server, "late", 1)
    assert view.new_above.text() == "↑ 1 new above"
    assert view.new_above.isVisible()

    QTest.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert view.verticalScrollBar().value() == 0
    assert view.new_above.isHidden()
