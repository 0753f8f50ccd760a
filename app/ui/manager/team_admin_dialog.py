"""The admins' "Teams…" dialog: the teams with their members; create a team, rename and
describe it, add and remove members. Every change goes straight to the server (`TeamAdmin`);
what the server refuses is said in the dialog. Its Console-menu entry (`TeamAdminMenu`) is
shown only to admins."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.client.connection.api import ResponderApi
from app.client.manager.team_admin import TeamAdmin, TeamChange
from app.client.stream.viewer import Viewer
from app.common.tasks import TaskKeeper
from app.models.enums import Role
from app.ui.qt import theme

_ID = Qt.ItemDataRole.UserRole


class TeamAdminDialog(QDialog):
    def __init__(self, admin: TeamAdmin, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.admin = admin
        self._tasks = TaskKeeper("ui")
        self.setWindowTitle("Teams")
        self.setMinimumSize(700, 460)
        heading = QLabel(
            "Teams route mentions and make up the roster. Choose a team to rename it, describe "
            "it or change its members; changes are saved on the server at once."
        )
        heading.setWordWrap(True)

        self.team_list = QListWidget()
        self.team_list.setAccessibleName("Teams")
        self.team_list.currentItemChanged.connect(lambda *_: self._show_team())

        self.name_edit = QLineEdit()
        self.description_edit = QLineEdit()
        self.zone_edit = QLineEdit()
        self.zone_edit.setPlaceholderText("UTC, Europe/Berlin, America/New_York…")
        self.save_button = QPushButton("Save team")
        self.save_button.clicked.connect(lambda: self._start(self.save_team()))
        self.member_list = QListWidget()
        self.member_list.setAccessibleName("Members of the team")
        self.remove_button = QPushButton("Remove member")
        self.remove_button.clicked.connect(lambda: self._start(self.remove_selected()))
        self.person_box = QComboBox()
        self.person_box.setAccessibleName("Person to add")
        self.person_box.setMinimumContentsLength(16)
        self.add_button = QPushButton("Add member")
        self.add_button.clicked.connect(lambda: self._start(self.add_chosen()))
        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Description:", self.description_edit)
        form.addRow("&Time zone:", self.zone_edit)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        add_row = QHBoxLayout()
        add_row.addWidget(self.person_box, 1)
        add_row.addWidget(self.add_button)
        add_row.addWidget(self.remove_button)
        self.details = QGroupBox("Team")
        details_layout = QVBoxLayout(self.details)
        details_layout.addLayout(form)
        details_layout.addLayout(save_row)
        details_layout.addWidget(QLabel("Members:"))
        details_layout.addWidget(self.member_list, 1)
        details_layout.addLayout(add_row)

        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("e.g. billing")
        self.new_description = QLineEdit()
        self.new_zone = QLineEdit("UTC")
        self.create_button = QPushButton("Create team")
        self.create_button.clicked.connect(lambda: self._start(self.create_team()))
        new_box = QGroupBox("New team")
        new_form = QFormLayout(new_box)
        new_form.addRow("Na&me:", self.new_name)
        new_form.addRow("Descri&ption:", self.new_description)
        new_form.addRow("Time &zone:", self.new_zone)
        new_form.addRow("", self.create_button)

        left = QVBoxLayout()
        left.addWidget(self.team_list, 1)
        left.addWidget(new_box)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addWidget(self.details, 3)

        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setAccessibleName("Outcome")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(body, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self._show_teams(None)

    # --- showing ---------------------------------------------------------------------------

    def selected_team_id(self) -> int | None:
        item = self.team_list.currentItem()
        return int(item.data(_ID)) if item is not None else None

    def _show_teams(self, select: int | None) -> None:
        select = select if select is not None else self.selected_team_id()
        self.team_list.blockSignals(True)
        self.team_list.clear()
        for team in self.admin.teams:
            count = len(team.members)
            item = QListWidgetItem(f"{team.name} ({count} {'member' if count == 1 else 'members'})")
            item.setData(_ID, team.id)
            self.team_list.addItem(item)
            if team.id == select:
                self.team_list.setCurrentItem(item)
        if self.team_list.currentItem() is None and self.team_list.count():
            self.team_list.setCurrentRow(0)
        self.team_list.blockSignals(False)
        self._show_team()

    def _show_team(self) -> None:
        team_id = self.selected_team_id()
        team = self.admin.team(team_id) if team_id is not None else None
        self.details.setEnabled(team is not None)
        # A "&" in a name would turn into a mnemonic underline in the title.
        title = f"Team {team.name.replace('&', '&&')}" if team is not None else "Team"
        self.details.setTitle(title)
        self.name_edit.setText(team.name if team else "")
        self.description_edit.setText(team.description if team else "")
        self.zone_edit.setText(team.time_zone if team else "")
        self.member_list.clear()
        self.person_box.clear()
        if team is None:
            return
        for member in sorted(team.members, key=lambda m: m.name.lower()):
            item = QListWidgetItem(member.name)
            item.setData(_ID, member.id)
            self.member_list.addItem(item)
        for user in self.admin.non_members(team.id):
            self.person_box.addItem(f"{user.name} ({user.role.value})", user.id)
        self.add_button.setEnabled(self.person_box.count() > 0)

    def _say(self, change: TeamChange) -> None:
        colour = theme.Role.DONE_TEXT if change.done else theme.Role.ERROR_TEXT
        self.problem.setStyleSheet(theme.text_style(colour))
        self.problem.setText(change.message)
        if change.team is not None:
            self._show_teams(change.team.id)

    # --- actions (the buttons start these; tests await them) -------------------------------

    async def load(self) -> None:
        failure = await self.admin.load()
        if failure is not None:
            self.problem.setStyleSheet(theme.text_style(theme.Role.ERROR_TEXT))
            self.problem.setText(failure)
        self._show_teams(None)

    async def create_team(self) -> TeamChange:
        change = await self.admin.create(
            self.new_name.text(), self.new_description.text(), self.new_zone.text()
        )
        if change.done:
            self.new_name.clear()
            self.new_description.clear()
        self._say(change)
        return change

    async def save_team(self) -> TeamChange | None:
        team_id = self.selected_team_id()
        if team_id is None:
            return None
        change = await self.admin.edit(
            team_id, self.name_edit.text(), self.description_edit.text(), self.zone_edit.text()
        )
        self._say(change)
        return change

    async def add_chosen(self) -> TeamChange | None:
        team_id, user_id = self.selected_team_id(), self.person_box.currentData()
        if team_id is None or user_id is None:
            return None
        change = await self.admin.add_member(team_id, int(user_id))
        self._say(change)
        return change

    async def remove_selected(self) -> TeamChange | None:
        team_id, item = self.selected_team_id(), self.member_list.currentItem()
        if team_id is None or item is None:
            return None
        change = await self.admin.remove_member(team_id, int(item.data(_ID)))
        self._say(change)
        return change

    def _start(self, coro: Coroutine[Any, Any, object]) -> asyncio.Task[None]:
        async def run() -> None:
            await coro

        return self._tasks.spawn(run())

    @property
    def running(self) -> tuple[asyncio.Task[Any], ...]:
        return self._tasks.tasks

    async def aclose(self) -> None:
        await self._tasks.aclose()


class TeamAdminMenu(QObject):
    """The Console-menu entry "Teams…" that opens the dialog, for admins only."""

    def __init__(self, api: ResponderApi, action: QAction, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.admin = TeamAdmin(api)
        self.dialog: TeamAdminDialog | None = None
        self.action = action

    def viewer_changed(self, viewer: Viewer) -> None:
        admin = viewer.user is not None and viewer.user.role is Role.ADMIN
        self.action.setVisible(admin)
        self.action.setEnabled(admin)
        if not admin and self.dialog is not None:
            self.dialog.close()

    def open(self) -> TeamAdminDialog:
        if self.dialog is None:
            self.dialog = TeamAdminDialog(self.admin, self.window)
        dialog = self.dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        dialog._start(dialog.load())
        return dialog

    async def aclose(self) -> None:
        if self.dialog is not None:
            await self.dialog.aclose()
