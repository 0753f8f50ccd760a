"""What the shell itself asks of the session: set my duty (the Duty menu and the tray) and let
go of the actions the outbox kept because they conflicted or were refused (dismissing the
notices). Outcomes are told through the notices."""

from __future__ import annotations

from PySide6.QtCore import QObject

from app.client.stream.actions import ActionResult
from app.client.stream.entries import OutboxStatus
from app.client.stream.session import ConsoleSession
from app.models.enums import Duty
from app.ui.qt.async_slots import async_slot
from app.ui.qt.notices import Notices


class SessionCommands(QObject):
    def __init__(
        self, session: ConsoleSession, notices: Notices, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._notices = notices

    @async_slot
    async def set_duty(self, duty: Duty) -> None:
        outcome = await self.session.set_duty(duty)
        self._notices.say(outcome.message)
        if outcome.result is not ActionResult.DONE:
            self._notices.warn(outcome.message)

    @async_slot
    async def dismiss_problems(self) -> None:
        for entry in list(self.session.outbox_entries):
            if entry.status is not OutboxStatus.PENDING:
                await self.session.decide(entry.seq, do_anyway=False)
