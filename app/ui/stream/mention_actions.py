"""Claim, release, resolve and snooze from anywhere in the window (menu, keys, context menu, the
detail's buttons): each runs as a kept task and its outcome is told through the notices — a
conflict or refusal as a problem, anything else in passing.

On several selected mentions, claim, release and resolve go to the server as one request
(app/client/stream/bulk.py) — resolve after a check-back ("Resolve 200 mentions?") — and so do
tag, assign and hand off; one sentence sums up what was done and what was left to whom.
Offline, claim, release, resolve and snooze on a selection wait in the outbox one by one, each
with the version the rep saw (so a colleague's change stops it and the rep decides); tag,
assign and hand off on a selection need the server and say so."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from app.client.stream.actions import (
    ActionOutcome,
    ActionResult,
    MentionAction,
    refuse_many,
    sum_up,
)
from app.client.stream.bulk import (
    BulkActions,
    BulkDone,
    check_back_question,
    offline_words,
    too_many,
)
from app.client.stream.outbox import FlushReport
from app.client.stream.rows import MentionRow
from app.client.stream.session import ConsoleSession
from app.common.tasks import TaskKeeper
from app.models.bulk_schemas import BulkAction
from app.ui.qt.async_slots import run_blocking_dialog
from app.ui.qt.notices import Notices
from app.ui.qt.plain import plain_message_box

NO_SELECTION_MS = 4000
CHECK_BACK_TITLE = "Act on many mentions"
# The ownership actions a selection does in one request (snooze has no bulk call).
_IN_BULK = {
    MentionAction.CLAIM: BulkAction.CLAIM,
    MentionAction.RELEASE: BulkAction.RELEASE,
    MentionAction.RESOLVE: BulkAction.RESOLVE,
}
# Asked before these are done to a selection: yes (True) or no.
CHECKED_BACK = frozenset({BulkAction.RESOLVE, BulkAction.HANDOFF, BulkAction.ASSIGN})

Confirm = Callable[[str], Awaitable[bool]]
_T = TypeVar("_T")


class MentionActions(QObject):
    def __init__(
        self, session: ConsoleSession, notices: Notices, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._notices = notices
        # Where Resolve reads "check back in N days" (None: no check-back). The shell points
        # it at the composer's choice, so the keys, the menu and the detail's button resolve
        # as the composer's Resolve button does.
        self.check_back: Callable[[], int | None] = lambda: None
        self._calls: dict[MentionAction, Callable[[int], Coroutine[Any, Any, ActionOutcome]]] = {
            MentionAction.CLAIM: session.claim,
            MentionAction.RELEASE: session.release,
            # The choice is read now, when the rep asks, not when the task gets to run.
            MentionAction.RESOLVE: lambda i: session.resolve(i, self.check_back()),
            MentionAction.SNOOZE: session.snooze,
        }
        self._tasks = TaskKeeper("mention actions")
        self.bulk = BulkActions(session)
        # Asks the rep before a resolve (or a hand-off, an assignment) of many: tests answer.
        self.confirm: Confirm = self._ask
        self.asked: list[str] = []  # the check-backs put to the rep (tests, screenshots)

    def run(self, action: MentionAction, mention_id: int) -> asyncio.Task[ActionOutcome | None]:
        """Start the action; the returned task ends with its outcome (None: cancelled)."""
        return self._tasks.spawn(self._report(self._calls[action](mention_id)))

    def run_on(self, action: MentionAction, rows: Sequence[MentionRow]) -> None:
        """The action on the selected mentions, if there are any."""
        in_bulk = action in _IN_BULK and self.bulk.online and len(rows) > 1
        # One request takes up to 500; one by one through the outbox, up to 200.
        refusal = too_many(len(rows)) if in_bulk else refuse_many(len(rows))
        if not rows:
            self._notices.say("Select a mention first.", NO_SELECTION_MS)
        elif refusal is not None:
            self._notices.warn(refusal)
        elif len(rows) == 1:
            self.run(action, rows[0].id)
        elif in_bulk:
            self.run_bulk(_IN_BULK[action], [row.id for row in rows])
        else:
            self.run_all(action, [row.id for row in rows])

    def run_bulk(
        self, action: BulkAction, mention_ids: Sequence[int], **fields: Any
    ) -> asyncio.Task[BulkDone | None]:
        """One request for the action on every mention (after a check-back for a resolve,
        an assignment or a hand-off); the task ends with how it went (None: not asked)."""
        return self._tasks.spawn(self._report_bulk(action, list(mention_ids), fields))

    async def _report_bulk(
        self, action: BulkAction, mention_ids: list[int], fields: dict[str, Any]
    ) -> BulkDone | None:
        if not self.bulk.online:  # nothing to ask: it cannot be done now
            done = BulkDone(offline_words(action, len(mention_ids)))
            self._notices.warn(done.sentence)
            return done
        try:
            if action in CHECKED_BACK and len(mention_ids) > 1:
                question = check_back_question(action, len(mention_ids))
                self.asked.append(question)
                if not await self.confirm(question):
                    return None
            if action is BulkAction.RESOLVE and "follow_up_in_days" not in fields:
                fields["follow_up_in_days"] = self.check_back()
            done = await self.bulk.run(action, mention_ids, **fields)
        except asyncio.CancelledError:
            return None
        if done.sent and not (done.conflicted or done.failed):
            self._notices.say(done.sentence)
        else:
            self._notices.warn(done.sentence)
        return done

    async def _ask(self, question: str) -> bool:
        parent = self.parent()
        box = plain_message_box(
            QMessageBox.Icon.Question,
            CHECK_BACK_TITLE,
            question,
            parent if isinstance(parent, QWidget) else None,
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        answer = await run_blocking_dialog(box.exec)
        box.deleteLater()
        return bool(answer == QMessageBox.StandardButton.Yes)

    def run_all(self, action: MentionAction, mention_ids: Sequence[int]) -> asyncio.Task[str]:
        """The action on each mention in turn (the outbox keeps them in order); the returned
        task ends with the sentence that summed them up."""
        return self._tasks.spawn(self._report_all(action, list(mention_ids)))

    def keep(self, work: Coroutine[Any, Any, _T]) -> asyncio.Task[_T]:
        """Run `work` as one of the actions (kept, listed in `running`, cancelled on quit)."""
        return self._tasks.spawn(work)

    def decide(self, seq: int, do_anyway: bool) -> asyncio.Task[FlushReport | None]:
        """The rep's answer about a queued action a colleague's change stopped (the detail
        pane's box); what then stops in turn is told by the session's notices."""
        return self._tasks.spawn(self._decide(seq, do_anyway))

    async def _decide(self, seq: int, do_anyway: bool) -> FlushReport | None:
        try:
            report = await self._session.decide(seq, do_anyway=do_anyway)
        except asyncio.CancelledError:
            return None
        if report.stopped_offline:
            self._notices.say("Not connected: your decision is kept and applies on reconnect.")
        elif any(e.seq == seq for e in report.sent):
            self._notices.say("Done: your action went through on the mention as it is now.")
        elif not do_anyway:
            self._notices.say("Dropped: your action will not be sent.")
        return report

    @property
    def running(self) -> tuple[asyncio.Task[Any], ...]:
        """Actions still on their way to the server (tests and shutdown wait on them)."""
        return self._tasks.tasks

    async def aclose(self) -> None:
        await self._tasks.aclose()

    async def _report_all(self, action: MentionAction, mention_ids: list[int]) -> str:
        outcomes: list[ActionOutcome] = []
        try:
            for mention_id in mention_ids:
                outcomes.append(await self._calls[action](mention_id))
        except asyncio.CancelledError:
            return ""  # quitting: nobody is left to read it
        sentence = sum_up(action, outcomes)
        self._notices.say(sentence)
        return sentence

    async def _report(self, pending: Coroutine[Any, Any, ActionOutcome]) -> ActionOutcome | None:
        try:
            outcome = await pending
        except asyncio.CancelledError:
            return None
        if outcome.result in (ActionResult.CONFLICT, ActionResult.FAILED):
            self._notices.warn(outcome.message)
        else:
            self._notices.say(outcome.message)
        return outcome
