"""The console's icon — its "R" on the app colour — with the number of unassigned urgent mentions
in a red dot: the window's icon (from the first frame on the screen) and the tray's. Light to
import: the window's frame draws it before the stream or the tray exist."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QIcon, QPainter, QPixmap

from app.ui.qt import theme
from app.ui.qt.icons import drawn_icon, drawn_pixmap
from app.ui.qt.theme import Role


def badge_icon(count: int) -> QIcon:
    """The app icon with the number of unassigned urgent mentions in a red dot, drawn at every
    size a tray, a panel or a title bar asks for (`icons.drawn_icon`)."""
    return drawn_icon(lambda painter: _draw_badge(painter, count))


def badge_pixmap(count: int, size: int = 64) -> QPixmap:
    """The same icon drawn at one size (screens and tests)."""
    return drawn_pixmap(lambda painter: _draw_badge(painter, count), size)


def _draw_badge(painter: QPainter, count: int) -> None:
    """In 64×64 drawing units."""
    painter.setBrush(theme.color(Role.APP_ICON))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(4, 4, 56, 56, 12, 12)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(34)
    painter.setFont(font)
    painter.setPen(theme.color(Role.ICON_MARK))
    painter.drawText(QRect(4, 4, 56, 56), Qt.AlignmentFlag.AlignCenter, "R")
    if count:
        painter.setBrush(theme.color(Role.URGENT))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(30, 0, 34, 34)
        font.setPixelSize(20 if count < 100 else 14)
        painter.setFont(font)
        painter.setPen(theme.color(Role.ICON_MARK))
        painter.drawText(QRect(30, 0, 34, 34), Qt.AlignmentFlag.AlignCenter, _short(count))


def _short(count: int) -> str:
    return str(count) if count < 1000 else "999+"
