"""Approvals in the console: an on-duty manager is told at once (a desktop notification) when
a rep asks to approve a reply, every manager when a request waited too long; the waiting
requests are the tray's first entries, answered in one click (Approve), with a reason (Deny…)
or after an edit (Edit and approve…). A rep is told how their request was answered. The
coroutines (`approve`, `deny`, `edit_and_approve`) are what the entries run, so tests drive the
same paths."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QWidget

from app.client.approvals.board import (
    ApprovalBoard,
    answer_text,
    request_message,
    request_title,
)
from app.client.stream.actions import ActionOutcome
from app.client.stream.viewer import Viewer
from app.common.tasks import TaskKeeper
from app.models.approval_schemas import ApprovalPublic, ApprovalState
from app.models.enums import Duty
from app.ui.approvals.dialogs import DenyDialog, EditApproveDialog
from app.ui.approvals.remote import ApprovalRemote
from app.ui.qt.async_slots import async_slot, run_blocking_dialog
from app.ui.qt.notices import Notices


class ApprovalDesk(QObject):
    def __init__(
        self,
        board: ApprovalBoard,
        *,
        remote: ApprovalRemote,
        notices: Notices,
        window: QWidget,
        tasks: TaskKeeper,
    ) -> None:
        super().__init__(window)
        self.board = board
        self.remote = remote
        self.notices = notices
        self.window = window
        self.tasks = tasks
        self.is_manager = False
        self.on_duty = False
        self.told: list[str] = []  # the notifications given (tests, screenshots)

    def viewer_changed(self, viewer: Viewer) -> None:
        user = viewer.user
        self.is_manager = user is not None and user.role.is_manager
        self.on_duty = user is not None and user.duty is Duty.ON_DUTY
        self.approvals_changed(self.board.waiting())

    # --- news ------------------------------------------------------------------------------

    def approvals_changed(self, waiting: list[ApprovalPublic]) -> None:
        shown = waiting if self.is_manager else []
        self.remote.show_waiting(shown, waiting_seconds=self.board.waiting_seconds)

    def approval_arrived(self, approval: ApprovalPublic) -> None:
        """On duty, a manager hears of every request at once; off duty, of those that waited
        too long (escalated: nobody answered)."""
        if not (self.on_duty or approval.escalated_at is not None):
            return
        title = request_title(approval)
        self.told.append(title)
        self.notices.announce(title, request_message(approval))

    def approval_answered(self, approval: ApprovalPublic) -> None:
        """One of my requests was answered: the composer shows it; say it in passing too."""
        text = answer_text(approval)
        self.told.append(text)
        if approval.state is ApprovalState.DENIED:
            self.notices.warn(f"Mention #{approval.mention_id}: {text}")
        else:
            self.notices.announce("Reply approved", f"Mention #{approval.mention_id}: {text}")

    # --- answering -------------------------------------------------------------------------

    def approve_requested(self, approval_id: int) -> None:
        self.tasks.spawn(self.approve(approval_id))

    async def approve(self, approval_id: int, body: str | None = None) -> ActionOutcome:
        return self.notices.report(await self.board.approve(approval_id, body))

    async def deny(self, approval_id: int, reason: str) -> ActionOutcome:
        return self.notices.report(await self.board.deny(approval_id, reason))

    @async_slot
    async def deny_requested(self, approval_id: int) -> None:
        approval = self.board.approvals.get(approval_id)
        if approval is None:
            return
        dialog = DenyDialog(approval, self.window)
        if await run_blocking_dialog(dialog.exec) == QDialog.DialogCode.Accepted:
            await self.deny(approval_id, dialog.value())
        dialog.deleteLater()

    @async_slot
    async def edit_requested(self, approval_id: int) -> None:
        approval = self.board.approvals.get(approval_id)
        if approval is None:
            return
        dialog = EditApproveDialog(approval, self.window)
        if await run_blocking_dialog(dialog.exec) == QDialog.DialogCode.Accepted:
            await self.approve(approval_id, dialog.value())
        dialog.deleteLater()
