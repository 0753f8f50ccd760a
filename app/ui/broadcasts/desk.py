"""Broadcasts in the console: the banner shows what I owe an acknowledgement for, a new one is
announced, a manager composes and sends one (then watches the acknowledgements come in), and
"Acknowledge" is carried out. The coroutines (`send_broadcast`, `acknowledge`) are what the
buttons run, so tests drive the same paths."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QDockWidget, QWidget

from app.client.broadcasts.inbox import BroadcastInbox
from app.client.stream.actions import ActionOutcome, ActionResult
from app.client.stream.viewer import Viewer
from app.common.tasks import TaskKeeper
from app.models.enums import Severity
from app.models.schemas import BroadcastPublic
from app.ui.broadcasts.acks_view import BroadcastAcksView
from app.ui.broadcasts.banner import SEVERITY_LOOK, BroadcastBanner
from app.ui.broadcasts.dialog import BroadcastDialog
from app.ui.qt.async_slots import async_slot, run_blocking_dialog
from app.ui.qt.docks import show_dock
from app.ui.qt.notices import Notices


class BroadcastDesk(QObject):
    def __init__(
        self,
        inbox: BroadcastInbox,
        *,
        banner: BroadcastBanner,
        acks_view: BroadcastAcksView,
        acks_dock: QDockWidget,
        notices: Notices,
        window: QWidget,
        tasks: TaskKeeper,
    ) -> None:
        super().__init__(window)
        self.inbox = inbox
        self.banner = banner
        self.acks_view = acks_view
        self.acks_dock = acks_dock
        self.notices = notices
        self.window = window
        self.tasks = tasks
        self.is_manager = False

    def viewer_changed(self, viewer: Viewer) -> None:
        """Only managers see who has acknowledged."""
        user = viewer.user
        self.is_manager = user is not None and user.role.is_manager
        self.acks_dock.toggleViewAction().setVisible(self.is_manager)
        if not self.is_manager:
            self.acks_dock.hide()

    def owed_changed(self, owed: list[BroadcastPublic]) -> None:
        self.banner.show_owed(owed)

    def alert(self, broadcast: BroadcastPublic) -> None:
        word = SEVERITY_LOOK[broadcast.severity][2]
        self.notices.announce(
            f"{word} broadcast from {broadcast.author.name}", broadcast.text[:240]
        )

    def show_broadcasts(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        if self.is_manager:
            show_dock(self.window, self.acks_dock)

    # --- sending and acknowledging -----------------------------------------------------------

    @async_slot
    async def compose(self) -> None:
        dialog = BroadcastDialog(self.window)
        if await run_blocking_dialog(dialog.exec) == QDialog.DialogCode.Accepted:
            await self.send_broadcast(dialog.note(), dialog.severity())
        dialog.deleteLater()

    async def send_broadcast(self, text: str, severity: Severity) -> ActionOutcome:
        outcome = self.notices.report(await self.inbox.send(text, severity))
        if outcome.result is ActionResult.DONE:
            show_dock(self.window, self.acks_dock)
        return outcome

    def acknowledge_requested(self, broadcast_id: int) -> None:
        self.tasks.spawn(self.acknowledge(broadcast_id))

    async def acknowledge(self, broadcast_id: int) -> ActionOutcome:
        outcome = self.notices.report(await self.inbox.acknowledge(broadcast_id))
        if outcome.result is not ActionResult.DONE:
            self.banner.button.setEnabled(True)
        return outcome
