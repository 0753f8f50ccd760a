"""Console ▸ "Tag lists…" (managers and admins): a team's tags, offered to everyone while they
type, and, with "Only these tags" on, the only tags its mentions may carry (the server refuses
others by name)."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.client.connection.api import ResponderApi
from app.client.customers.tag_lists import TeamTagLists
from app.client.stream.viewer import Viewer
from app.common.tasks import TaskKeeper


def tags_typed(text: str) -> list[str]:
    """Tags one per line or separated by commas, blanks dropped."""
    return [part.strip() for line in text.splitlines() for part in line.split(",") if part.strip()]


class TagListsDialog(QDialog):
    def __init__(self, lists: TeamTagLists, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tag lists")
        self._lists = lists
        self._tasks = TaskKeeper("tag-lists")
        self.team_box = QComboBox()
        self.team_box.setAccessibleName("Team")
        self.tags_edit = QPlainTextEdit()
        self.tags_edit.setAccessibleName("The team's tags")
        self.tags_edit.setPlaceholderText("One tag per line (or separated by commas)")
        self.fixed = QCheckBox("Only these tags on the team's mentions")
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        for widget in (self.team_box, self.tags_edit, self.fixed, self.status, buttons):
            layout.addWidget(widget)
        self.team_box.currentIndexChanged.connect(lambda _i: self._start(self.show_team()))
        buttons.accepted.connect(lambda: self._start(self.save()))
        buttons.rejected.connect(self.close)

    def _start(self, coro: Any) -> None:
        self._tasks.spawn(coro, name="tag-lists")

    @property
    def running(self) -> tuple[asyncio.Task[Any], ...]:
        return self._tasks.tasks

    async def aclose(self) -> None:
        await self._tasks.aclose()

    def team_id(self) -> int | None:
        value = self.team_box.currentData()
        return int(value) if value is not None else None

    async def load(self) -> None:
        teams = await self._lists.teams()
        if teams is None:
            self.status.setText("The teams cannot be read now (offline?).")
            return
        self.team_box.blockSignals(True)
        self.team_box.clear()
        for team_id, name in teams:
            self.team_box.addItem(name, team_id)
        self.team_box.blockSignals(False)
        await self.show_team()

    async def show_team(self) -> None:
        team_id = self.team_id()
        if team_id is None:
            return
        outcome = await self._lists.load(team_id)
        if outcome.tags is None or team_id != self.team_id():
            self.status.setText(outcome.message)
            return
        self.tags_edit.setPlainText("\n".join(outcome.tags.tags))
        self.fixed.setChecked(outcome.tags.fixed)
        self.status.setText("" if outcome.tags.saved else "No list saved yet: tags are free.")

    async def save(self) -> bool:
        team_id = self.team_id()
        if team_id is None:
            return False
        tags = tags_typed(self.tags_edit.toPlainText())
        outcome = await self._lists.save(team_id, self.fixed.isChecked(), tags)
        self.status.setText(outcome.message)
        if outcome.tags is not None:
            self.tags_edit.setPlainText("\n".join(outcome.tags.tags))
        return outcome.tags is not None


class TagListsMenu(QObject):
    def __init__(self, api: ResponderApi, action: QAction, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.lists = TeamTagLists(api)
        self.action = action
        self.dialog: TagListsDialog | None = None

    def viewer_changed(self, viewer: Viewer) -> None:
        manager = viewer.user is not None and viewer.user.role.is_manager
        self.action.setVisible(manager)
        self.action.setEnabled(manager)
        if not manager and self.dialog is not None:
            self.dialog.close()

    def open(self) -> TagListsDialog:
        if self.dialog is None:
            self.dialog = TagListsDialog(self.lists, self.window)
        dialog = self.dialog
        dialog.show()
        dialog.raise_()
        dialog._start(dialog.load())
        return dialog

    async def aclose(self) -> None:
        if self.dialog is not None:
            await self.dialog.aclose()
