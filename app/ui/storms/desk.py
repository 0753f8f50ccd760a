"""Storms in the console: the banner follows the open storms, a manager is told at once
(a desktop notification) when one starts, grows or ends, the storm view opens from the banner,
the View menu and the tray, and its claims and holding statement are carried out — the
statement only after a confirmation that names how many customers it goes to. The coroutines
(`claim`, `send_statement`) are what the buttons run, so tests drive the same paths."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from app.client.stream.actions import ActionOutcome, ActionResult
from app.client.stream.viewer import Viewer
from app.client.team import storm_words as words
from app.client.team.storms import StormAlert, StormBoard
from app.common.tasks import TaskKeeper
from app.models.schemas import UserRef
from app.models.storm_schemas import StormProgress, StormPublic
from app.models.team_schemas import RosterPublic
from app.ui.qt.async_slots import run_blocking_dialog
from app.ui.qt.notices import Notices
from app.ui.qt.plain import plain_message_box
from app.ui.storms.banner import StormBanner
from app.ui.storms.view import WHOLE, StormView

Confirm = Callable[[str], Awaitable[bool]]


class StormDesk(QObject):
    def __init__(
        self,
        board: StormBoard,
        *,
        banner: StormBanner,
        view: StormView,
        notices: Notices,
        window: QWidget,
        tasks: TaskKeeper,
        confirm: Confirm | None = None,
    ) -> None:
        super().__init__(window)
        self.board = board
        self.banner = banner
        self.view = view
        self.notices = notices
        self.window = window
        self.tasks = tasks
        self.confirm: Confirm = confirm or self._ask
        self.is_manager = False
        self.asked: list[str] = []  # the confirmations put to the user (tests, screenshots)
        self._rows_moved = QTimer(self)
        self._rows_moved.setSingleShot(True)
        self._rows_moved.setInterval(250)
        self._rows_moved.timeout.connect(self.view.refresh_group)

    # --- following ------------------------------------------------------------------------

    def viewer_changed(self, viewer: Viewer) -> None:
        user = viewer.user
        self.is_manager = user is not None and user.role.is_manager
        self.view.set_me(viewer.user_id, self.is_manager)
        self.view.refresh_targets()

    def storms_changed(self, storms: list[StormPublic]) -> None:
        self.banner.show_storms(storms)
        self.view.set_storms(storms)

    def storm_updated(self, storm: StormPublic) -> None:
        self.view.storm_updated(storm)

    def alert(self, alert: StormAlert) -> None:
        """Tell the user now (the server sends storm alerts to managers only)."""
        self.notices.announce(alert.title, alert.message)
        if alert.alert != "over":
            self.banner.alert(alert.storm)

    def progress(self, progress: StormProgress) -> None:
        self.view.show_progress(progress)

    def roster_changed(self, roster: RosterPublic) -> None:
        people: dict[int, UserRef] = {}
        for team in roster.teams:
            for member in (*team.on_duty, *team.away, *team.off_duty):
                people[member.user.id] = member.user
        self.view.set_people(list(people.values()))

    def teams_changed(self, teams: list[str]) -> None:
        self.view.set_teams(teams)

    def rows_changed(self, *_: object) -> None:
        """The stream moved (claims, replies): the group's owners and whom a statement would
        reach may have too."""
        if self.view.isVisible() and not self._rows_moved.isActive():
            self._rows_moved.start()  # a burst of changes redraws the list once

    # --- the view ------------------------------------------------------------------------

    def open_view(self, storm_id: int | None = None) -> StormView:
        self.view.set_storms(self.board.open_storms())
        if storm_id is not None and storm_id > 0:
            self.view.choose(storm_id)
        self.view.show()
        self.view.raise_()
        self.view.activateWindow()
        return self.view

    def storm_chosen(self, storm_id: int) -> None:
        self.view.statement.show_progress(self.board.progress.get(storm_id))
        self.tasks.spawn(self.board.load(storm_id))
        if self.board.storm(storm_id) is not None and self.board.storms[storm_id].statement:
            self.board.follow_progress(storm_id)

    # --- claims --------------------------------------------------------------------------

    def claim_for_me(self, storm_id: int, group_id: int) -> None:
        self.tasks.spawn(self.claim(storm_id, group_id))

    def claim_for_person(self, storm_id: int, group_id: int, user_id: int, name: str) -> None:
        self.tasks.spawn(self.claim(storm_id, group_id, user_id=user_id, user_name=name))

    def claim_for_team(self, storm_id: int, group_id: int, team: str) -> None:
        self.tasks.spawn(self.claim(storm_id, group_id, team=team))

    async def claim(
        self,
        storm_id: int,
        group_id: int = WHOLE,
        *,
        user_id: int | None = None,
        user_name: str | None = None,
        team: str | None = None,
    ) -> ActionOutcome:
        done = await self.board.claim(
            storm_id,
            user_id=user_id,
            user_name=user_name,
            team=team,
            group_id=None if group_id == WHOLE else group_id,
        )
        self.view.refresh_targets()
        return self.notices.report(done.outcome)

    # --- the holding statement ------------------------------------------------------------

    def statement_requested(self, storm_id: int, group_id: int, text: str, broadcast: bool) -> None:
        self.tasks.spawn(self.send_statement(storm_id, group_id, text, broadcast))

    async def send_statement(
        self, storm_id: int, group_id: int, text: str, broadcast: bool
    ) -> ActionOutcome | None:
        """Confirm with the count, then send; None when the user said no."""
        storm = self.board.storm(storm_id)
        count = self.view.statement.targets.count
        if storm is None or not text.strip():
            return self.notices.report(ActionOutcome(ActionResult.FAILED, words.STATEMENT_EMPTY))
        question = words.confirm_words(count, broadcast, storm)
        self.asked.append(question)
        if not await self.confirm(question):
            return None
        self.view.statement.send_button.setEnabled(False)
        done = await self.board.send_statement(
            storm_id, text, group_id=None if group_id == WHOLE else group_id, broadcast=broadcast
        )
        self.view.statement.refresh()
        return self.notices.report(done.outcome)

    async def _ask(self, question: str) -> bool:
        # The question names the brand account as written: shown as text, never as markup.
        box = plain_message_box(QMessageBox.Icon.Question, words.CONFIRM_TITLE, question, self.view)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        answer = await run_blocking_dialog(box.exec)
        box.deleteLater()
        return bool(answer == QMessageBox.StandardButton.Yes)
