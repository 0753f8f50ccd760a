"""The window and tray icons are crisp at every size a desktop asks for: each logical size a
tray, panel, title bar or dock uses (16–64 px) at device pixel ratios 1, 1.5 and 2 comes out of
the QIcon at exactly that many device pixels, and is the icon drawn at that size — not a
64-pixel picture scaled down (blurred) or up."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QApplication

from app.ui.qt.icons import DEVICE_PIXEL_RATIOS, ICON_SIZES, pixel_sizes
from app.ui.shell.notifier import badge_icon, badge_pixmap
from app.ui.team.tray import coverage_icon, coverage_pixmap

# (name, the icon, the same picture drawn directly at a size in device pixels)
ICONS = [
    ("window, no urgent", lambda: badge_icon(0), lambda px: badge_pixmap(0, px)),
    ("window, 7 urgent", lambda: badge_icon(7), lambda px: badge_pixmap(7, px)),
    ("window, 120 urgent", lambda: badge_icon(120), lambda px: badge_pixmap(120, px)),
    *[
        (
            f"tray, {level}",
            lambda level=level: coverage_icon(level, 3, 1),
            lambda px, level=level: coverage_pixmap(level, 3, 1, size=px),
        )
        for level in ("covered", "thin", "nobody", "unknown")
    ],
]


def as_rgba(pixmap: QPixmap) -> QImage:
    return pixmap.toImage().convertToFormat(QImage.Format.Format_RGBA8888)


@pytest.mark.parametrize(("name", "make_icon", "draw_at"), ICONS, ids=[i[0] for i in ICONS])
def test_every_size_at_every_device_pixel_ratio_is_drawn_not_scaled(
    qapp: QApplication,
    name: str,
    make_icon: Callable[[], QIcon],
    draw_at: Callable[[int], QPixmap],
) -> None:
    icon: QIcon = make_icon()
    assert {size.width() for size in icon.availableSizes()} >= set(pixel_sizes())
    for logical in ICON_SIZES:
        for ratio in DEVICE_PIXEL_RATIOS:
            pixels = round(logical * ratio)
            pixmap = icon.pixmap(QSize(logical, logical), ratio)
            assert pixmap.size() == QSize(pixels, pixels), (name, logical, ratio)
            assert pixmap.devicePixelRatio() == pytest.approx(ratio), (name, logical, ratio)
            assert icon.actualSize(QSize(logical, logical)) == QSize(logical, logical)
            # The very picture drawn at that size: no scaling from another pixmap.
            assert as_rgba(pixmap) == as_rgba(draw_at(pixels)), (name, logical, ratio)
