"""The selected mention: who wrote what, its state, the action buttons, the conversation thread
and the history of what happened to it. Content from networks is shown as plain text only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal, SignalInstance
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.client.stream.decisions import decision_for
from app.client.stream.entries import ActionKind, OutboxEntry
from app.client.stream.response_clock import read_clock
from app.client.stream.rows import MentionRow
from app.client.stream.words import (
    ReplyLine,
    outbox_reply_words,
    pending_words,
    routed_words,
    sent_reply_words,
)
from app.ui.qt import theme
from app.ui.qt.plain import plain_tooltip
from app.ui.stream.delegate import CLOCK_ROLES
from app.ui.stream.outbox_decision import OutboxDecisionBox

if TYPE_CHECKING:
    from app.models.schemas import MentionDetail


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%d %b %Y %H:%M")


def _short_when(moment: datetime) -> str:
    return moment.astimezone().strftime("%d %b %H:%M")


def isolate(text: str) -> str:
    """Wrap text written by strangers in a Unicode bidi isolate, so a right-to-left name does
    not reorder the words around it."""
    return f"\u2068{text}\u2069"


LTR = "\u200e"  # our own sentences read left to right whatever they quote


MIN_LIST_HEIGHT = 64  # a few lines: readable, and the composer below still fits
LINK_ROLE = Qt.ItemDataRole.UserRole  # a reply's post on the network
STATE_ROLE = Qt.ItemDataRole.UserRole + 1  # a reply's state in words


class MentionDetailPane(QWidget):
    """Shows one mention; the buttons ask the window to act (claim, release, resolve, snooze)."""

    claimRequested = Signal(int)
    releaseRequested = Signal(int)
    resolveRequested = Signal(int)
    snoozeRequested = Signal(int)
    detailShown = Signal()  # the thread and history of the shown mention are on screen

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self.setAccessibleName("Selected mention")
        self._row: MentionRow | None = None
        self._detail: MentionDetail | None = None
        self._outbox: list[OutboxEntry] = []
        self._me: int | None = None
        self._is_manager = False

        self.heading = QLabel("No mention selected")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)

        self.meta = QLabel("Select a mention in the stream to see it here.")
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.meta.setWordWrap(True)
        self.meta.setAccessibleName("Mention state")

        # Why the mention is where it is (routing's reason), and its response clock in the
        # stream's Due colours.
        self.routing = QLabel()
        self.routing.setTextFormat(Qt.TextFormat.PlainText)
        self.routing.setWordWrap(True)
        self.routing.setAccessibleName("Why it is here")
        self.routing.hide()
        self.clock_line = QLabel()
        self.clock_line.setTextFormat(Qt.TextFormat.PlainText)
        self.clock_line.setWordWrap(True)
        self.clock_line.setAccessibleName("Response time")
        self.clock_line.hide()

        # Who else is on the mention ("Dana is typing…"): set by the together feature.
        self.presence_line = QLabel()
        self.presence_line.setTextFormat(Qt.TextFormat.PlainText)
        self.presence_line.setWordWrap(True)
        self.presence_line.setAccessibleName("Who else is here")
        self.presence_line.hide()

        # Said when the shown mention left the stream's current filter (e.g. just claimed).
        self.left_view = QLabel()
        self.left_view.setTextFormat(Qt.TextFormat.PlainText)
        self.left_view.setWordWrap(True)
        self.left_view.setAccessibleName("Not in this view")
        font = self.left_view.font()
        font.setItalic(True)
        self.left_view.setFont(font)
        self.left_view.hide()

        # A queued action of the rep's that a colleague's change stopped: do it anyway or drop.
        self.decision = OutboxDecisionBox()

        self.body = QPlainTextEdit()
        self.body.setReadOnly(True)
        self.body.setAccessibleName("Mention text")
        self.body.setFrameShape(QFrame.Shape.StyledPanel)
        self.body.setMaximumHeight(120)
        self.body.setTabChangesFocus(True)

        # No Alt+letters here: the window's menus own them, and each of these has its
        # Ctrl+Shift key (Mention menu).
        self.claim_button = QPushButton("Claim")
        self.release_button = QPushButton("Release")
        self.resolve_button = QPushButton("Resolve")
        self.snooze_button = QPushButton("Snooze 1 h")
        buttons = QHBoxLayout()
        for button, name in (
            (self.claim_button, "Claim the selected mention"),
            (self.release_button, "Release the selected mention"),
            (self.resolve_button, "Resolve the selected mention"),
            (self.snooze_button, "Snooze the selected mention for one hour"),
        ):
            button.setAccessibleName(name)
            button.setEnabled(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.claim_button.clicked.connect(lambda: self._request(self.claimRequested))
        self.release_button.clicked.connect(lambda: self._request(self.releaseRequested))
        self.resolve_button.clicked.connect(lambda: self._request(self.resolveRequested))
        self.snooze_button.clicked.connect(lambda: self._request(self.snoozeRequested))

        self.thread_label = QLabel("Conversation")
        self.thread_view = QTreeWidget()
        self.thread_view.setHeaderLabels(["From", "Text"])
        self.thread_view.setRootIsDecorated(False)
        self.thread_view.setWordWrap(True)
        self.thread_view.setAccessibleName("Conversation thread")
        self.thread_view.setMinimumHeight(MIN_LIST_HEIGHT)
        self.thread_view.setColumnWidth(0, 130)
        # A sent reply's link opens with a double click or Enter.
        self.thread_view.itemActivated.connect(self._open_link)
        self.history_label = QLabel("History")
        self.history_view = QTreeWidget()
        self.history_view.setHeaderLabels(["When", "What happened"])
        self.history_view.setRootIsDecorated(False)
        self.history_view.setWordWrap(True)
        self.history_view.setAccessibleName("Mention history")
        self.history_view.setMinimumHeight(MIN_LIST_HEIGHT)
        # Both take the room left once the mention and the composer below have theirs (a
        # list's preferred size would push the composer out of the column).
        for view in (self.thread_view, self.history_view):
            view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.history_view.setColumnWidth(0, 95)
        self.history_view.itemActivated.connect(self._open_link)
        # The rep drags the line between the conversation and the history.
        lists = QSplitter(Qt.Orientation.Vertical)
        lists.setChildrenCollapsible(False)
        self.lists = lists  # features add their sections below (add_section)
        for label, view in (
            (self.thread_label, self.thread_view),
            (self.history_label, self.history_view),
        ):
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.addWidget(label)
            box_layout.addWidget(view, 1)
            lists.addWidget(box)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.heading)
        layout.addWidget(self.meta)
        layout.addWidget(self.routing)
        layout.addWidget(self.clock_line)
        layout.addWidget(self.presence_line)
        layout.addWidget(self.left_view)
        layout.addWidget(self.body)
        layout.addLayout(buttons)
        layout.addWidget(self.decision)
        layout.addWidget(lists, 1)

    def add_section(self, section: QWidget) -> None:
        """A feature's section under the conversation and the history (the notes)."""
        self.lists.addWidget(section)

    @property
    def shown_detail(self) -> MentionDetail | None:
        """The detail last shown (its notes, its presence), or None."""
        return self._detail

    def show_presence(self, text: str) -> None:
        """Who else is on the shown mention, in words ("" hides the line)."""
        self.presence_line.setText(text)
        self.presence_line.setVisible(bool(text))

    @property
    def mention_id(self) -> int | None:
        return self._row.id if self._row else None

    @property
    def row(self) -> MentionRow | None:
        """The shown mention as last known."""
        return self._row

    def say_left_view(self, text: str) -> None:
        """A line saying the shown mention left the stream's view; empty hides it."""
        self.left_view.setText(text)
        self.left_view.setVisible(bool(text))

    def _request(self, signal: SignalInstance) -> None:
        if self._row is not None:
            signal.emit(self._row.id)

    def show_row(self, row: MentionRow | None, my_user_id: int | None) -> None:
        """Show what the stream knows at once; `show_detail` adds thread and history later."""
        previous = self._row.id if self._row else None
        self._row = row
        self._me = my_user_id
        self._show_decision()
        if row is None:
            self._detail = None
            self.heading.setText("No mention selected")
            self.meta.setText("Select a mention in the stream to see it here.")
            self.routing.hide()
            self.clock_line.hide()
            self.body.setPlainText("")
            self.thread_view.clear()
            self.history_view.clear()
            for button in self._buttons():
                button.setEnabled(False)
            return
        demo = "  [DEMO]" if row.is_demo else ""
        name = isolate(row.author_name or row.author_handle)
        self.heading.setText(f"{LTR}{name}  {isolate(row.handle)}{demo}")
        owner = row.assignee_name or "nobody"
        waiting = pending_words(row.pending_action)
        pending = f" · {waiting}" if waiting else ""
        urgent = " · URGENT" if row.is_urgent else ""
        self.meta.setText(
            f"{row.network.value.capitalize()} · {_when(row.created_at)} · "
            f"priority {row.priority:.0f}{urgent} · {row.status.value} · owner: {owner}{pending}"
        )
        self._show_routing(row)
        if self.body.toPlainText() != row.text:
            self.body.setPlainText(row.text)
        mine = row.assignee_id is not None and row.assignee_id == my_user_id
        self.claim_button.setEnabled(row.status.is_open and not mine)
        self.release_button.setEnabled(row.assignee_id is not None and row.status.is_open)
        self.resolve_button.setEnabled(row.status.is_open)
        self.snooze_button.setEnabled(row.status.is_open)
        if previous != row.id:
            self._detail = None
            self.thread_view.clear()
            self.history_view.clear()

    def _show_routing(self, row: MentionRow) -> None:
        self.routing.setText(f"Routing: {routed_words(row)}" if row.routed_reason else "")
        self.routing.setVisible(bool(row.routed_reason))
        clock = read_clock(row, self._clock())
        self.clock_line.setText(clock.sentence if clock is not None else "")
        self.clock_line.setVisible(clock is not None)
        palette = self.palette()
        role = CLOCK_ROLES.get(clock.state) if clock is not None else None
        if role is not None:
            palette.setColor(QPalette.ColorRole.WindowText, theme.color(role, palette))
        self.clock_line.setPalette(palette)

    def _buttons(self) -> tuple[QPushButton, ...]:
        return (self.claim_button, self.release_button, self.resolve_button, self.snooze_button)

    @staticmethod
    def _note(view: QTreeWidget, text: str) -> None:
        """A sentence across the whole list (e.g. why it is empty)."""
        item = QTreeWidgetItem([text])
        view.addTopLevelItem(item)
        item.setFirstColumnSpanned(True)
        item.setDisabled(True)

    def show_outbox(self, entries: list[OutboxEntry]) -> None:
        """The console's outbox changed: the shown mention's waiting reply and the decision
        asked about its stopped action follow it."""
        self._outbox = entries
        self._show_decision()
        if self._row is not None:
            self._show_conversation()

    def set_viewer(self, my_user_id: int | None, is_manager: bool) -> None:
        """Who is looking: whether "Do it anyway" can work depends on it."""
        self._me, self._is_manager = my_user_id, is_manager
        self._show_decision()

    def _show_decision(self) -> None:
        row = self._row
        decision = (
            decision_for(self._outbox, row.id, me=self._me, is_manager=self._is_manager)
            if row is not None
            else None
        )
        self.decision.show_decision(decision)

    def show_detail(self, detail: MentionDetail | None) -> None:
        """The shown mention's thread and history; None (the server did not answer) keeps
        what was last shown of this mention rather than blanking it when the console goes
        offline."""
        if detail is None and self._detail is not None and self._detail.id == self.mention_id:
            self.detailShown.emit()
            return
        self._detail = detail
        self.history_view.clear()
        self._show_conversation()
        if detail is None:
            self.detailShown.emit()
            return
        for entry in detail.history:
            item = QTreeWidgetItem([_short_when(entry.at), entry.summary])
            item.setToolTip(1, plain_tooltip(entry.summary))
            self.history_view.addTopLevelItem(item)
        if not detail.history:
            self._note(self.history_view, "No history yet.")
        self.detailShown.emit()

    def _show_conversation(self) -> None:
        """The thread's posts, then the replies: the server's (sending, sent with the link to
        the post, failed with the reason) and the one still on this console."""
        view, detail, row = self.thread_view, self._detail, self._row
        view.clear()
        mine = [
            e
            for e in self._outbox
            if row is not None and e.mention_id == row.id and e.kind is ActionKind.REPLY
        ]
        if detail is None or row is None or detail.id != row.id:
            self._note(view, "The thread shows when the server answers.")
        else:
            for post in detail.thread:
                author = "@" + post.author.handle.lstrip("@")
                view.addTopLevelItem(
                    QTreeWidgetItem([f"{author}\n{_short_when(post.created_at)}", post.text])
                )
            counting_here = {str(e.payload.get("client_id")) for e in mine}
            for reply in detail.replies:
                if reply.client_id in counting_here:
                    continue  # held by the server and counting down here: shown once, below
                line = sent_reply_words(reply)
                when = reply.sent_at or reply.created_at
                self._add_reply(f"{reply.author.name} (reply)", reply.body, _short_when(when), line)
            if not detail.thread and not detail.replies and not mine:
                self._note(view, "No other posts in this thread.")
        for entry in mine:
            body = str(entry.payload.get("body", ""))
            queued = _short_when(entry.created_at)
            self._add_reply("You (reply)", body, queued, outbox_reply_words(entry))

    def _add_reply(self, author: str, body: str, when: str, line: ReplyLine) -> None:
        state = f"{line.state}: {line.url}" if line.url else line.state
        # The state first: a long reply is cut short, its state never.
        item = QTreeWidgetItem([f"{author}\n{when}", f"→ {state}\n{body}"])
        item.setToolTip(1, plain_tooltip(state))
        item.setData(1, STATE_ROLE, state)
        if line.url:
            item.setData(1, LINK_ROLE, line.url)
        self.thread_view.addTopLevelItem(item)

    def _items(self) -> list[QTreeWidgetItem]:
        view = self.thread_view
        items = (view.topLevelItem(i) for i in range(view.topLevelItemCount()))
        return [item for item in items if item is not None]

    def reply_states(self) -> list[str]:
        """The state of each reply in the conversation, in order (what the rep reads)."""
        states = (item.data(1, STATE_ROLE) for item in self._items())
        return [s for s in states if isinstance(s, str)]

    def reply_link(self, state: str) -> str | None:
        """The link of the reply shown with this state (None: none)."""
        for item in self._items():
            if item.data(1, STATE_ROLE) == state:
                url = item.data(1, LINK_ROLE)
                return url if isinstance(url, str) else None
        return None

    @staticmethod
    def _open_link(item: QTreeWidgetItem, _column: int) -> None:
        url = item.data(1, LINK_ROLE)
        if isinstance(url, str) and url:
            QDesktopServices.openUrl(QUrl(url))


class PlaceholderPanel(QFrame):
    """A labelled, empty area where a later feature (composer, handoffs) will live."""

    def __init__(self, title: str, explanation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(title)
        heading = QLabel(title)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        text = QLabel(explanation)
        text.setWordWrap(True)
        text.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(heading)
        layout.addWidget(text)
