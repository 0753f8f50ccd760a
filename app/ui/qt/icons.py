"""Icons drawn at every size a desktop asks for. A tray, a panel, a title bar and a task switcher
ask for 16 to 64 pixels, times the screen's device pixel ratio (1, 1.5 on many laptops, 2 on
high-DPI screens). An icon holding one 64-pixel pixmap is scaled for every other size: blurred
down to 16 or 22 pixels, and upscaled past 64. Drawing each size itself (vector shapes and text
at that size) keeps every size crisp, and `QIcon` hands back the drawn pixmap unscaled when one
has the device pixel size asked for."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap

# Logical sizes: menus and small trays (16), GNOME/KDE panels and trays (22, 24), title bars
# and taskbars (32), task switchers and docks (48, 64).
ICON_SIZES = (16, 22, 24, 32, 48, 64)
DEVICE_PIXEL_RATIOS = (1.0, 1.5, 2.0)
DRAWING_UNITS = 64  # drawing functions draw in a 64×64 square, scaled to the size drawn

Drawing = Callable[[QPainter], None]


def pixel_sizes() -> list[int]:
    """Every device pixel size drawn: each logical size at each device pixel ratio."""
    return sorted({round(size * ratio) for size in ICON_SIZES for ratio in DEVICE_PIXEL_RATIOS})


def drawn_pixmap(draw: Drawing, pixels: int) -> QPixmap:
    """`draw` (in 64×64 drawing units) rendered at `pixels` × `pixels`: shapes and text are
    rasterised at that size, not scaled from another."""
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.scale(pixels / DRAWING_UNITS, pixels / DRAWING_UNITS)
    draw(painter)
    painter.end()
    return pixmap


def drawn_icon(draw: Drawing) -> QIcon:
    """An icon holding `draw` rendered at every device pixel size of `pixel_sizes()`."""
    icon = QIcon()
    for pixels in pixel_sizes():
        icon.addPixmap(drawn_pixmap(draw, pixels))
    return icon
