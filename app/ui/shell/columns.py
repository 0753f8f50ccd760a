"""The window's two columns: the stream's list, and the selected mention's column (detail,
composer, handoffs). The list keeps a width its text stays readable at, whatever the other
column shows; the other column's least size is its own, not its parts', so no prompt, box or
long line can take the list's width or grow the window (docks and the filter bar scroll).
Where the window is too narrow for both side by side (half a screen), the mention's column
goes under the list."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

# The list's least width: its fixed columns and a line of the mention's text.
STREAM_MIN_WIDTH = 520
# The mention's column side by side with the list needs this much (the detail pane and its
# scroll bar); narrower, it goes below.
MENTION_COLUMN_WIDTH = 400
# A dock's least width: beside a half-screen list, it scrolls rather than grow the window.
SCROLLING_MIN_WIDTH = 48
# Under the list, the list keeps this share of the height.
STACKED_STREAM_SHARE = 0.45


def scrolling(widget: QWidget, name: str) -> QScrollArea:
    """`widget` in a frame that scrolls when the window gives it less room than it wants:
    what it wants (its least width and height) then never reaches the window."""
    area = QScrollArea()
    area.setObjectName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setMinimumWidth(SCROLLING_MIN_WIDTH)
    area.setWidget(widget)
    return area


class SidewaysRow(QScrollArea):
    """A row of controls (the stream's filter bar) that scrolls sideways when the window is
    narrower than the row wants, instead of making the window wider; as tall as the row,
    plus the scroll bar while one shows."""

    def __init__(self, row: QWidget, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(SCROLLING_MIN_WIDTH)
        self._row = row  # before setWidget: the scroll area filters the row's events at once
        self.setWidget(row)
        row.installEventFilter(self)  # the row's own changes (a label shown) refit its height
        self._fit_height()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._row and event.type() is QEvent.Type.LayoutRequest:
            self._fit_height()
        return super().eventFilter(watched, event)

    def _fit_height(self) -> None:
        wanted = self._row.minimumSizeHint()
        height = wanted.height()
        if wanted.width() > self.width():
            height += self.horizontalScrollBar().sizeHint().height()
        if height != self.height():
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()


class MentionColumn(QWidget):
    """The selected mention's column: its parts stacked, in a frame that scrolls up and down.
    Its least width is set, not taken from its parts, so what they show (prompts, boxes, long
    lines) never widens the window; its least height is what its parts need, so when the
    window is short (half a screen, the column under the list) it scrolls instead of
    squeezing the reply editor and the prompts to a line."""

    def __init__(self, parts: list[tuple[QWidget, int]]) -> None:
        super().__init__()
        self.setObjectName("mentionColumn")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget, stretch in parts:
            layout.addWidget(widget, stretch)
        self.setMinimumSize(1, layout.minimumSize().height())
        self.frame = QScrollArea()
        self.frame.setObjectName("mentionColumnFrame")
        self.frame.setWidgetResizable(True)
        self.frame.setFrameShape(QFrame.Shape.NoFrame)
        self.frame.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frame.setMinimumSize(1, 1)
        self.frame.setWidget(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._follow_focus)

    def add_part(self, widget: QWidget, stretch: int) -> None:
        """A part that came after the window was shown (the composer, the handoffs), under
        those already there."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addWidget(widget, stretch)
        self.setMinimumHeight(layout.minimumSize().height())

    def _follow_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Scroll to the part that takes the keyboard (Go to the reply editor), however it
        got it."""
        if new is not None and self.isAncestorOf(new):
            self.reveal(new)

    def reveal(self, part: QWidget) -> None:
        """Scroll so that `part` (one of the column's widgets) is in view."""
        self.frame.ensureWidgetVisible(part)

    def event(self, event: QEvent) -> bool:
        if event.type() is QEvent.Type.LayoutRequest:
            # A part changed what it needs (prompts appeared): follow its height, never its
            # width.
            layout = self.layout()
            if layout is not None:
                self.setMinimumHeight(layout.minimumSize().height())
        return super().event(event)


class StreamColumns(QSplitter):
    """The list beside (or, when narrow, above) the mention's column."""

    def __init__(self, stream_view: QWidget, mention_column: MentionColumn) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.setObjectName("streamColumns")
        self.stream_view = stream_view
        self.mention_column = mention_column
        stream_view.setMinimumWidth(STREAM_MIN_WIDTH)
        self.addWidget(stream_view)
        self.addWidget(mention_column.frame)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)
        self.setChildrenCollapsible(False)
        self.setSizes([900, 440])
        self._saved: QByteArray | None = None  # the rep's sizes, put back once laid out

    def side_by_side_width(self) -> int:
        """The least width at which the two columns stand side by side."""
        return STREAM_MIN_WIDTH + self.handleWidth() + MENTION_COLUMN_WIDTH

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_orientation()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)  # after the first resize: the sizes are the window's now
        if self._saved is not None:
            saved, self._saved = self._saved, None
            self.restoreState(saved)
            self._fit_orientation()

    def _fit_orientation(self) -> None:
        wanted = (
            Qt.Orientation.Horizontal
            if self.width() >= self.side_by_side_width()
            else Qt.Orientation.Vertical
        )
        if wanted is self.orientation():
            if wanted is Qt.Orientation.Horizontal:
                self._keep_mention_column()
            return
        self.setOrientation(wanted)
        if wanted is Qt.Orientation.Vertical:
            stream = round(self.height() * STACKED_STREAM_SHARE)
            self.setSizes([stream, self.height() - stream])
        else:
            self.setSizes([self.width() - MENTION_COLUMN_WIDTH, MENTION_COLUMN_WIDTH])

    def _keep_mention_column(self) -> None:
        """Side by side, the mention's column keeps its width when the window narrows (a dock
        opened): the list, above its least width, gives way first."""
        stream, column = self.sizes()
        if column < MENTION_COLUMN_WIDTH and stream > STREAM_MIN_WIDTH:
            given = min(MENTION_COLUMN_WIDTH - column, stream - STREAM_MIN_WIDTH)
            self.setSizes([stream - given, column + given])

    def restore(self, state: QByteArray) -> None:
        """Sizes the rep left (Qt's saved state), put back when the window shows (sizes set
        before it is laid out are scaled to a size it does not have yet); the orientation
        still follows the width. A state Qt does not accept is ignored."""
        self._saved = state
