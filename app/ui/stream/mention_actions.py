"""Claim, release, resolve and snooze from anywhere in the window (menu, keys, context menu, the
detail's buttons): each runs as a kept task and its outcome is told through the notices — a
conflict or refusal as a problem, anything else in passing. On several selected mentions the
same session calls run one after another and one sentence sums them up in the status bar."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from PySide6.QtCore import QObject

from app.client.stream.actions import (
    ActionOutcome,
    ActionResult,
    MentionAction,
    refuse_many,
    sum_up,
)
from app.client.stream.outbox import FlushReport
from app.client.stream.rows import MentionRow
from app.client.stream.session import ConsoleSession
from app.common.tasks import TaskKeeper
from app.ui.qt.notices import Notices

NO_SELECTION_MS = 4000


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

    def run(self, action: MentionAction, mention_id: int) -> asyncio.Task[ActionOutcome | None]:
        """Start the action; the returned task ends with its outcome (None: cancelled)."""
        return self._tasks.spawn(self._report(self._calls[action](mention_id)))

    def run_on(self, action: MentionAction, rows: Sequence[MentionRow]) -> None:
        """The action on the selected mentions, if there are any."""
        refusal = refuse_many(len(rows))
        if not rows:
            self._notices.say("Select a mention first.", NO_SELECTION_MS)
        elif refusal is not None:
            self._notices.warn(refusal)
        elif len(rows) == 1:
            self.run(action, rows[0].id)
        else:
            self.run_all(action, [row.id for row in rows])

    def run_all(self, action: MentionAction, mention_ids: Sequence[int]) -> asyncio.Task[str]:
        """The action on each mention in turn (the outbox keeps them in order); the returned
        task ends with the sentence that summed them up."""
        return self._tasks.spawn(self._report_all(action, list(mention_ids)))

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
