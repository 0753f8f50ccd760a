"""The one channel for what the console tells the user: passing status messages, problems (an
action that could not be applied, a refusal) and announcements (tray messages that reach the
user whatever their duty). Features say things here; the shell decides how each one shows, so
wording and timing stay consistent."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.client.stream.actions import ActionOutcome, ActionResult

STATUS_MS = 6000


class Notices(QObject):
    status = Signal(str, int)  # a passing message, shown for so many milliseconds
    problem = Signal(str)  # could not be done: stays until the user dismisses it
    announcement = Signal(str, str)  # title, message: told now, in the tray where there is one

    def say(self, text: str, ms: int = STATUS_MS) -> None:
        self.status.emit(text, ms)

    def warn(self, text: str) -> None:
        self.problem.emit(text)

    def announce(self, title: str, message: str) -> None:
        self.announcement.emit(title, message)

    def report(self, outcome: ActionOutcome) -> ActionOutcome:
        """A team action's outcome: done in passing, anything else as a problem."""
        if outcome.result is ActionResult.DONE:
            self.say(outcome.message)
        else:
            self.warn(outcome.message)
        return outcome
