"""Tag, assign and hand off the selected mentions (Mention ▸ Tag selected…, Assign selected…,
Hand off selected…; the stream's context menu): a dialog asks what (the tags, the person, the
recipient and note), then one request does it to every selected mention
(`MentionActions.run_bulk`), which checks back before an assignment or a hand-off of many and
sums up what was done. Assign and hand off on a selection are for managers; tagging for all.

The dialogs are attributes (`ask_tags`, `ask_assignee`, `ask_handoff`) so tests answer them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QInputDialog, QLineEdit, QWidget

from app.client.stream.bulk import BulkDone, offline_words
from app.client.stream.viewer import Viewer
from app.models.bulk_schemas import BulkAction
from app.models.enums import Duty
from app.models.schemas import UserRef
from app.ui.handoffs.dialogs import HandoffChoice, HandoffDialog
from app.ui.qt.async_slots import run_blocking_dialog
from app.ui.qt.notices import Notices
from app.ui.stream.mention_actions import NO_SELECTION_MS, MentionActions
from app.ui.stream.stream import MentionStream

NOBODY = "Nobody (back to the queue)"
MANAGERS_ONLY = "Only a manager can assign or hand off several mentions at once."

People = Callable[[], list[tuple[UserRef, Duty]]]


def split_tags(text: str) -> list[str]:
    """The tags typed as "billing, Refund , late" (the server folds their case)."""
    return [part.strip() for part in text.split(",") if part.strip()]


class SelectionActions(QObject):
    def __init__(
        self,
        actions: MentionActions,
        stream: MentionStream,
        notices: Notices,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._actions = actions
        self._stream = stream
        self._notices = notices
        self._window = window
        self.viewer = Viewer(None, frozenset(), frozenset())
        # Whom to assign or hand to, and the teams (the team features fill them in).
        self.people: People = list
        self.teams: Callable[[], list[str]] = list
        self.ask_tags: Callable[[int], Awaitable[list[str] | None]] = self._ask_tags
        self.ask_assignee: Callable[[int], Awaitable[int | bool | None]] = self._ask_assignee
        self.ask_handoff: Callable[[int], Awaitable[HandoffChoice | None]] = self._ask_handoff

    def viewer_changed(self, viewer: Viewer) -> None:
        self.viewer = viewer

    @property
    def is_manager(self) -> bool:
        user = self.viewer.user
        return user is not None and user.role.is_manager

    def _selected(self, action: BulkAction, managers_only: bool = False) -> list[int] | None:
        ids = [row.id for row in self._stream.action_rows()]
        if not ids:
            self._notices.say("Select a mention first.", NO_SELECTION_MS)
            return None
        if managers_only and not self.is_manager:
            self._notices.warn(MANAGERS_ONLY)
            return None
        if not self._actions.bulk.online:  # before any dialog: it cannot be done now
            self._notices.warn(offline_words(action, len(ids)))
            return None
        return ids

    def tag_requested(self) -> asyncio.Task[BulkDone | None] | None:
        ids = self._selected(BulkAction.TAG)
        return None if ids is None else self._actions.keep(self._tag(ids))

    def assign_requested(self) -> asyncio.Task[BulkDone | None] | None:
        ids = self._selected(BulkAction.ASSIGN, managers_only=True)
        return None if ids is None else self._actions.keep(self._assign(ids))

    def hand_off_requested(self) -> asyncio.Task[BulkDone | None] | None:
        ids = self._selected(BulkAction.HANDOFF, managers_only=True)
        return None if ids is None else self._actions.keep(self._hand_off(ids))

    async def _tag(self, ids: list[int]) -> BulkDone | None:
        tags = await self.ask_tags(len(ids))
        if not tags:
            return None
        return await self._actions.run_bulk(BulkAction.TAG, ids, tags=tags)

    async def _assign(self, ids: list[int]) -> BulkDone | None:
        user_id = await self.ask_assignee(len(ids))
        if user_id is False:  # cancelled; None is "nobody"
            return None
        return await self._actions.run_bulk(BulkAction.ASSIGN, ids, user_id=user_id)

    async def _hand_off(self, ids: list[int]) -> BulkDone | None:
        choice = await self.ask_handoff(len(ids))
        if choice is None:
            return None
        return await self._actions.run_bulk(
            BulkAction.HANDOFF,
            ids,
            to_user_id=choice.to_user_id,
            to_team=choice.to_team,
            note=choice.note,
        )

    # --- the dialogs -----------------------------------------------------------------------

    def _input(self, title: str, label: str) -> QInputDialog:
        dialog = QInputDialog(self._window)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        return dialog

    async def _ask_tags(self, count: int) -> list[str] | None:
        dialog = self._input("Tag selected mentions", f"Tags to add to {_n(count)}, by commas:")
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        accepted = await run_blocking_dialog(dialog.exec) == QDialog.DialogCode.Accepted
        text = dialog.textValue()
        dialog.deleteLater()
        return split_tags(text) if accepted else None

    async def _ask_assignee(self, count: int) -> int | bool | None:
        people = self.people()
        dialog = self._input("Assign selected mentions", f"Give {_n(count)} to:")
        labels = [NOBODY, *(user.name for user, _duty in people)]
        dialog.setComboBoxItems(labels)
        dialog.setComboBoxEditable(False)
        accepted = await run_blocking_dialog(dialog.exec) == QDialog.DialogCode.Accepted
        chosen = dialog.textValue()
        dialog.deleteLater()
        if not accepted:
            return False
        return next((user.id for user, _duty in people if user.name == chosen), None)

    async def _ask_handoff(self, count: int) -> HandoffChoice | None:
        dialog = HandoffDialog(f"these {_n(count)}", self.people(), self.teams(), self._window)
        accepted = await run_blocking_dialog(dialog.exec) == QDialog.DialogCode.Accepted
        choice = dialog.choice() if accepted else None
        dialog.deleteLater()
        return choice


def _n(count: int) -> str:
    return "1 mention" if count == 1 else f"{count} mentions"
