"""The reply composer panel: the text, tone prompts that follow the typing (debounced, never in
the way of a keystroke), the network's character counter, canned replies and the playbook on one
key, the brand account the reply goes out as, initials, Send with its cool-off countdown
(edit / cancel / send now), the "take a breath" state, conflicts with a colleague's reply, and
resolving with a check-back. `install_composer` puts it where the main window's placeholder was.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Coroutine, Sequence
from dataclasses import replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.client.composer.cooling import ConflictChoice, CoolingReply, CoolingState
from app.client.composer.drafts import DraftConflict, LocalDraft
from app.client.composer.policy import SendRefused
from app.client.composer.service import DEFAULT_FOLLOW_UP_DAYS, ReplyFate, ReplyOutcome
from app.client.stream.rows import MentionRow
from app.client.stream.session import ActionResult, Viewer
from app.common.tasks import TaskKeeper
from app.models.composer import CannedKind, CannedPublic
from app.models.enums import Network
from app.models.schemas import ReplyPublic
from app.ui.composer.bridge import ComposerBridge
from app.ui.composer.prompts import PromptDismissals, PromptList, insertable

if TYPE_CHECKING:
    from app.tone import Finding, ToneReport
    from app.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)

CHECK_DELAY_MS = 150
COUNTDOWN_REFRESH_MS = 250
BREATH_CODES = frozenset({"heat", "blame"})

BREATH_TEXT = (
    "Take a breath. Parts of this reply read as heated or blaming (underlined). Step away "
    "from it for a minute — it will wait. Then try the three A's: acknowledge what went "
    "wrong, apologise for their trouble, and say what you will do. Offer to continue by DM, "
    "email or phone rather than arguing in public."
)
NETWORK_NAMES = {
    Network.MASTODON: "Mastodon",
    Network.BLUESKY: "Bluesky",
    Network.X: "X",
    Network.FEED: "feed",
    Network.WEBHOOK: "webhook",
    Network.DEMO: "demo",
}


# Posts the brand cannot answer in place (a blog, a review site): said before the rep writes.
NOT_ANSWERABLE_HERE = {
    Network.FEED: "A feed post cannot be answered from here: open its link and reply there. "
    "You can still draft your answer here.",
}


class ComposerState(StrEnum):
    NO_MENTION = "no_mention"
    WRITING = "writing"
    COUNTING = "counting"  # sent: the cool-off runs (edit, cancel, send now)
    POSTING = "posting"  # the server has it; waiting for the network to confirm
    CONFLICT = "conflict"  # a colleague replied or took it meanwhile
    FAILED = "failed"


def initials(name: str) -> str:
    """ "Dana Kim" → "DK"; "dana" → "D"; "dana.kim-2" → "DK" (words, not numbers)."""
    words = name.replace(".", " ").replace("_", " ").replace("-", " ").split()
    return "".join(w[0].upper() for w in words if w[0].isalpha())[:2]


def _tone() -> Any:
    # The tone checker costs ~1 s to import: load it when the composer first needs it.
    import app.tone

    return app.tone


def _utf16(text: str, index: int) -> int:
    """A Python string index as the UTF-16 position Qt's text cursor uses."""
    return len(text[:index].encode("utf-16-le")) // 2


def _box(name: str, bg: str, fg: str) -> QFrame:
    frame = QFrame()
    frame.setObjectName(name)
    frame.setStyleSheet(
        f"QFrame#{name} {{ background: {bg}; border-radius: 4px; }} QLabel {{ color: {fg}; }}"
    )
    return frame


