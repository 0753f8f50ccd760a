"""The page banner: the oldest on-call page waiting for me — what arrived, the mentions it names
(each opens in the stream), when it passes on — with "Acknowledge" and "Acknowledge and go on
duty" (the latter only while I am not on duty). It stays until no page waits for me."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app.client.team import paging_words as words
from app.models.on_call_schemas import PagePublic
from app.ui.qt import theme
from app.ui.qt.recolour import follow_palette
from app.ui.qt.theme import Role

SHOWN_MENTIONS = 3


class PageBanner(QFrame):
    acknowledgeRequested = Signal(int, bool)  # page id, take the watch
    openRequested = Signal(int)  # mention id

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("page")
        self.page: PagePublic | None = None
        self.waiting = 0
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.deadline = QLabel()
        self.deadline.setTextFormat(Qt.TextFormat.PlainText)
        self.deadline.setWordWrap(True)
        # One button per named mention: keyboard-reachable, its text plain (a stranger's words).
        self.mention_row = QVBoxLayout()
        self.mention_row.setSpacing(0)
        self.mention_buttons: list[QPushButton] = []
        self.acknowledge_button = QPushButton(words.ACKNOWLEDGE)
        self.acknowledge_button.setToolTip(words.ACKNOWLEDGE_HELP)
        self.acknowledge_button.setAccessibleName("Acknowledge the page")
        self.acknowledge_button.clicked.connect(lambda: self._acknowledge(False))
        self.watch_button = QPushButton(words.ACKNOWLEDGE_AND_GO_ON_DUTY)
        self.watch_button.setToolTip(words.ACKNOWLEDGE_AND_GO_ON_DUTY_HELP)
        self.watch_button.setAccessibleName("Acknowledge the page and go on duty")
        self.watch_button.clicked.connect(lambda: self._acknowledge(True))
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title)
        text.addLayout(self.mention_row)
        text.addWidget(self.deadline)
        buttons = QVBoxLayout()
        buttons.setSpacing(4)
        buttons.addWidget(self.watch_button)
        buttons.addWidget(self.acknowledge_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.addLayout(text, 1)
        layout.addLayout(buttons, 0)
        follow_palette(self._paint_style)
        self.hide()

    def _paint_style(self) -> None:
        bg, fg = theme.name(Role.PAGE_BANNER), theme.name(Role.PAGE_BANNER_TEXT)
        style = (
            f"QFrame#page {{ background: {bg}; border: 2px solid {fg}; border-radius: 4px; }}"
            f" QFrame#page QLabel {{ color: {fg}; }}"
            f' QFrame#page QPushButton[mention="true"] {{ color: {fg}; border: none;'
            " text-align: left; text-decoration: underline; padding: 1px 0; }"
        )
        if style != self.styleSheet():  # a new style sheet changes the palette again
            self.setStyleSheet(style)

    def show_page(self, page: PagePublic | None, waiting: int = 0, *, on_duty: bool) -> None:
        """Show the page (and how many more wait), or hide when there is none."""
        self.page = page
        self.waiting = waiting
        if page is None:
            self.hide()
            return
        self.title.setText(words.page_title(page))
        deadline = words.page_deadline(page)
        if more := words.more_waiting(waiting):
            deadline += " " + more
        self.deadline.setText(deadline)
        self._show_mentions(page)
        self.watch_button.setVisible(not on_duty)
        for button in (self.acknowledge_button, self.watch_button):
            button.setEnabled(True)
        self.setAccessibleName(words.page_title(page))
        self.setAccessibleDescription(words.page_message(page))
        self.show()

    def _show_mentions(self, page: PagePublic) -> None:
        for button in self.mention_buttons:
            self.mention_row.removeWidget(button)
            button.deleteLater()
        self.mention_buttons = []
        for mention in page.mentions[:SHOWN_MENTIONS]:
            # A button's text is never rich text; "&" would be read as a shortcut mark.
            button = QPushButton(words.mention_line(mention).replace("&", "&&"))
            button.setProperty("mention", True)
            button.setFlat(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(f"{words.OPEN_MENTION} #{mention.id} in the stream")
            button.setAccessibleName(f"{words.OPEN_MENTION} mention #{mention.id}")
            button.clicked.connect(lambda _=False, i=mention.id: self.openRequested.emit(i))
            self.mention_row.addWidget(button)
            self.mention_buttons.append(button)

    def _acknowledge(self, take_watch: bool) -> None:
        if self.page is not None:
            # Until the server answers (show_page enables them again).
            for button in (self.acknowledge_button, self.watch_button):
                button.setEnabled(False)
            self.acknowledgeRequested.emit(self.page.id, take_watch)

    def enable(self) -> None:
        """The acknowledgement did not go through: the buttons again."""
        for button in (self.acknowledge_button, self.watch_button):
            button.setEnabled(True)
