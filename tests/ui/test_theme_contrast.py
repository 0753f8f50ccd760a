"""Readable in light and dark: every foreground the theme draws on a background (theme.PAIRS,
which must name every role) has the WCAG contrast it needs in both columns — on the style's
light palette and on the console's dark one; the console's dark palette is readable itself;
and the console follows the system's scheme at start and when it changes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from app.ui.qt import theme
from app.ui.qt.banner import Banner
from app.ui.qt.scheme import SchemeFollower, dark_palette
from app.ui.qt.theme import Contrast, Role, Surface

ROLE = QPalette.ColorRole


def palettes(app: QApplication) -> dict[str, QPalette]:
    return {"light": app.style().standardPalette(), "dark": dark_palette()}


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    yield qapp
    qapp.setPalette(QPalette())  # the platform's palette for the next test


def test_every_role_is_measured_on_what_it_is_drawn_on() -> None:
    measured = {fg for fg, _, _ in theme.PAIRS} | {
        bg for _, bg, _ in theme.PAIRS if isinstance(bg, Role)
    }
    assert set(Role) - measured == set()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_pair_is_readable(app: QApplication, scheme: str) -> None:
    palette = palettes(app)[scheme]
    assert theme.is_dark(palette) is (scheme == "dark")
    too_faint = []
    for fg, bg, needed in theme.PAIRS:
        back = theme.color(bg, palette) if isinstance(bg, Role) else theme.surface(bg, palette)
        ratio = theme.contrast(theme.color(fg, palette), back)
        if ratio < needed.value:
            too_faint.append(f"{fg.value} on {bg.value}: {ratio:.2f} < {needed.value}")
    assert too_faint == []


def test_the_dark_palette_is_readable() -> None:
    palette = dark_palette()
    for text, back in (
        (ROLE.WindowText, ROLE.Window),
        (ROLE.Text, ROLE.Base),
        (ROLE.Text, ROLE.AlternateBase),
        (ROLE.ButtonText, ROLE.Button),
        (ROLE.HighlightedText, ROLE.Highlight),
        (ROLE.ToolTipText, ROLE.ToolTipBase),
        (ROLE.PlaceholderText, ROLE.Base),
        (ROLE.Link, ROLE.Base),
    ):
        ratio = theme.contrast(palette.color(text), palette.color(back))
        assert ratio >= Contrast.TEXT.value, (text, back, ratio)
    disabled = palette.color(QPalette.ColorGroup.Disabled, ROLE.Text)
    assert theme.contrast(disabled, palette.color(ROLE.Base)) >= Contrast.LARGE_OR_UI.value


def test_the_console_follows_the_system_scheme(app: QApplication) -> None:
    follower = SchemeFollower(app)  # offscreen: the system names no scheme
    banner = Banner("offline", Role.OFFLINE_BANNER, Role.OFFLINE_BANNER_TEXT, "Retry")
    light_style = banner.styleSheet()
    assert not follower.dark
    changes: list[bool] = []
    follower.changed.connect(changes.append)

    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # what the platform sends
    QApplication.processEvents()  # the palette change reaches the widgets
    assert follower.dark
    assert theme.is_dark()
    assert theme.name(Role.URGENT_TEXT) == theme._TABLE[Role.URGENT_TEXT][1]
    assert banner.styleSheet() != light_style  # banners take the dark column at once
    assert theme.name(Role.OFFLINE_BANNER) in banner.styleSheet()

    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    QApplication.processEvents()
    assert not follower.dark
    assert banner.styleSheet() == light_style
    assert changes == [True, False]
    del follower, banner  # gone with their connections


def test_a_chosen_scheme_wins_over_the_system(app: QApplication) -> None:
    follower = SchemeFollower(app, Qt.ColorScheme.Dark)
    assert follower.dark
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert follower.dark
    del follower


def test_surfaces_are_what_the_palette_says(app: QApplication) -> None:
    palette = dark_palette()
    assert theme.surface(Surface.BASE, palette) == palette.color(ROLE.Base)
    assert theme.surface(Surface.WHITE, palette).name() == "#ffffff"


def test_a_banner_inside_a_window_turns_with_the_scheme(app: QApplication) -> None:
    """A widget with its own style sheet inside a window gets no PaletteChange when the
    application's palette changes: the banner follows the application's palette instead."""
    window = QWidget()
    banner = Banner("offline", Role.OFFLINE_BANNER, Role.OFFLINE_BANNER_TEXT, "Retry")
    QVBoxLayout(window).addWidget(banner)
    banner.say("Offline")
    window.show()
    light_style = banner.styleSheet()
    app.setPalette(dark_palette())
    QApplication.processEvents()
    assert theme.name(Role.OFFLINE_BANNER) in banner.styleSheet()
    app.setPalette(app.style().standardPalette())
    QApplication.processEvents()
    assert banner.styleSheet() == light_style
    window.close()
