"""Bringing a dock forward: the window shown (not minimised or hidden), the dock shown and on
top of its tab group."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget, QWidget


def show_dock(window: QWidget, dock: QDockWidget) -> None:
    window.showNormal()
    dock.show()
    dock.raise_()