class ComposerPanel(QFrame):
    """Writes one reply at a time, to the mention the main window shows."""

    checkCompleted = Signal(object)  # ToneReport: the prompts now match the text

    def __init__(
        self,
        bridge: ComposerBridge,
        *,
        check_delay_ms: int = CHECK_DELAY_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.service = bridge.service
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Reply composer")
        self.state = ComposerState.NO_MENTION
        self.row: MentionRow | None = None
        self.draft: LocalDraft | None = None
        self.report: ToneReport | None = None
        self.check_enabled = True
        self.dismissals = PromptDismissals()
        self._viewer: Viewer | None = None
        self._canned: list[CannedPublic] = []
        self._loading = False
        self._tasks = TaskKeeper("ui")
        self._open_task: asyncio.Task[None] | None = None
        self._draft_conflict: DraftConflict | None = None

        # --- widgets ---
        self.heading = QLabel("Reply")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.account_label = QLabel("")
        self.account_label.setAccessibleName("Replying as")
        self.account_label.setTextFormat(Qt.TextFormat.PlainText)
        self.account_label.setStyleSheet("color: #555;")

        self.breath_box = _box("breath", "#FFF4CE", "#4A3A00")
        self.breath_label = QLabel(BREATH_TEXT)
        self.breath_label.setWordWrap(True)
        self.breath_label.setAccessibleName("Take a breath")
        self.offline_offer_button = QPushButton("Add a DM / email offer")
        breath_layout = QVBoxLayout(self.breath_box)
        breath_layout.setContentsMargins(10, 6, 10, 6)
        breath_layout.addWidget(self.breath_label)
        breath_buttons = QHBoxLayout()
        breath_buttons.addStretch(1)
        breath_buttons.addWidget(self.offline_offer_button)
        breath_layout.addLayout(breath_buttons)
        self.breath_box.hide()

        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName("Reply text")
        self.editor.setPlaceholderText("Select a mention to reply to it.")
        self.editor.setTabChangesFocus(True)
        self.editor.setMinimumHeight(64)
        self.editor.setEnabled(False)

        self.counter = QLabel("")
        self.counter.setAccessibleName("Characters")
        self.sign_box = QCheckBox("Sign")
        self.sign_box.setToolTip("Add your initials, e.g. ^DK, so customers know who answered.")
        self.canned_button = QToolButton()
        self.canned_button.setText("Canned && playbook")
        self.canned_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.canned_button.setToolTip("Insert a canned reply or a pre-approved action (Alt+1…9)")
        self.canned_menu = QMenu(self.canned_button)
        self.canned_button.setMenu(self.canned_menu)
        tools = QHBoxLayout()
        tools.addWidget(self.canned_button)
        tools.addWidget(self.sign_box)
        tools.addStretch(1)
        tools.addWidget(self.counter)

        self.prompts = PromptList()
        self.prompts.hide()

        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName("Composer message")
        self.message.hide()

        self.countdown_box = _box("countdown", "#E8F1FB", "#0B3A66")
        self.countdown_label = QLabel("")
        cfont = self.countdown_label.font()
        cfont.setBold(True)
        self.countdown_label.setFont(cfont)
        self.countdown_label.setAccessibleName("Cool-off countdown")
        self.update_button = QPushButton("&Update text")
        self.cancel_button = QPushButton("&Cancel")
        self.send_now_button = QPushButton("Send &now")
        countdown_layout = QHBoxLayout(self.countdown_box)
        countdown_layout.setContentsMargins(10, 6, 6, 6)
        countdown_layout.addWidget(self.countdown_label, 1)
        countdown_layout.addWidget(self.update_button)
        countdown_layout.addWidget(self.cancel_button)
        countdown_layout.addWidget(self.send_now_button)
        self.countdown_box.hide()

        self.conflict_box = _box("conflict", "#FDE7E9", "#5F1119")
        self.conflict_label = QLabel("")
        self.conflict_label.setWordWrap(True)
        self.conflict_label.setTextFormat(Qt.TextFormat.PlainText)
        self.colleague_text = QLabel("")
        self.colleague_text.setWordWrap(True)
        self.colleague_text.setTextFormat(Qt.TextFormat.PlainText)
        self.colleague_text.setStyleSheet("background: white; padding: 6px; border-radius: 3px;")
        self.discard_button = QPushButton("&Discard mine")
        self.anyway_button = QPushButton("Send &anyway")
        self.handoff_button = QToolButton()
        self.handoff_button.setText("&Hand off")
        self.handoff_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.handoff_menu = QMenu(self.handoff_button)
        self.handoff_button.setMenu(self.handoff_menu)
        conflict_layout = QVBoxLayout(self.conflict_box)
        conflict_layout.setContentsMargins(10, 6, 6, 6)
        conflict_layout.addWidget(self.conflict_label)
        conflict_layout.addWidget(self.colleague_text)
        conflict_buttons = QHBoxLayout()
        conflict_buttons.addStretch(1)
        for button in (self.discard_button, self.anyway_button, self.handoff_button):
            conflict_buttons.addWidget(button)
        conflict_layout.addLayout(conflict_buttons)
        self.conflict_box.hide()

        self.draft_conflict_box = _box("draftconflict", "#F3E8FD", "#3B1F5E")
        self.draft_conflict_label = QLabel("")
        self.draft_conflict_label.setWordWrap(True)
        self.draft_conflict_label.setTextFormat(Qt.TextFormat.PlainText)
        self.keep_mine_button = QPushButton("Keep this one")
        self.keep_theirs_button = QPushButton("Keep the other")
        self.keep_both_button = QPushButton("Keep both")
        draft_layout = QVBoxLayout(self.draft_conflict_box)
        draft_layout.setContentsMargins(10, 6, 6, 6)
        draft_layout.addWidget(self.draft_conflict_label)
        draft_buttons = QHBoxLayout()
        draft_buttons.addStretch(1)
        for button in (self.keep_mine_button, self.keep_theirs_button, self.keep_both_button):
            draft_buttons.addWidget(button)
        draft_layout.addLayout(draft_buttons)
        self.draft_conflict_box.hide()

        self.send_button = QPushButton("&Send")
        self.send_button.setToolTip("Send after the cool-off (Ctrl+Enter)")
        self.send_button.setDefault(True)
        self.follow_up_box = QCheckBox("Check back in")
        self.follow_up_box.setChecked(True)
        self.follow_up_days = QSpinBox()
        self.follow_up_days.setRange(1, 60)
        self.follow_up_days.setValue(DEFAULT_FOLLOW_UP_DAYS)
        self.follow_up_days.setSuffix(" days")
        self.follow_up_days.setAccessibleName("Check back after days")
        self.resolve_button = QPushButton("&Resolve")
        actions = QHBoxLayout()
        actions.addWidget(self.resolve_button)
        actions.addWidget(self.follow_up_box)
        actions.addWidget(self.follow_up_days)
        actions.addStretch(1)
        actions.addWidget(self.send_button)

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.account_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(5)
        layout.addLayout(top)
        layout.addWidget(self.draft_conflict_box)
        layout.addWidget(self.conflict_box)
        layout.addWidget(self.breath_box)
        layout.addWidget(self.editor, 1)
        layout.addLayout(tools)
        layout.addWidget(self.prompts)
        layout.addWidget(self.countdown_box)
        layout.addWidget(self.message)
        layout.addLayout(actions)

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(check_delay_ms)
        self._countdown_timer = QTimer(self)
        self._countdown_timer.setInterval(COUNTDOWN_REFRESH_MS)
        self._connect_signals()
        self._render_state()

    # --- wiring --------------------------------------------------------------------------

    def _connect_signals(self) -> None:
        # typing: save the draft, count, and check after a pause
        self.editor.textChanged.connect(self._text_changed)
        self.sign_box.toggled.connect(lambda _: self._text_changed())
        self._check_timer.timeout.connect(self.run_check)
        # prompts and the take-a-breath state
        self.prompts.dismissed.connect(self.dismiss_prompt)
        self.prompts.useSuggestion.connect(self.use_suggestion)
        self.offline_offer_button.clicked.connect(self._add_offline_offer)
        # send, countdown, conflicts
        self.send_button.clicked.connect(self.send)
        send_key = QShortcut(QKeySequence("Ctrl+Return"), self)
        send_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        send_key.activated.connect(self.send)
        for digit in range(1, 10):
            key = QShortcut(QKeySequence(f"Alt+{digit}"), self)
            key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            key.activated.connect(lambda n=digit: self.insert_canned(n - 1))
        self.update_button.clicked.connect(self.update_reply)
        self.cancel_button.clicked.connect(self.cancel_reply)
        self.send_now_button.clicked.connect(self.send_now)
        self._countdown_timer.timeout.connect(self._render_countdown)
        self.discard_button.clicked.connect(lambda: self.choose(ConflictChoice.DISCARD))
        self.anyway_button.clicked.connect(lambda: self.choose(ConflictChoice.SEND_ANYWAY))
        self.handoff_menu.aboutToShow.connect(self._fill_handoff_menu)
        # drafts on two workstations
        self.keep_mine_button.clicked.connect(lambda: self.settle_draft("mine"))
        self.keep_theirs_button.clicked.connect(lambda: self.settle_draft("theirs"))
        self.keep_both_button.clicked.connect(lambda: self.settle_draft("both"))
        # resolve with a check-back
        self.follow_up_box.toggled.connect(self.follow_up_days.setEnabled)
        self.resolve_button.clicked.connect(self.resolve)
        # the core's news
        bridge = self.bridge
        bridge.repliesChanged.connect(self._replies_changed)
        bridge.replyLeft.connect(self._reply_left)
        bridge.replyConflict.connect(
            lambda _r: self._replies_changed(self.service.cool_off.replies)
        )
        bridge.replyFailed.connect(lambda _r: self._replies_changed(self.service.cool_off.replies))
        bridge.replyOutcome.connect(self._reply_outcome)
        bridge.cannedChanged.connect(self.set_canned)
        bridge.draftConflict.connect(self._draft_conflict_found)
        bridge.draftRenewed.connect(self._draft_renewed)

    # --- which mention -------------------------------------------------------------------

    def viewer_changed(self, viewer: Viewer) -> None:
        self._viewer = viewer
        name = viewer.user.name if viewer.user else ""
        mark = initials(name)
        self.sign_box.setText(f"Sign ^{mark}" if mark else "Sign")
        self.sign_box.setEnabled(bool(mark))

    def rows_changed(self, rows: list[MentionRow]) -> None:
        if self.row is None:
            return
        for row in rows:
            if row.id == self.row.id:
                self.row = row
                self._render_heading()

    def show_mention(self, row: MentionRow | None) -> asyncio.Task[None] | None:
        """Follow the main window's selection: save the old draft, open this one's."""
        if row is not None and self.row is not None and row.id == self.row.id:
            self.row = row
            self._render_heading()
            return None
        if self._open_task is not None and not self._open_task.done():
            self._open_task.cancel()
        self._open_task = asyncio.ensure_future(self._open(row))
        self._keep(self._open_task)
        return self._open_task

    async def opened(self) -> None:
        """Wait until the shown mention's draft is on screen (screenshots and tests)."""
        task = self._open_task
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.service.settled()

    async def _open(self, row: MentionRow | None) -> None:
        await self.service.drafts.flush()
        self.row = row
        self.dismissals.clear()
        self._draft_conflict = None
        self.draft_conflict_box.hide()
        self.report = None
        self._say("")
        if row is None:
            self.draft = None
            self._set_text("")
            self._replies_changed(self.service.cool_off.replies)
            return
        draft = await self.service.drafts.open(row.id, row.version)
        if not draft.body:
            try:
                draft = await self.service.drafts.pull(row.id, row.version)
            except Exception as exc:  # offline or refused: the local draft is what we have
                log.info("no server copy of the draft: %s", exc)
        if self.row is None or self.row.id != row.id:
            return
        self.draft = draft
        self._set_text(draft.body)
        posting = await self.service.in_flight(row.id) is not None
        self.state = ComposerState.POSTING if posting else ComposerState.WRITING
        await self._show_account(row)
        self._render_heading()
        self._replies_changed(self.service.cool_off.replies)
        self.run_check()
        if row.network in NOT_ANSWERABLE_HERE:
            self._say(NOT_ANSWERABLE_HERE[row.network], error=True)

    async def _show_account(self, row: MentionRow) -> None:
        network = NETWORK_NAMES.get(row.network, row.network.value)
        mention = await self.service.session.cached_mention(row.id)
        name = None
        if mention is not None and mention.account_id is not None:
            name = self.service.accounts.get(mention.account_id)
        text = f"as {name} on {network}" if name else f"as the brand's {network} account"
        self.account_label.setText(text)

    def _set_text(self, text: str) -> None:
        self._loading = True
        try:
            self.editor.setPlainText(text)
            cursor = self.editor.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.End)
            self.editor.setTextCursor(cursor)
        finally:
            self._loading = False
        self._render_counter()

    # --- typing --------------------------------------------------------------------------

    def full_text(self) -> str:
        """What would go out: the text plus the initials when signing."""
        body = self.editor.toPlainText()
        name = self._viewer.user.name if self._viewer and self._viewer.user else ""
        mark = initials(name)
        if self.sign_box.isChecked() and mark and body.strip():
            return f"{body.rstrip()} ^{mark}"
        return body

    def _text_changed(self) -> None:
        self._render_counter()
        if self._loading or self.row is None or self.draft is None:
            return
        body = self.editor.toPlainText()
        base = self.draft.base_version if self.draft.body else self.row.version
        self.draft = replace(self.draft, body=body, base_version=base)
        self.service.drafts.typed(self.draft)
        if self.check_enabled:
            self._check_timer.start()

    def _render_counter(self) -> None:
        if self.row is None:
            self.counter.setText("")
            return
        text = self.full_text()
        counted = _tone().reply_length(text, self.row.network)
        if counted.limit is None:
            self.counter.setText(f"{counted.length} characters")
            self.counter.setStyleSheet("color: #555;")
            return
        left = counted.limit - counted.length
        network = NETWORK_NAMES.get(self.row.network, self.row.network.value)
        self.counter.setText(f"{counted.length} / {counted.limit} ({network})")
        colour = "#A4262C" if left < 0 else ("#7A5C00" if left < 20 else "#555")
        self.counter.setStyleSheet(
            f"color: {colour}; font-weight: {'bold' if left < 0 else 'normal'};"
        )

    def check(self) -> ToneReport | None:
        if self.row is None:
            return None
        text = self.full_text()
        report: ToneReport = _tone().check_reply(
            text, mention=self.row.text, network=self.row.network
        )
        return report

    def run_check(self) -> None:
        """Check the text now and show the prompts (the typing timer calls this)."""
        self._check_timer.stop()
        report = self.check()
        self.report = report
        findings = [] if report is None else self.dismissals.visible(report.findings)
        self.prompts.show_findings(findings)
        breath = any(f.code.value in BREATH_CODES for f in findings)
        self.breath_box.setVisible(breath)
        self._highlight(findings)
        if report is not None:
            self.checkCompleted.emit(report)

    def _highlight(self, findings: list[Finding]) -> None:
        text = self.editor.toPlainText()
        selections = []
        for finding in findings:
            if finding.start is None or finding.end is None or finding.end > len(text):
                continue
            selection = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            colour = "#C62828" if finding.severity.value == "critical" else "#B8860B"
            fmt.setUnderlineColor(QColor(colour))
            if finding.code.value in BREATH_CODES:
                fmt.setBackground(QColor("#FDE7E9"))
            cursor = QTextCursor(self.editor.document())
            cursor.setPosition(_utf16(text, finding.start))
            cursor.setPosition(_utf16(text, finding.end), QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.editor.setExtraSelections(selections)

    def dismiss_prompt(self, findings: Sequence[Finding], reason: str) -> None:
        self.dismissals.dismiss(findings, reason)
        for finding in findings:
            log.info("prompt %s dismissed: %s", finding.code.value, reason)
        self.run_check()

    def use_suggestion(self, finding: Finding) -> None:
        """Add the suggested sentence at the end; the marked words stay for the rep to fix
        (a suggestion is a sentence, not a drop-in for a phrase in the middle)."""
        sentence = insertable(finding)
        if not sentence:
            return
        self._append(sentence)

    def _append(self, sentence: str) -> None:
        cursor = self.editor.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        text = self.editor.toPlainText()
        cursor.insertText(("" if not text or text.endswith((" ", "\n")) else " ") + sentence)
        self.editor.setTextCursor(cursor)
        self.run_check()

    def _add_offline_offer(self) -> None:
        report = self.report
        offer = report.by_code(_tone().FindingCode.NO_OFFLINE_OFFER) if report else ()
        sentence = insertable(offer[0]) if offer else None
        self._append(sentence or "Could you send us a DM so we can sort this out?")

    # --- canned replies and the playbook -------------------------------------------------

    def set_canned(self, canned: list[CannedPublic]) -> None:
        self._canned = list(canned)
        self.canned_menu.clear()
        if not canned:
            self.canned_menu.addAction("No canned replies yet (managers add them)").setEnabled(
                False
            )
        for kind, title in (
            (CannedKind.CANNED, "Canned replies"),
            (CannedKind.PLAYBOOK, "Playbook"),
        ):
            entries = [(i, c) for i, c in enumerate(self._canned) if c.kind is kind]
            if not entries:
                continue
            self.canned_menu.addSection(title)
            for index, entry in entries:
                label = f"{entry.title}"
                if index < 9:
                    label += f"\tAlt+{index + 1}"
                action = self.canned_menu.addAction(label)
                action.setToolTip(entry.body)
                action.triggered.connect(lambda _=False, n=index: self.insert_canned(n))

    def insert_canned(self, index: int) -> bool:
        if self.row is None or not 0 <= index < len(self._canned):
            return False
        body = self._canned[index].body
        cursor = self.editor.textCursor()
        text = self.editor.toPlainText()
        before = text[: cursor.position()]
        sep = "" if not before or before.endswith((" ", "\n")) else " "
        cursor.insertText(sep + body)
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()
        return True

    # --- send and the cool-off -----------------------------------------------------------

    def send(self) -> asyncio.Task[Any]:
        return self._run(self._send())

    async def _send(self) -> None:
        if self.row is None or self.draft is None:
            self._say("Select a mention to reply to.", error=True)
            return
        report = self.check()
        assert report is not None
        await self.service.drafts.flush(self.row.id)
        reply = await self.service.cool_off.send(
            self.row.id, self.draft.client_id, self.full_text(), self.draft.base_version, report
        )
        why = " (longer: the draft or the customer is heated)" if reply.heated else ""
        self._say(
            f"Queued. It leaves in {round(reply.remaining(self.service.cool_off.now()))} s{why}."
        )

    def update_reply(self) -> asyncio.Task[Any]:
        return self._run(self._update_reply())

    async def _update_reply(self) -> None:
        reply = self._reply()
        report = self.check()
        if reply is None or report is None:
            return
        await self.service.cool_off.edit(reply.seq, self.full_text(), report)
        self._say("The waiting reply now has your new text.")

    def cancel_reply(self) -> asyncio.Task[Any]:
        return self._run(self._cancel_reply())

    async def _cancel_reply(self) -> None:
        reply = self._reply()
        if reply is None:
            return
        await self.service.cool_off.cancel(reply.seq)
        self._say("Cancelled. Your text is still here.")

    def send_now(self) -> asyncio.Task[Any]:
        return self._run(self._send_now())

    async def _send_now(self) -> None:
        reply = self._reply()
        if reply is None:
            return
        report = _tone().check_reply(
            reply.body,
            mention=self.row.text if self.row else None,
            network=self.row.network if self.row else Network.MASTODON,
        )
        await self.service.cool_off.send_now(reply.seq, report)

    def choose(self, choice: ConflictChoice, *, to_team: str | None = None) -> asyncio.Task[Any]:
        return self._run(self._choose(choice, to_team))

    async def _choose(self, choice: ConflictChoice, to_team: str | None) -> None:
        reply = self._reply()
        if reply is None:
            return
        await self.service.cool_off.choose(reply.seq, choice, to_team=to_team)
        if choice is ConflictChoice.DISCARD:
            await self.service.drafts.forget(reply.mention_id)
            self.draft = replace(reply_draft(reply), body="", client_id=str(uuid.uuid4()))
            self._set_text("")
            self._say("Your reply was discarded.")
        elif choice is ConflictChoice.HAND_OFF:
            self._say(f"Handed off to {to_team}. Your draft is kept with the handoff note.")
        else:
            self._say("Sending over your colleague's reply, as you chose.")

    def _fill_handoff_menu(self) -> None:
        self.handoff_menu.clear()
        teams = self.service.teams or ["support", "billing", "communications"]
        for team in teams:
            action = self.handoff_menu.addAction(f"To {team}")
            action.triggered.connect(
                lambda _=False, t=team: self.choose(ConflictChoice.HAND_OFF, to_team=t)
            )

    def resolve(self) -> asyncio.Task[Any]:
        return self._run(self._resolve())

    async def _resolve(self) -> None:
        if self.row is None:
            return
        days = self.follow_up_days.value() if self.follow_up_box.isChecked() else None
        outcome = await self.service.resolve(self.row.id, days)
        if outcome.result is ActionResult.DONE and days:
            self._say(f"Resolved. You'll be reminded to check back in {days} days.")
        else:
            self._say(outcome.message, error=outcome.result is not ActionResult.DONE)

    # --- drafts on two workstations ------------------------------------------------------

    def _draft_conflict_found(self, conflict: DraftConflict) -> None:
        if self.row is None or conflict.mention_id != self.row.id:
            return
        self._draft_conflict = conflict
        device = conflict.theirs_device or "another workstation"
        self.draft_conflict_label.setText(
            f"This draft was also changed on {device}. Both copies are kept; which one do you "
            f"want?\n\nThe other copy: “{conflict.theirs[:300]}”"
        )
        self.draft_conflict_box.show()

    def settle_draft(self, which: str) -> asyncio.Task[Any]:
        return self._run(self._settle_draft(which))

    async def _settle_draft(self, which: str) -> None:
        conflict = self._draft_conflict
        if conflict is None or self.draft is None:
            return
        mine = self.editor.toPlainText()
        body = {"mine": mine, "theirs": conflict.theirs, "both": f"{mine}\n\n{conflict.theirs}"}[
            which
        ]
        self.draft = replace(self.draft, body=body)
        self._set_text(body)
        await self.service.drafts.resolve(self.draft, conflict.revision)
        self._draft_conflict = None
        self.draft_conflict_box.hide()
        self._say("Draft kept on every workstation.")

    # --- news from the core --------------------------------------------------------------

    def _reply(self) -> CoolingReply | None:
        if self.row is None:
            return None
        return self.service.cool_off.for_mention(self.row.id)

    def _replies_changed(self, _replies: list[CoolingReply]) -> None:
        reply = self._reply()
        if reply is None:
            if self.state in (ComposerState.COUNTING, ComposerState.CONFLICT, ComposerState.FAILED):
                self.state = ComposerState.WRITING
            elif self.state is not ComposerState.POSTING:
                self.state = ComposerState.WRITING if self.row else ComposerState.NO_MENTION
            if self.row is None:
                self.state = ComposerState.NO_MENTION
        elif reply.state is CoolingState.COUNTING:
            self.state = ComposerState.COUNTING
        elif reply.state is CoolingState.CONFLICT:
            if self.state is not ComposerState.CONFLICT:
                self._say("")
            self.state = ComposerState.CONFLICT
        else:
            self.state = ComposerState.FAILED
            self._say(reply.detail or "The reply was refused. Your draft is kept.", error=True)
        self._render_state()

    def _reply_left(self, reply: CoolingReply, _public: ReplyPublic) -> None:
        if self.row is None or reply.mention_id != self.row.id:
            return
        self.state = ComposerState.POSTING
        network = NETWORK_NAMES.get(self.row.network, self.row.network.value)
        self._say(f"Sent to the team server; posting to {network}…")
        self._render_state()

    def _draft_renewed(self, draft: LocalDraft) -> None:
        if self.row is not None and draft.mention_id == self.row.id and self.draft is not None:
            self.draft = replace(self.draft, client_id=draft.client_id)

    def _reply_outcome(self, outcome: ReplyOutcome) -> None:
        if self.row is None or outcome.mention_id != self.row.id:
            return
        if outcome.fate is ReplyFate.POSTED:
            self.draft = LocalDraft(self.row.id, str(uuid.uuid4()), "", self.row.version)
            self._set_text("")
            self.state = ComposerState.WRITING
            self._say(outcome.message)
        else:
            # The network refused it: the text stays; a retry is a new reply (the core gave
            # the draft a new client_id when the reply left).
            self.state = ComposerState.WRITING
            self._say(outcome.message, error=True)
        self._render_state()

    # --- rendering -----------------------------------------------------------------------

    def _render_heading(self) -> None:
        if self.row is None:
            self.heading.setText("Reply")
            return
        network = NETWORK_NAMES.get(self.row.network, self.row.network.value)
        handle = self.row.author_handle.lstrip("@")
        self.heading.setText(f"Reply to @{handle} on {network}")

    def _render_state(self) -> None:
        has_mention = self.row is not None
        self.editor.setEnabled(has_mention)
        self.editor.setPlaceholderText(
            "Write your reply. Prompts appear as you type; Ctrl+Enter sends after the cool-off."
            if has_mention
            else "Select a mention to reply to it."
        )
        state = self.state
        self.editor.setReadOnly(state is ComposerState.POSTING)
        answerable = self.row is None or self.row.network not in NOT_ANSWERABLE_HERE
        self.send_button.setEnabled(state is ComposerState.WRITING and answerable)
        self.canned_button.setEnabled(has_mention)
        self.resolve_button.setEnabled(has_mention)
        self.countdown_box.setVisible(state is ComposerState.COUNTING)
        self.conflict_box.setVisible(state is ComposerState.CONFLICT)
        if state is ComposerState.COUNTING:
            self._render_countdown()
            self._countdown_timer.start()
        else:
            self._countdown_timer.stop()
        if state is ComposerState.CONFLICT:
            reply = self._reply()
            if reply is not None:
                self.conflict_label.setText(reply.detail or "The mention changed meanwhile.")
                colleague = reply.colleague_replies[-1] if reply.colleague_replies else None
                self.colleague_text.setText(
                    f"{colleague.author}: {colleague.body}" if colleague else ""
                )
                self.colleague_text.setVisible(colleague is not None)
        self._render_heading()

    def _render_countdown(self) -> None:
        reply = self._reply()
        if reply is None or reply.state is not CoolingState.COUNTING:
            return
        remaining = reply.remaining(self.service.cool_off.now())
        if reply.waiting_for_network and remaining <= 0:
            text = "Due — waiting for the connection; it leaves as soon as the server answers."
        else:
            text = f"Sending in {int(remaining + 0.999)} s — you can still edit or cancel."
        if reply.heated:
            text += " (Longer cool-off: heat or blame, or an angry customer.)"
        self.countdown_label.setText(text)
        report = self.report
        heated_now = report is not None and report.take_a_breath
        self.send_now_button.setEnabled(not heated_now)
        self.send_now_button.setToolTip(
            "Not while heat or blame is marked in the text." if heated_now else "Skip the wait."
        )

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {'#A4262C' if error else '#1F4E79'};")
        self.message.setVisible(bool(text))

    # --- tasks ---------------------------------------------------------------------------

    def _run(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(self._guard(coro))
        self._keep(task)
        return task

    async def _guard(self, coro: Coroutine[Any, Any, None]) -> None:
        try:
            await coro
        except SendRefused as exc:
            self._say(exc.message, error=True)
        except asyncio.CancelledError:
            pass

    def _keep(self, task: asyncio.Task[Any]) -> None:
        self._tasks.keep(task)

    async def aclose(self) -> None:
        await self._tasks.aclose()


def reply_draft(reply: CoolingReply) -> LocalDraft:
    return LocalDraft(reply.mention_id, reply.client_id, reply.body, reply.base_version)


def install_composer(window: MainWindow, bridge: ComposerBridge) -> ComposerPanel:
    """Put the composer where the main window's placeholder was and let it follow the
    selected mention, the stream's updates and who is signed in."""
    panel = ComposerPanel(bridge)
    window.replace_composer(panel)
    column = panel.parentWidget()
    layout = column.layout() if column is not None else None
    if isinstance(layout, QBoxLayout):
        layout.setStretchFactor(panel, 1)  # the reply shares the column with the mention
    selection = window.view.selectionModel()

    def follow_selection(*_: object) -> None:
        row = window.selected_row()
        if row is not None:
            panel.show_mention(row)

    selection.selectionChanged.connect(follow_selection)
    window.bridge.rowsChanged.connect(panel.rows_changed)
    window.bridge.viewerChanged.connect(panel.viewer_changed)
    panel.viewer_changed(window.session.viewer)
    return panel
