"""Widgets whose colours are theme roles set them again when the application's palette changes
(the console turning light or dark). Not through changeEvent: a widget with a style sheet of its
own keeps the sheet's palette, so inside a window it gets no PaletteChange when the
application's palette changes (only windows get ApplicationPaletteChange) — its roles would
stay in the old column. The application's paletteChanged reaches every widget that asks."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QGuiApplication


def follow_palette(paint: Callable[[], None]) -> None:
    """Run `paint` (a method of a widget: the connection ends with the widget) now and after
    every change of the application's palette."""
    paint()
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        app.paletteChanged.connect(paint)
