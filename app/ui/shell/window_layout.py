"""The window's layout kept between launches: its geometry, which docks are open (their sizes
and places), the columns' sizes and the stream's view, read from the window when it closes and
put back when it is built. The settings file is the desktop's to read and write; this module
only converts. A damaged or foreign layout is ignored piece by piece, and the window always
comes back on a screen that exists now."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow

from app.client.settings import WindowLayout
from app.ui.shell.main_window import MainWindow

# Bumped when the docks or toolbars change so much that an older saved state would mislead.
STATE_VERSION = 1
# Room for a window manager's title bar above a window that has not been shown yet.
TITLE_BAR = 40
FRAME_SIDE = 4
# How much of the window's top edge must be on a screen for the rep to grab it.
GRIP = 48


def _text(data: QByteArray) -> str:
    return bytes(data.toBase64().data()).decode("ascii")


def _bytes(text: str) -> QByteArray:
    return QByteArray.fromBase64(QByteArray(text.encode("ascii", "ignore")))


def capture(window: MainWindow) -> WindowLayout:
    """The window as the rep left it."""
    return WindowLayout(
        geometry=_text(window.saveGeometry()),
        state=_text(window.saveState(STATE_VERSION)),
        splitter=_text(window.columns.saveState()),
        stream_view=dict(window.stream.view_state()),
    )


def restore(window: MainWindow, layout: WindowLayout) -> None:
    """Put a saved layout back (before the window is shown); what does not fit is skipped."""
    restore_geometry(window, layout)
    restore_furnished(window, layout)


def restore_geometry(window: QMainWindow, layout: WindowLayout) -> None:
    """The window's size and place, before it is shown (a frame not furnished yet too)."""
    if layout.geometry:
        window.restoreGeometry(_bytes(layout.geometry))
    else:
        fit_screen(window)  # the first start: the default size, within this screen
    keep_on_screen(window)


def restore_furnished(window: MainWindow, layout: WindowLayout) -> None:
    """The rest of the layout, once the window has its parts: the docks open and their
    places, the columns' sizes and the stream's view."""
    if layout.state:
        window.restoreState(_bytes(layout.state), STATE_VERSION)
    if layout.splitter:
        window.columns.restore(_bytes(layout.splitter))
    if layout.stream_view:
        window.stream.restore_view_state(dict(layout.stream_view))


def fit_screen(window: QMainWindow) -> None:
    """Shrink the window to the primary screen's free area (its frame not shown yet: leave
    room for a title bar and borders)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    width = min(window.width(), area.width() - 2 * FRAME_SIDE)
    height = min(window.height(), area.height() - TITLE_BAR - FRAME_SIDE)
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
    window.move(area.left() + (area.width() - width) // 2 - FRAME_SIDE, area.top())


def keep_on_screen(window: QMainWindow) -> None:
    """Move (and if need be shrink) the window onto a screen when its saved place is on none
    that exists now (a monitor unplugged, a layout from another desk)."""
    frame = window.geometry()
    screens = [screen.availableGeometry() for screen in QGuiApplication.screens()]
    if not screens:
        return
    top_edge = QRect(frame.left(), frame.top(), frame.width(), GRIP)
    if any(_grippable(top_edge, area) for area in screens) and frame.width() > 0:
        return
    primary = QGuiApplication.primaryScreen()
    area = primary.availableGeometry() if primary is not None else screens[0]
    width = min(max(frame.width(), window.minimumWidth()), area.width())
    height = min(max(frame.height(), window.minimumHeight()), area.height())
    window.resize(width, height)
    window.move(
        area.left() + (area.width() - width) // 2, area.top() + (area.height() - height) // 2
    )


def _grippable(top_edge: QRect, area: QRect) -> bool:
    shared = top_edge.intersected(area)
    return shared.width() >= min(GRIP * 2, top_edge.width()) and shared.height() >= GRIP // 2
