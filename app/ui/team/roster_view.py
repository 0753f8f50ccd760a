"""The roster: who is on duty, away or off, per team, since when. Managers can change anyone's
duty from its context menu (the same requests as the tray's "Everyone's duty"), and edit a
team's rota, its on-call order and its routing from the team's."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QLabel, QMenu, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.client.manager.routing_words import ROSTER_ENTRY as ROUTING_ENTRY
from app.client.team.paging_words import ON_CALL_ORDER
from app.models.enums import Duty
from app.models.team_schemas import RosterMember, RosterPublic
from app.ui.qt import theme
from app.ui.qt.theme import Role

_DUTY_LOOK = {
    # duty: (label, text colour) — the label carries the meaning, the colour only helps
    Duty.ON_DUTY: ("● On duty", Role.DUTY_ON),
    Duty.AWAY: ("◐ Away", Role.DUTY_AWAY),
    Duty.OFF_DUTY: ("○ Off duty", Role.DUTY_OFF),
}
_USER_ROLE = Qt.ItemDataRole.UserRole
_TEAM_ROLE = Qt.ItemDataRole.UserRole + 1


def since_text(since: datetime, now: datetime) -> str:
    local = since.astimezone()
    if (now - since).total_seconds() < 20 * 3600:
        return local.strftime("since %H:%M")
    return local.strftime("since %a %d %b %H:%M")


class RosterView(QWidget):
    dutyRequested = Signal(int, str)  # user id, Duty value
    rotaRequested = Signal(int)  # team id: a manager wants to edit its weekly rota
    onCallRequested = Signal(int)  # team id: … or the order its pages follow
    routingRequested = Signal(int)  # team id: … or its routing and response-time targets

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.can_manage = False
        self.roster: RosterPublic | None = None
        self.heading = QLabel("Loading the roster…")
        self.heading.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Duty roster")
        self.tree.setHeaderLabels(["Team / person", "Duty", "Since", "Role"])
        self.tree.setColumnWidth(0, 150)
        self.tree.setColumnWidth(1, 96)
        self.tree.setColumnWidth(2, 110)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.tree, 1)

    def show_roster(self, roster: RosterPublic) -> None:
        self.roster = roster
        self.tree.clear()
        on = {m.user.id for t in roster.teams for m in t.on_duty}
        self.heading.setText(
            f"{len(on)} on duty now"
            + (
                " — right-click a person to change their duty, a team to edit its rota, "
                "its on-call order or its routing."
                if self.can_manage
                else "."
            )
        )
        for team in roster.teams:
            name = team.team or "No team"
            members = [*team.on_duty, *team.away, *team.off_duty]
            label = f"{name} — {len(team.on_duty)} on duty"
            if team.has_rota:
                label += " (rota)"
            group = QTreeWidgetItem([label])
            group.setData(0, _TEAM_ROLE, team.team_id)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            if not team.on_duty:
                group.setForeground(0, QBrush(theme.color(Role.ERROR_TEXT)))
            self.tree.addTopLevelItem(group)
            group.setFirstColumnSpanned(True)
            for member in members:
                group.addChild(self._item(member, roster.at))
            group.setExpanded(True)

    def _item(self, member: RosterMember, now: datetime) -> QTreeWidgetItem:
        label, role = _DUTY_LOOK[member.duty]
        item = QTreeWidgetItem(
            [member.user.name, label, since_text(member.since, now), member.role.value]
        )
        item.setForeground(1, QBrush(theme.color(role)))
        item.setData(0, _USER_ROLE, member.user.id)
        return item

    def _menu(self, point: QPoint) -> None:
        item = self.tree.itemAt(point)
        if not self.can_manage or item is None:
            return
        if item.parent() is None:
            team_id = item.data(0, _TEAM_ROLE)
            if team_id is not None:
                menu = QMenu(self)
                edit = menu.addAction("Edit rota…")
                edit.triggered.connect(lambda _=False: self.rotaRequested.emit(int(team_id)))
                order = menu.addAction(ON_CALL_ORDER)
                order.triggered.connect(lambda _=False: self.onCallRequested.emit(int(team_id)))
                routing = menu.addAction(ROUTING_ENTRY)
                routing.triggered.connect(lambda _=False: self.routingRequested.emit(int(team_id)))
                menu.popup(self.tree.viewport().mapToGlobal(point))
            return
        user_id = int(item.data(0, _USER_ROLE))
        menu = QMenu(self)
        for duty, (label, _) in _DUTY_LOOK.items():
            action = menu.addAction(label)
            action.triggered.connect(
                lambda _=False, d=duty: self.dutyRequested.emit(user_id, d.value)
            )
        menu.popup(self.tree.viewport().mapToGlobal(point))
