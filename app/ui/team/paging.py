"""On-call pages in the console: a page for me is told at once (a desktop notification through
the notice channel), shows as the page banner and as the tray's first entries until it is
acknowledged; one that someone else took or that passed on goes with a status line saying so.
Also the "My paging…" dialog and a manager's on-call order editor. The coroutines
(`acknowledge`, `open_paging`, `save_paging`, `open_on_call`, `save_on_call`) are what the
buttons run, so tests drive the same paths."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.client.connection.errors import ApiError
from app.client.stream.actions import ActionOutcome, ActionResult
from app.client.stream.viewer import Viewer
from app.client.team import paging_words as words
from app.client.team.paging import PageBoard, PageGone
from app.client.team.watch import TeamWatch
from app.common.tasks import TaskKeeper
from app.models.enums import Duty
from app.models.on_call_schemas import PagePublic, PagingUpdate
from app.models.schemas import UserRef
from app.ui.qt.notices import Notices
from app.ui.team.on_call_dialog import OnCallDialog
from app.ui.team.page_banner import PageBanner
from app.ui.team.page_remote import PageRemote
from app.ui.team.paging_dialog import PagingDialog

GONE_MS = 20_000  # long enough to read who took it after looking up


class PagingDesk(QObject):
    # After my acknowledgement: the first mention the page named, to open in the stream.
    openRequested = Signal(int)

    def __init__(
        self,
        board: PageBoard,
        watch: TeamWatch,
        *,
        banner: PageBanner,
        page_remote: PageRemote,
        notices: Notices,
        window: QWidget,
        tasks: TaskKeeper,
    ) -> None:
        super().__init__(window)
        self.board = board
        self.watch = watch
        self.banner = banner
        self.page_remote = page_remote
        self.notices = notices
        self.window = window
        self.tasks = tasks
        self.on_duty = False
        self.paging_dialog: PagingDialog | None = None
        self.on_call_dialog: OnCallDialog | None = None

    def viewer_changed(self, viewer: Viewer) -> None:
        user = viewer.user
        on_duty = user is not None and user.duty is Duty.ON_DUTY
        if on_duty != self.on_duty:
            self.on_duty = on_duty
            self.pages_changed(self.board.waiting())

    # --- pages ------------------------------------------------------------------------------

    def pages_changed(self, pages: list[PagePublic]) -> None:
        first = pages[0] if pages else None
        self.banner.show_page(first, len(pages) - 1, on_duty=self.on_duty)
        self.page_remote.show_page(first, on_duty=self.on_duty)

    def page_arrived(self, page: PagePublic) -> None:
        """Whatever my duty: being paged is being asked to come on."""
        self.notices.announce(words.page_title(page), words.page_message(page))

    def page_gone(self, gone: PageGone) -> None:
        self.notices.say(gone.sentence, GONE_MS)

    def acknowledge_requested(self, page_id: int, take_watch: bool) -> None:
        self.tasks.spawn(self.acknowledge(page_id, take_watch))

    async def acknowledge(self, page_id: int, take_watch: bool = False) -> ActionOutcome:
        page = self.board.pages.get(page_id)
        outcome = await self.board.acknowledge(page_id, take_watch)
        if outcome.result is ActionResult.FAILED:
            self.notices.warn(outcome.message)
            self.banner.enable()
            return outcome
        # Done, or someone was quicker: a line in the status bar either way.
        self.notices.say(outcome.message, GONE_MS)
        if outcome.result is ActionResult.DONE and page is not None and page.mentions:
            self.openRequested.emit(page.mentions[0].id)  # the watch starts with it
        return outcome

    # --- my paging settings -----------------------------------------------------------------

    def paging_requested(self) -> None:
        self.tasks.spawn(self.open_paging())

    async def open_paging(self) -> PagingDialog:
        """Open the dialog at once (it says it is loading), then fill it from the server."""
        dialog = self.paging_dialog
        if dialog is None:
            dialog = self.paging_dialog = PagingDialog(self.window)
            dialog.saveRequested.connect(lambda update: self.tasks.spawn(self.save_paging(update)))
        dialog.open()
        try:
            dialog.show_settings(await self.board.paging())
        except ApiError as exc:
            dialog.show_problem(exc.detail)
        return dialog

    async def save_paging(self, update: PagingUpdate) -> bool:
        dialog = self.paging_dialog
        assert dialog is not None
        try:
            saved = await self.board.set_paging(update)
        except ApiError as exc:
            dialog.show_problem(words.NOT_SAVED.format(detail=exc.detail))
            return False
        dialog.show_settings(saved)
        dialog.accept()
        self.notices.say(words.SAVED)
        return True

    # --- a team's on-call order (managers) ----------------------------------------------------

    def on_call_requested(self, team_id: int) -> None:
        self.tasks.spawn(self.open_on_call(team_id))

    async def open_on_call(self, team_id: int) -> OnCallDialog | None:
        try:
            on_call = await self.board.on_call(team_id)
        except ApiError as exc:
            self.notices.warn(words.ORDER_NOT_LOADED.format(detail=exc.detail))
            return None
        if self.on_call_dialog is not None:
            self.on_call_dialog.deleteLater()
        dialog = self.on_call_dialog = OnCallDialog(on_call, self._members(team_id), self.window)
        dialog.saveRequested.connect(
            lambda ids, minutes: self.tasks.spawn(self.save_on_call(team_id, list(ids), minutes))
        )
        dialog.open()
        return dialog

    def _members(self, team_id: int) -> list[UserRef]:
        roster = self.watch.roster
        people: dict[int, UserRef] = {}
        for team in roster.teams if roster is not None else []:
            if team.team_id == team_id:
                for member in (*team.on_duty, *team.away, *team.off_duty):
                    people[member.user.id] = member.user
        return list(people.values())

    async def save_on_call(
        self, team_id: int, user_ids: list[int], minutes: int | None = None
    ) -> bool:
        dialog = self.on_call_dialog
        assert dialog is not None
        try:
            on_call = await self.board.set_on_call(team_id, user_ids, minutes)
        except ApiError as exc:
            dialog.show_problem(words.ORDER_NOT_SAVED.format(detail=exc.detail))
            return False
        dialog.show_on_call(on_call)
        dialog.accept()
        said = words.ORDER_SAVED if on_call.source == "manual" else words.ORDER_SAVED_ROTA
        self.notices.say(
            said.format(team=on_call.team, names=words.names([u.name for u in on_call.order]))
        )
        return True
