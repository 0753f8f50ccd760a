"""Follow-ups in the console: the list of check-backs kept current (brought forward when one
falls due) and "done" carried out."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDockWidget

from app.client.stream.actions import ActionOutcome
from app.client.team.watch import TeamWatch
from app.common.tasks import TaskKeeper
from app.models.team_schemas import FollowupPublic
from app.ui.qt.notices import Notices
from app.ui.team.followups_view import FollowupsView


class FollowupDesk(QObject):
    def __init__(
        self,
        watch: TeamWatch,
        *,
        view: FollowupsView,
        dock: QDockWidget,
        notices: Notices,
        tasks: TaskKeeper,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.watch = watch
        self.view = view
        self.dock = dock
        self.notices = notices
        self.tasks = tasks
        self._due_count = 0

    def followups_changed(self, followups: list[FollowupPublic]) -> None:
        due_before = self._due_count
        self._due_count = sum(1 for f in followups if f.due)
        self.view.show_followups(followups)
        if self._due_count > due_before:
            self.dock.show()  # something fell due: bring the list forward

    def done_requested(self, mention_id: int) -> None:
        self.tasks.spawn(self.complete_followup(mention_id))

    async def complete_followup(self, mention_id: int) -> ActionOutcome:
        return self.notices.report(await self.watch.complete_followup(mention_id))
