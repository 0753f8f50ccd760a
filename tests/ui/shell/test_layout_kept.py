"""The window's layout between launches, through the settings file the desktop writes: size
and place, the open dock, the columns' sizes and the stream's view come back; a damaged or
foreign layout starts a usable window on the screen that exists now."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMainWindow

from app.client.settings import ConsoleMode, ConsoleSettings, load_settings
from app.desktop import remember_window, restore_window
from app.ui.shell.actions import Action
from app.ui.shell.columns import STREAM_MIN_WIDTH
from app.ui.shell.window_layout import keep_on_screen
from app.ui.stream.filter import FilterMode
from tests.support.composer import live_server
from tests.support.live_server import LiveServer
from tests.support.qt_loop import qloop
from tests.ui.shell.full_console import FullConsole

__all__ = ["live_server", "qloop"]


@pytest.fixture
def consoles(
    qloop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> Iterator[Callable[[], FullConsole]]:
    _, token = live_server.create_user(f"kept-{uuid.uuid4().hex[:6]}", role="rep")
    made: list[FullConsole] = []

    def make() -> FullConsole:
        path = tmp_path / f"cache-{len(made)}.sqlite3"
        made.append(FullConsole(qloop, live_server.base_url, token, path))
        return made[-1]

    yield make
    for console in made:
        console.close()


def settle(console: FullConsole) -> None:
    console.inside(QApplication.processEvents)


def on_a_screen(rect: QRect) -> bool:
    return any(s.availableGeometry().intersects(rect) for s in QGuiApplication.screens())


def test_the_layout_comes_back_from_the_settings_file(
    consoles: Callable[[], FullConsole], tmp_path: Path
) -> None:
    settings_path = tmp_path / "settings.json"
    first = consoles()
    first.window.resize(760, 700)
    first.window.move(20, 30)
    first.start()
    window = first.window
    console_first_geometry = window.geometry()
    first.inside(window.action(Action.FOLLOWUPS_DOCK).trigger)
    first.inside(lambda: window.set_filter_mode(FilterMode.MINE))
    first.inside(lambda: window.columns.setSizes([300, 320]))
    settle(first)
    columns = window.columns.sizes()
    view = window.stream.view_state()
    remember_window(settings_path, ConsoleSettings(mode=ConsoleMode.DEMO), window)
    first.close()

    settings = load_settings(settings_path)
    assert settings.mode is ConsoleMode.DEMO
    second = consoles()
    restore_window(second.window, settings)
    second.start()
    settle(second)
    window = second.window
    assert window.size() == QSize(760, 700)
    assert window.geometry().topLeft() == console_first_geometry.topLeft()
    assert window.dock(Action.FOLLOWUPS_DOCK).isVisible()
    assert not window.dock(Action.ACKS_DOCK).isVisible()
    assert window.columns.sizes() == columns
    assert window.stream.view_state() == view
    assert view["mode"] == FilterMode.MINE.value


def _noise(size: int) -> str:
    return base64.b64encode(os.urandom(size)).decode()


@pytest.mark.parametrize(
    "window_json",
    [
        {"geometry": _noise(66), "state": _noise(120), "splitter": _noise(40)},
        {"geometry": "%%% not base64 %%%", "state": "AAAA", "stream_view": {"mode": "x"}},
        {"geometry": 17, "state": None, "splitter": [], "stream_view": "mine"},
    ],
)
def test_a_damaged_layout_still_starts_a_usable_window(
    consoles: Callable[[], FullConsole], tmp_path: Path, window_json: object
) -> None:
    settings_path = tmp_path / "settings.json"
    settings_path.write_text(json.dumps({"mode": "demo", "window": window_json}), "utf-8")
    settings = load_settings(settings_path)
    console = consoles()
    restore_window(console.window, settings)
    console.start()
    settle(console)
    window = console.window
    assert window.isVisible()
    assert on_a_screen(window.geometry())
    assert window.view.width() >= STREAM_MIN_WIDTH
    assert window.stream.view_state()  # a view the stream knows


def test_the_first_start_fits_the_screen(consoles: Callable[[], FullConsole]) -> None:
    console = consoles()  # built at its default size, 1280 x 780, on an 800 x 800 screen
    restore_window(console.window, ConsoleSettings())
    console.start()
    settle(console)
    area = QGuiApplication.primaryScreen().availableGeometry()
    assert area.contains(console.window.geometry())


def test_a_window_saved_on_a_screen_that_is_gone_comes_back_on_this_one(qapp: QApplication) -> None:
    window = QMainWindow()
    window.setGeometry(QRect(QPoint(5200, 3100), QSize(1400, 900)))  # a monitor unplugged
    keep_on_screen(window)
    area = QGuiApplication.primaryScreen().availableGeometry()
    assert area.contains(window.geometry())
    window.setGeometry(QRect(QPoint(-1380, 40), QSize(1400, 600)))  # 20 px left on screen
    keep_on_screen(window)
    assert area.contains(window.geometry().topLeft())
    window.deleteLater()
