"""Paints one cell of the mention stream: network badge, priority bar, author with a DEMO
marker, one line of text, age, owner and status pill. Fixed row height; colours follow the
system palette except the few that carry meaning (network, urgency, status), which are theme
roles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.client.stream.response_clock import ClockState, read_clock
from app.client.stream.rows import MentionRow
from app.models.enums import MentionStatus, Network
from app.ui.qt import theme
from app.ui.qt.theme import Role
from app.ui.stream.filter import OUTSIDE_VIEW_MARK
from app.ui.stream.model import Column, MentionRole, age_text, owner_text, status_text

ROW_HEIGHT = 30

NETWORK_BADGES: dict[Network, tuple[str, Role]] = {
    Network.MASTODON: ("M", Role.NETWORK_MASTODON),
    Network.BLUESKY: ("B", Role.NETWORK_BLUESKY),
    Network.X: ("X", Role.NETWORK_X),
    Network.FEED: ("RSS", Role.NETWORK_FEED),
    Network.WEBHOOK: ("WH", Role.NETWORK_WEBHOOK),
    Network.DEMO: ("D", Role.NETWORK_DEMO),
}

STATUS_ROLES: dict[MentionStatus, Role] = {
    MentionStatus.NEW: Role.STATUS_NEW,
    MentionStatus.ASSIGNED: Role.STATUS_ASSIGNED,
    MentionStatus.HANDOFF: Role.STATUS_HANDOFF,
    MentionStatus.REPLIED: Role.STATUS_REPLIED,
    MentionStatus.RESOLVED: Role.STATUS_RESOLVED,
    MentionStatus.SNOOZED: Role.STATUS_SNOOZED,
}


# The response clock's colours as it nears its target and passes it (running: dimmed text).
CLOCK_ROLES: dict[ClockState, Role] = {
    ClockState.SOON: Role.CLOCK_SOON,
    ClockState.LATE: Role.CLOCK_LATE,
}


def _now_of(model: object) -> Callable[[], datetime] | None:
    """The stream model's clock, through the filter proxy the view shows it by."""
    now = getattr(model, "now", None)
    if now is None:
        source = getattr(model, "sourceModel", lambda: None)()
        now = getattr(source, "now", None)
    return now if callable(now) else None


def _dimmed(colour: QColor) -> QColor:
    dim = QColor(colour)
    dim.setAlphaF(0.7)
    return dim


_PILLS: dict[tuple[str, int, int, str, int, float], QPixmap] = {}


