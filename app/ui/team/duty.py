"""Duty, coverage and the roster in the console: carries out the duty changes asked from the
tray remote control, the Duty menu and the roster (mine, or anyone's for a manager), keeps the
remote and the roster current, tells coverage gaps (banner and tray, whatever my duty), and
says the console's one-time notes (no tray here; still running in the tray) once."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDockWidget, QWidget

from app.client.stream.actions import ActionOutcome
from app.client.stream.session import ConsoleSession, Viewer
from app.client.team.watch import CoverageAlert, TeamWatch
from app.common.tasks import TaskKeeper
from app.models.enums import Duty
from app.models.schemas import CoveragePublic
from app.models.team_schemas import RosterPublic
from app.ui.qt.banner import Banner
from app.ui.qt.docks import show_dock
from app.ui.qt.notices import Notices
from app.ui.team.roster_view import RosterView
from app.ui.team.tray import DutyRemote

NOTE_MS = 30_000


class DutyDesk(QObject):
    def __init__(
        self,
        watch: TeamWatch,
        session: ConsoleSession,
        *,
        remote: DutyRemote,
        roster_view: RosterView,
        roster_dock: QDockWidget,
        coverage_banner: Banner,
        notices: Notices,
        window: QWidget,
        tasks: TaskKeeper,
    ) -> None:
        super().__init__(window)
        self.watch = watch
        self.session = session
        self.remote = remote
        self.roster_view = roster_view
        self.roster_dock = roster_dock
        self.coverage_banner = coverage_banner
        self.notices = notices
        self.window = window
        self.tasks = tasks
        self.notes_said: list[str] = []

    # --- me and my duty --------------------------------------------------------------------

    def viewer_changed(self, viewer: Viewer) -> None:
        user = viewer.user
        manager = user is not None and user.role.is_manager
        self.remote.set_me(viewer.user_id, manager)
        self.roster_view.can_manage = manager

    def duty_requested(self, user_id: int, duty_value: str) -> None:
        self.tasks.spawn(self.set_duty_of(user_id, Duty(duty_value)))

    async def set_duty_of(self, user_id: int, duty: Duty) -> ActionOutcome:
        return self.notices.report(await self.watch.set_duty(user_id, duty))

    # --- coverage and the roster -------------------------------------------------------------

    def coverage_changed(self, coverage: CoveragePublic) -> None:
        self.remote.set_coverage(coverage)
        if coverage.level != "nobody":
            self.coverage_banner.hide()

    def roster_changed(self, roster: RosterPublic) -> None:
        self.remote.set_roster(roster)
        self.roster_view.show_roster(roster)

    def coverage_gap(self, alert: CoverageAlert) -> None:
        """Managers hear of gaps even while off duty: that is the point of the alert."""
        self.coverage_banner.say(f"{alert.title} — {alert.sentence}")
        self.notices.announce(alert.title, alert.sentence)

    def show_roster(self) -> None:
        show_dock(self.window, self.roster_dock)

    # --- one-time notes ----------------------------------------------------------------------

    def say_once(self, key: str, note: str) -> None:
        self.tasks.spawn(self._say_once(key, note))

    async def _say_once(self, key: str, note: str) -> None:
        """Say a note in the status bar the first time this console ever needs it."""
        if note in self.notes_said or not await self.session.first_time(key):
            return
        self.notes_said.append(note)
        self.notices.say(note, NOTE_MS)

    def tray_note(self, note: str) -> None:
        """The window went to the tray: say so in the tray, the first time ever."""
        self.tasks.spawn(self._tray_note_once(note))

    async def _tray_note_once(self, note: str) -> None:
        if await self.session.first_time("close_to_tray"):
            self.notes_said.append(note)
            self.notices.announce("Still running", note)
