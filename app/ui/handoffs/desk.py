"""Handoffs in the console: hand the selected mention to a person or a team, accept or decline
what was handed to me (asking in a dialog first), and tell me what arrived for me and how my
own handoffs were answered. The coroutines (`hand_off`, `accept`, `decline`) are what the
buttons run, so tests drive the same paths."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QWidget

from app.client.handoffs.board import HandoffBoard
from app.client.stream.actions import ActionOutcome
from app.client.stream.rows import MentionRow
from app.client.stream.viewer import Viewer
from app.client.team.watch import TeamWatch
from app.common.tasks import TaskKeeper
from app.models.enums import Duty, HandoffStatus
from app.models.schemas import HandoffPublic, UserRef
from app.ui.handoffs.dialogs import DeclineDialog, HandoffChoice, HandoffDialog
from app.ui.handoffs.panel import HandoffPanel, target_name
from app.ui.qt.async_slots import async_slot, run_blocking_dialog
from app.ui.qt.notices import Notices

_DUTY_ORDER = {Duty.ON_DUTY: 0, Duty.AWAY: 1, Duty.OFF_DUTY: 2}


class HandoffDesk(QObject):
    def __init__(
        self,
        board: HandoffBoard,
        watch: TeamWatch,
        row_of: Callable[[int], MentionRow | None],
        *,
        panel: HandoffPanel,
        notices: Notices,
        window: QWidget,
        tasks: TaskKeeper,
    ) -> None:
        super().__init__(window)
        self.board = board
        self.watch = watch
        self._row_of = row_of
        self.panel = panel
        self.notices = notices
        self.window = window
        self.tasks = tasks
        self.viewer = Viewer(None, frozenset(), frozenset())

    def viewer_changed(self, viewer: Viewer) -> None:
        self.viewer = viewer

    def selection_changed(self, row: MentionRow | None) -> None:
        self.panel.set_mention(row.id if row is not None else None)

    def _mention_label(self, mention_id: int) -> str:
        row = self._row_of(mention_id)
        return f"mention #{mention_id} ({row.handle})" if row else f"mention #{mention_id}"

    def people(self) -> list[tuple[UserRef, Duty]]:
        """Everyone but me, on duty first: whom a mention can be handed to."""
        roster = self.watch.roster
        seen: dict[int, tuple[UserRef, Duty]] = {}
        if roster is not None:
            for team in roster.teams:
                for member in (*team.on_duty, *team.away, *team.off_duty):
                    seen.setdefault(member.user.id, (member.user, member.duty))
        me = self.viewer.user_id
        people = [p for p in seen.values() if p[0].id != me]
        return sorted(people, key=lambda p: (_DUTY_ORDER[p[1]], p[0].name.lower()))

    # --- handing on, accepting, declining ----------------------------------------------------

    @async_slot
    async def hand_off_requested(self, mention_id: int) -> None:
        dialog = HandoffDialog(
            self._mention_label(mention_id), self.people(), self.watch.team_names, self.window
        )
        if await run_blocking_dialog(dialog.exec) == QDialog.DialogCode.Accepted:
            await self.hand_off(mention_id, dialog.choice())
        dialog.deleteLater()

    async def hand_off(self, mention_id: int, choice: HandoffChoice) -> ActionOutcome:
        return self.notices.report(
            await self.board.hand_off(
                mention_id, to_user_id=choice.to_user_id, to_team=choice.to_team, note=choice.note
            )
        )

    def accept_requested(self, handoff_id: int) -> None:
        self.tasks.spawn(self.accept(handoff_id))

    async def accept(self, handoff_id: int) -> ActionOutcome:
        return self.notices.report(await self.board.accept(handoff_id))

    @async_slot
    async def decline_requested(self, handoff_id: int) -> None:
        handoff = self.board.handoffs.get(handoff_id)
        label = self._mention_label(handoff.mention_id) if handoff else "The mention"
        dialog = DeclineDialog(label[0].upper() + label[1:], self.window)
        if await run_blocking_dialog(dialog.exec) == QDialog.DialogCode.Accepted:
            await self.decline(handoff_id, dialog.value())
        dialog.deleteLater()

    async def decline(self, handoff_id: int, reason: str) -> ActionOutcome:
        return self.notices.report(await self.board.decline(handoff_id, reason))

    # --- news --------------------------------------------------------------------------------

    def handoff_arrived(self, handoff: HandoffPublic) -> None:
        user = self.viewer.user
        if user is not None and user.duty is Duty.OFF_DUTY:
            return
        note = " ".join(handoff.note.split())[:200] or "(no note)"
        self.notices.announce(
            f"{handoff.from_user.name} handed you mention #{handoff.mention_id}", note
        )

    def handoff_answered(self, handoff: HandoffPublic) -> None:
        who = handoff.decided_by.name if handoff.decided_by else target_name(handoff)
        if handoff.reason is not None and handoff.status is HandoffStatus.DECLINED:
            self.notices.warn(
                f"{who} declined mention #{handoff.mention_id}: {handoff.reason} "
                "It is back with you."
            )
        else:
            self.notices.say(f"{who} accepted mention #{handoff.mention_id}.", 8000)