def _pill(
    painter: QPainter,
    rect: QRect,
    text: str,
    role: Role,
    palette: QPalette,
    font: QFont,
    metrics: QFontMetrics,
) -> int:
    """Draw the pill text colour on a rounded pill of `role`'s colour vertically centred in
    rect; return width. Pills come from a small set (networks, statuses, DEMO): each is
    rendered once and blitted."""
    width = min(rect.width(), metrics.horizontalAdvance(text) + 12)
    height = min(rect.height() - 8, metrics.height() + 4)
    device = painter.device()
    ratio = device.devicePixelRatioF() if device is not None else 1.0
    colour = theme.color(role, palette)
    text_colour = theme.color(Role.PILL_TEXT, palette)
    key = (text, colour.rgba(), text_colour.rgba(), font.key(), width * 1000 + height, ratio)
    pixmap = _PILLS.get(key)
    if pixmap is None:
        pixmap = QPixmap(max(1, round(width * ratio)), max(1, round(height * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        pill_painter = QPainter(pixmap)
        pill_painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pill_painter.setPen(Qt.PenStyle.NoPen)
        pill_painter.setBrush(colour)
        pill_painter.drawRoundedRect(QRect(0, 0, width, height), height / 2, height / 2)
        pill_painter.setPen(text_colour)
        pill_painter.setFont(font)
        pill_painter.drawText(QRect(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, text)
        pill_painter.end()
        _PILLS[key] = pixmap
    painter.drawPixmap(rect.left(), rect.center().y() - height // 2 + 1, pixmap)
    return width


_COLUMNS = tuple(Column)
_CENTRE_LEFT = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
_ELIDE = Qt.TextElideMode.ElideRight


class _Fonts:
    """Fonts and metrics derived from the view's font, built once per font: paint is hot."""

    def __init__(self, base: QFont) -> None:
        self.base = QFont(base)
        self.regular = QFont(base)
        self.bold = QFont(base)
        self.bold.setBold(True)
        self.small = QFont(base)
        self.small.setPointSizeF(max(6.0, base.pointSizeF() * 0.85))
        self.bold_small = QFont(self.small)
        self.bold_small.setBold(True)
        self.italic_small = QFont(self.small)
        self.italic_small.setItalic(True)
        self.regular_metrics = QFontMetrics(self.regular)
        self.bold_metrics = QFontMetrics(self.bold)
        self.small_metrics = QFontMetrics(self.small)
        self.bold_small_metrics = QFontMetrics(self.bold_small)
        self.italic_small_metrics = QFontMetrics(self.italic_small)


class MentionDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fonts: _Fonts | None = None

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(80, ROW_HEIGHT)

    def _fonts_for(self, base: QFont) -> _Fonts:
        fonts = self._fonts
        if fonts is None or fonts.base != base:
            fonts = self._fonts = _Fonts(base)
        return fonts

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        # Our proxy hands the row over directly: cheaper than a trip through data() roles.
        model = index.model()
        row_at = getattr(model, "row_at", None)
        row = row_at(index.row()) if row_at is not None else index.data(MentionRole.ROW)
        if not isinstance(row, MentionRow):
            super().paint(painter, option, index)
            return
        palette: QPalette = option.palette
        rect: QRect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
            text_colour = palette.color(QPalette.ColorRole.HighlightedText)
        else:
            if option.features & QStyleOptionViewItem.ViewItemFeature.Alternate:
                painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
            text_colour = palette.color(QPalette.ColorRole.Text)
        fonts = self._fonts_for(option.font)
        inner = rect.adjusted(6, 0, -6, 0)
        column = _COLUMNS[index.column()]
        painter.save()

        if column is Column.TEXT:
            is_outside = getattr(model, "is_outside", None)
            if is_outside is not None and is_outside(index.row()):
                # Kept in the view only because it is selected: say so before the text.
                mark = f"{OUTSIDE_VIEW_MARK} \u00b7 "
                dim = QColor(text_colour)
                dim.setAlphaF(0.75)
                painter.setFont(fonts.italic_small)
                painter.setPen(dim)
                painter.drawText(inner, _CENTRE_LEFT, mark)
                used = fonts.italic_small_metrics.horizontalAdvance(mark)
                inner = inner.adjusted(min(used, inner.width()), 0, 0, 0)
            for tag in reversed(row.tags[:3]):  # its tags as pills at the cell's end
                width = min(fonts.bold_small_metrics.horizontalAdvance(tag) + 14, 120)
                if inner.width() < width + 80:
                    break
                pill = QRect(inner.right() - width + 1, inner.top(), width, inner.height())
                label = fonts.bold_small_metrics.elidedText(tag, _ELIDE, width - 10)
                _pill(
                    painter,
                    pill,
                    label,
                    Role.PILL_UNKNOWN,
                    palette,
                    fonts.bold_small,
                    fonts.bold_small_metrics,
                )
                inner = inner.adjusted(0, 0, -(width + 3), 0)
            painter.setFont(fonts.regular)
            painter.setPen(text_colour)
            text = " ".join(row.text.split())
            painter.drawText(
                inner,
                _CENTRE_LEFT,
                fonts.regular_metrics.elidedText(text, _ELIDE, inner.width()),
            )
        elif column is Column.AUTHOR:
            right = inner.right()
            if row.is_demo:
                demo_rect = QRect(right - 44, inner.top(), 44, inner.height())
                _pill(
                    painter,
                    demo_rect,
                    "DEMO",
                    Role.DEMO,
                    palette,
                    fonts.bold_small,
                    fonts.bold_small_metrics,
                )
                right -= 50
            name = "\u2068" + (row.author_name or row.author_handle) + "\u2069"
            area = QRect(inner.left(), inner.top(), right - inner.left(), inner.height())
            shown = fonts.bold_metrics.elidedText(name, _ELIDE, area.width())
            painter.setFont(fonts.bold)
            painter.setPen(text_colour)
            painter.drawText(area, _CENTRE_LEFT, shown)
            used = fonts.bold_metrics.horizontalAdvance(shown) + 6
            if used < area.width() - 20:
                handle_area = area.adjusted(used, 0, 0, 0)
                dim = QColor(text_colour)
                dim.setAlphaF(0.7)
                painter.setFont(fonts.small)
                painter.setPen(dim)
                handle = fonts.small_metrics.elidedText(row.handle, _ELIDE, handle_area.width())
                painter.drawText(handle_area, _CENTRE_LEFT, handle)
        elif column is Column.NETWORK:
            label, role = NETWORK_BADGES.get(row.network, ("?", Role.PILL_UNKNOWN))
            _pill(painter, inner, label, role, palette, fonts.bold_small, fonts.bold_small_metrics)
        elif column is Column.PRIORITY:
            urgent = row.is_urgent
            urgent_colour = theme.color(Role.URGENT, palette)
            bar = QRect(inner.left(), inner.bottom() - 7, inner.width(), 4)
            painter.fillRect(bar, palette.color(QPalette.ColorRole.Midlight))
            share = min(max(row.priority, 0.0), 100.0) / 100
            painter.fillRect(
                QRect(bar.left(), bar.top(), int(bar.width() * share), 4),
                urgent_colour if urgent else palette.color(QPalette.ColorRole.Mid),
            )
            painter.setPen(urgent_colour if urgent and not selected else text_colour)
            painter.setFont(fonts.bold if urgent else fonts.regular)
            painter.drawText(inner.adjusted(0, 0, 0, -6), _CENTRE_LEFT, f"{row.priority:.0f}")
        elif column is Column.AGE:
            painter.setFont(fonts.small)
            painter.setPen(_dimmed(text_colour))
            now = _now_of(model)
            painter.drawText(
                inner, _CENTRE_LEFT, age_text(row.created_at, now()) if now is not None else ""
            )
        elif column is Column.DUE:
            now = _now_of(model)
            reading = read_clock(row, now()) if now is not None else None
            if reading is not None:
                late = reading.state is ClockState.LATE
                if selected:
                    colour = text_colour
                elif reading.state in CLOCK_ROLES:
                    colour = theme.color(CLOCK_ROLES[reading.state], palette)
                else:
                    colour = _dimmed(text_colour)
                painter.setFont(fonts.bold_small if late else fonts.small)
                painter.setPen(colour)
                painter.drawText(inner, _CENTRE_LEFT, reading.text)
        elif column is Column.OWNER:
            badges = index.data(MentionRole.PRESENT) or ()
            for initials in reversed(badges[:3]):  # colleagues there now, at the cell's end
                width = fonts.bold_small_metrics.horizontalAdvance(initials) + 12
                if inner.width() < width + 40:
                    break
                badge = QRect(inner.right() - width + 1, inner.top(), width, inner.height())
                _pill(
                    painter,
                    badge,
                    initials,
                    Role.STATUS_ASSIGNED,
                    palette,
                    fonts.bold_small,
                    fonts.bold_small_metrics,
                )
                inner = inner.adjusted(0, 0, -(width + 3), 0)
            if row.pending_action:
                font, metrics = fonts.italic_small, fonts.italic_small_metrics
            else:
                font, metrics = fonts.small, fonts.small_metrics
            colour = QColor(text_colour)
            if not row.assignee_name:
                colour.setAlphaF(0.7)
            painter.setFont(font)
            painter.setPen(colour)
            painter.drawText(
                inner, _CENTRE_LEFT, metrics.elidedText(owner_text(row), _ELIDE, inner.width())
            )
        else:
            _pill(
                painter,
                inner,
                status_text(row),
                STATUS_ROLES.get(row.status, Role.PILL_UNKNOWN),
                palette,
                fonts.bold_small,
                fonts.bold_small_metrics,
            )
        painter.restore()
