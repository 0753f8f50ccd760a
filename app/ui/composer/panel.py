"""The reply composer panel: lays out the composer's parts, renders what its presenter announces
(through the bridge's signals) and hands what the rep does to the presenter. What any of it
means — drafts, the cool-off, conflicts — is `app.client.composer.presenter`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.client.composer.display import ComposerMessage, CounterLevel
from app.client.composer.prompting import ToneCheck
from app.client.composer.state import ComposerState
from app.client.stream.rows import MentionRow
from app.client.stream.viewer import Viewer
from app.common.tasks import TaskKeeper
from app.ui.composer.approval import ApprovalBox
from app.ui.composer.breath import BreathBox
from app.ui.composer.bridge import ComposerBridge
from app.ui.composer.canned import CannedButton
from app.ui.composer.conflict import ConflictBox, DraftConflictBox
from app.ui.composer.countdown import CountdownBar
from app.ui.composer.editor import ReplyEditor
from app.ui.composer.prompts import PromptList
from app.ui.composer.send_bar import SendBar
from app.ui.composer.unanswerable import UnanswerableBox
from app.ui.qt import theme
from app.ui.qt.recolour import follow_palette
from app.ui.qt.theme import Role

if TYPE_CHECKING:
    from app.tone import Finding

CHECK_DELAY_MS = 150
SPACING = 5

WRITE_HINT = "Write your reply. Prompts appear as you type; Ctrl+Enter sends after the cool-off."
SELECT_HINT = "Select a mention to reply to it."
# The character count's theme role and weight at each level.
COUNTER_STYLES = {
    CounterLevel.PLAIN: (Role.SUBTLE_TEXT, "normal"),
    CounterLevel.NEAR: (Role.COUNTER_NEAR, "normal"),
    CounterLevel.OVER: (Role.ERROR_TEXT, "bold"),
}


async def _uncancelled(action: Coroutine[Any, Any, None]) -> None:
    # A rep's action cancelled at quit ends quietly (qasync would report CancelledError).
    with contextlib.suppress(asyncio.CancelledError):
        await action


class ComposerPanel(QFrame):
    """Writes one reply at a time, to the mention the main window shows."""

    checkCompleted = Signal(object)  # ToneReport: the prompts now match the text
    typed = Signal()  # the rep changed the reply's text (presence: "typing")

    def __init__(
        self,
        bridge: ComposerBridge,
        *,
        check_delay_ms: int = CHECK_DELAY_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.service = bridge.service  # the manager's reply library refreshes it after edits
        self.presenter = bridge.presenter
        self.check_enabled = True
        self._loading = False  # putting the presenter's text on screen: not the rep's typing
        self._tasks = TaskKeeper("composer panel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Reply composer")

        self.heading = QLabel("Reply")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.account_label = QLabel("")
        self.account_label.setAccessibleName("Replying as")
        self.account_label.setTextFormat(Qt.TextFormat.PlainText)
        # Long headings and account sentences wrap: they never widen the window's column.
        for label in (self.heading, self.account_label):
            label.setWordWrap(True)
        self.draft_conflict = DraftConflictBox()
        self.conflict = ConflictBox(self.presenter.handoff_teams)
        self.breath = BreathBox()
        self.unanswerable = UnanswerableBox()
        self.approval = ApprovalBox()
        # A quiet word about colleagues on the same mention ("Dana owns this mention"): set
        # by the together feature while the rep types, before any cool-off starts.
        self.colleagues = QLabel("")
        self.colleagues.setWordWrap(True)
        self.colleagues.setTextFormat(Qt.TextFormat.PlainText)
        self.colleagues.setAccessibleName("Colleagues on this mention")
        self.colleagues.hide()
        self.editor = ReplyEditor()
        self.canned_button = CannedButton()
        self.canned_menu = self.canned_button.entries
        self.sign_box = QCheckBox("Sign")
        self.sign_box.setToolTip("Add your initials, e.g. ^DK, so customers know who answered.")
        self.counter = QLabel("")
        self.counter.setAccessibleName("Characters")
        self.prompts = PromptList()
        self.prompts.hide()
        self.countdown = CountdownBar(self.presenter.countdown)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName("Composer message")
        self.message.hide()
        self.send_bar = SendBar(spacing=SPACING)
        self._counter_level = CounterLevel.PLAIN
        self._message_error = False
        self._lay_out()
        follow_palette(self._paint_styles)

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(check_delay_ms)
        self._connect_signals()
        self._render_state()

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.account_label)
        tools = QHBoxLayout()
        tools.addWidget(self.canned_button)
        tools.addWidget(self.sign_box)
        tools.addStretch(1)
        tools.addWidget(self.counter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(SPACING)
        layout.addLayout(top)
        layout.addWidget(self.draft_conflict)
        layout.addWidget(self.conflict)
        layout.addWidget(self.breath)
        layout.addWidget(self.unanswerable)
        layout.addWidget(self.colleagues)
        layout.addWidget(self.editor, 1)
        layout.addLayout(tools)
        layout.addWidget(self.prompts)
        layout.addWidget(self.approval)
        layout.addWidget(self.countdown)
        layout.addWidget(self.message)
        layout.addWidget(self.send_bar)

    # --- colours: theme roles, set again when the scheme turns light or dark --------------

    def _paint_styles(self) -> None:
        role, weight = COUNTER_STYLES[self._counter_level]
        message = Role.ERROR_TEXT if self._message_error else Role.MESSAGE_TEXT
        for label, style in (
            (self.account_label, theme.text_style(Role.SUBTLE_TEXT)),
            (self.counter, theme.text_style(role, f"font-weight: {weight};")),
            (self.message, theme.text_style(message)),
        ):
            if style != label.styleSheet():  # a new style sheet changes the palette again
                label.setStyleSheet(style)

    # --- wiring --------------------------------------------------------------------------

    def _connect_signals(self) -> None:
        presenter, bridge = self.presenter, self.bridge
        # typing: save the draft, count, and check after a pause
        self.editor.textChanged.connect(self._text_changed)
        self.sign_box.toggled.connect(self._sign_toggled)
        self._check_timer.timeout.connect(self.run_check)
        # prompts and the take-a-breath state
        self.prompts.dismissed.connect(presenter.dismiss)
        self.prompts.useSuggestion.connect(self.use_suggestion)
        self.breath.offerRequested.connect(lambda: self._append(presenter.offline_offer()))
        # canned replies and the playbook, on one key each
        self.canned_button.insertRequested.connect(self.insert_canned)
        for digit in range(1, 10):
            key = self._shortcut(f"Alt+{digit}")
            key.activated.connect(lambda n=digit: self.insert_canned(n - 1))
        # the rep's actions: the presenter's, each run as a task of this panel
        self._act(self._shortcut("Ctrl+Return").activated, presenter.send)
        self._act(self.send_bar.sendRequested, presenter.send)
        self._act(self.countdown.updateRequested, presenter.update_reply)
        self._act(self.countdown.cancelRequested, presenter.cancel_reply)
        self._act(self.countdown.sendNowRequested, presenter.send_now)
        self._act(self.conflict.chosen, lambda c, team: presenter.choose(c, to_team=team))
        self._act(self.draft_conflict.settled, presenter.settle_draft)
        self._act(self.send_bar.resolveRequested, presenter.resolve)
        self._act(self.approval.askRequested, presenter.ask_manager)
        # what the presenter shows
        bridge.stateChanged.connect(self._render_state)
        bridge.rowChanged.connect(self._render_heading)
        bridge.textReplaced.connect(self._replace_text)
        bridge.accountChanged.connect(self.account_label.setText)
        bridge.accountChanged.connect(self._render_route)
        bridge.messageChanged.connect(self._say)
        bridge.draftConflictChanged.connect(self.draft_conflict.ask)
        bridge.checked.connect(self._show_check)
        bridge.approvalChanged.connect(self.approval.show_view)
        bridge.cannedChanged.connect(self.canned_button.set_canned)

    def _shortcut(self, keys: str) -> QShortcut:
        shortcut = QShortcut(QKeySequence(keys), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        return shortcut

    def _act(
        self, signal: SignalInstance, action: Callable[..., Coroutine[Any, Any, None]]
    ) -> None:
        """Run `action` (with the signal's arguments) whenever `signal` fires."""
        signal.connect(lambda *args: self.start(action(*args)))

    def start(self, action: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run one of the rep's actions, kept until it ends (cancelled at quit)."""
        return self._tasks.spawn(_uncancelled(action))

    # --- which mention (the shell calls these) -------------------------------------------

    def viewer_changed(self, viewer: Viewer) -> None:
        self.presenter.viewer_changed(viewer)
        mark = self.presenter.mark
        self.sign_box.setText(f"Sign ^{mark}" if mark else "Sign")
        self.sign_box.setEnabled(bool(mark))

    def rows_changed(self, rows: list[MentionRow]) -> None:
        self.presenter.rows_changed(rows)

    def show_mention(self, row: MentionRow | None) -> asyncio.Task[None] | None:
        """Follow the main window's selection: save the old draft, open this one's."""
        return self.presenter.show_mention(row)

    async def opened(self) -> None:
        """Wait until the shown mention's draft is on screen (screenshots and tests)."""
        await self.presenter.opened()

    async def aclose(self) -> None:
        await self._tasks.aclose()
        await self.presenter.aclose()

    # --- the text ------------------------------------------------------------------------

    def _text_changed(self) -> None:
        typed = not self._loading and self.presenter.edited(self.editor.toPlainText())
        self._render_counter()
        if typed:  # the rep's keystrokes (not a draft loading, nor the editor emptied after a send)
            self.typed.emit()
        if typed and self.check_enabled:
            self._check_timer.start()

    def _sign_toggled(self, signed: bool) -> None:
        typed = self.presenter.sign(signed)
        self._render_counter()
        if typed and self.check_enabled:
            self._check_timer.start()

    def _replace_text(self, text: str) -> None:
        self._loading = True
        try:
            self.editor.replace_text(text)
        finally:
            self._loading = False
        self._render_counter()

    def run_check(self) -> None:
        """Check the text now and show the prompts (the typing timer runs this)."""
        self.presenter.check_now()

    def use_suggestion(self, finding: Finding) -> None:
        """Add the suggested sentence at the end; the marked words stay for the rep to fix."""
        sentence = self.presenter.suggestion(finding)
        if sentence:
            self._append(sentence)

    def _append(self, sentence: str) -> None:
        self.editor.append_sentence(sentence)
        self.run_check()

    def insert_canned(self, index: int) -> bool:
        entry = self.canned_button.entry(index)
        if self.presenter.row is None or entry is None:
            return False
        self.editor.insert_at_cursor(entry.body)
        return True

    # --- rendering -----------------------------------------------------------------------

    def _render_heading(self, *_: object) -> None:
        self.heading.setText(self.presenter.heading())

    def _render_counter(self) -> None:
        counter = self.presenter.counter()
        if counter is None:
            self.counter.setText("")
            return
        self.counter.setText(counter.text)
        self._counter_level = counter.level
        self._paint_styles()

    def _render_state(self, *_: object) -> None:
        presenter = self.presenter
        has_mention = presenter.row is not None
        self.editor.setEnabled(has_mention)
        self.editor.setPlaceholderText(WRITE_HINT if has_mention else SELECT_HINT)
        state = presenter.state
        self.editor.setReadOnly(state is ComposerState.POSTING)
        self.send_bar.send_button.setEnabled(
            state is ComposerState.WRITING and presenter.answerable
        )
        self.canned_button.setEnabled(has_mention)
        self.send_bar.resolve_button.setEnabled(has_mention)
        self.countdown.run(state is ComposerState.COUNTING)
        self.conflict.setVisible(state is ComposerState.CONFLICT)
        if state is ComposerState.CONFLICT:
            conflict = presenter.conflict()
            if conflict is not None:
                self.conflict.show_conflict(conflict)
        self._render_route()
        self._render_heading()

    def _render_route(self, *_: object) -> None:
        """A mention no brand account can answer: say why, offer its page on the site; the
        editor stays open for a draft (Send follows `answerable` in `_render_state`)."""
        presenter = self.presenter
        unanswerable = presenter.unanswerable if presenter.row is not None else None
        self.unanswerable.show_problem(unanswerable, presenter.site_url)

    def _show_check(self, check: ToneCheck) -> None:
        self._check_timer.stop()
        self.prompts.show_findings(check.findings)
        self.breath.setVisible(check.take_a_breath)
        self.editor.underline(check.findings)
        if check.report is not None:
            self.checkCompleted.emit(check.report)

    def _say(self, message: ComposerMessage) -> None:
        self.message.setText(message.text)
        self._message_error = message.error
        self._paint_styles()
        self.message.setVisible(bool(message.text))
