"""The manager's tools in the console: the overview (View ▸ Manager overview…, managers only)
and the rota editor (from the roster's team menu). The coroutines (`show_overview`,
`rota_dialog`, `save_rota`) are what the menu entries run, so tests drive the same paths."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QWidget

from app.client.connection.errors import ApiError
from app.client.manager.overview import load_overview
from app.client.stream.session import ConsoleSession, Viewer
from app.client.team.watch import TeamWatch
from app.common.tasks import TaskKeeper
from app.models.schemas import UserRef
from app.models.team_schemas import RotaUpdate
from app.ui.manager.rota_dialog import RotaDialog
from app.ui.qt.async_slots import async_slot, run_blocking_dialog
from app.ui.qt.notices import Notices

if TYPE_CHECKING:  # its charts (pyqtgraph, numpy: ~0.6 s) load when a manager opens it
    from app.ui.manager.overview import OverviewDialog


class ManagerTools(QObject):
    def __init__(
        self,
        session: ConsoleSession,
        watch: TeamWatch,
        *,
        overview_action: QAction,
        notices: Notices,
        window: QWidget,
        tasks: TaskKeeper,
    ) -> None:
        super().__init__(window)
        self.session = session
        self.watch = watch
        self.overview_action = overview_action
        self.notices = notices
        self.window = window
        self.tasks = tasks
        self.overview_dialog: OverviewDialog | None = None

    def viewer_changed(self, viewer: Viewer) -> None:
        user = viewer.user
        self.overview_action.setVisible(user is not None and user.role.is_manager)

    # --- the overview ----------------------------------------------------------------------

    def overview_requested(self) -> None:
        self.tasks.spawn(self.show_overview())

    async def show_overview(self) -> OverviewDialog:
        if self.overview_dialog is None:
            from app.ui.manager.overview import OverviewDialog

            self.overview_dialog = OverviewDialog(self.window)
        dialog = self.overview_dialog
        dialog.show()
        dialog.raise_()
        overview = await load_overview(
            self.session.api, self.session.rows(), self.watch.roster, datetime.now(UTC)
        )
        dialog.show_overview(overview)
        return dialog

    # --- the rota editor -------------------------------------------------------------------

    @async_slot
    async def edit_rota(self, team_id: int) -> None:
        dialog = await self.rota_dialog(team_id)
        if dialog is None:
            return
        if await run_blocking_dialog(dialog.exec) == QDialog.DialogCode.Accepted:
            await self.save_rota(team_id, dialog.rota_update())
        dialog.deleteLater()

    async def rota_dialog(self, team_id: int) -> RotaDialog | None:
        """The editor filled with the team's rota and everyone on the roster to choose from."""
        try:
            rota = await self.session.api.rota(team_id)
        except ApiError as exc:
            self.notices.warn(f"The rota could not be loaded: {exc.detail}")
            return None
        people: dict[int, UserRef] = {s.user.id: s.user for s in rota.shifts}
        roster = self.watch.roster
        for team in roster.teams if roster is not None else []:
            for member in (*team.on_duty, *team.away, *team.off_duty):
                people[member.user.id] = member.user
        return RotaDialog(rota, list(people.values()), self.window)

    async def save_rota(self, team_id: int, update: RotaUpdate) -> bool:
        try:
            rota = await self.session.api.set_rota(team_id, update)
        except ApiError as exc:
            self.notices.warn(f"The rota was not saved: {exc.detail}")
            return False
        self.notices.say(f"Rota of {rota.team} saved: {len(rota.shifts)} shifts.")
        return True
