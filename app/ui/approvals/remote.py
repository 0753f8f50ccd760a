"""The approval requests' entries in the tray menu (first, as what wants an answer now), for
managers: a line per waiting request ("Dana asks to promise a refund · 2 min") whose submenu
has Approve, Deny… and Edit and approve…; hidden while nothing waits."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from app.client.approvals.board import request_title
from app.client.handoffs.board import waiting_text
from app.models.approval_schemas import ApprovalPublic

APPROVE = "&Approve"
DENY = "&Deny…"
EDIT = "&Edit and approve…"


def _menu_text(text: str) -> str:
    return text.replace("&", "&&")  # a name shows as written, not as a shortcut mark


class ApprovalRemote(QObject):
    approveRequested = Signal(int)  # approval id
    denyRequested = Signal(int)
    editRequested = Signal(int)

    def __init__(self, tray_menu: QMenu, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.waiting: list[ApprovalPublic] = []
        self.headline_action = QAction("", self)
        self.headline_action.setEnabled(False)
        self.separator = QAction(self)
        self.separator.setSeparator(True)
        # Keep the submenus referenced from Python: menus only hold pointers to them.
        self.menus: dict[int, QMenu] = {}
        self.actions: dict[tuple[int, str], QAction] = {}
        self._tray_menu = tray_menu
        first = tray_menu.actions()[0]
        for action in (self.headline_action, self.separator):
            tray_menu.insertAction(first, action)
        self.show_waiting([], waiting_seconds=lambda _a: 0.0)

    def show_waiting(
        self,
        waiting: list[ApprovalPublic],
        *,
        waiting_seconds: Callable[[ApprovalPublic], float],
    ) -> None:
        """The requests waiting for a manager, oldest first (none: the entries hide)."""
        seconds = waiting_seconds
        for menu in self.menus.values():
            self._tray_menu.removeAction(menu.menuAction())
            menu.deleteLater()
        self.menus.clear()
        self.actions.clear()
        self.waiting = list(waiting)
        count = len(waiting)
        self.headline_action.setText(
            "1 reply waiting for approval"
            if count == 1
            else f"{count} replies waiting for approval"
        )
        for action in (self.headline_action, self.separator):
            action.setVisible(bool(waiting))
        for approval in waiting:
            label = f"{request_title(approval)} · {waiting_text(seconds(approval))}"
            menu = QMenu(_menu_text(label))
            menu.setAccessibleName(f"Approval {approval.id}")
            for key, text, signal in (
                ("approve", APPROVE, self.approveRequested),
                ("deny", DENY, self.denyRequested),
                ("edit", EDIT, self.editRequested),
            ):
                action = menu.addAction(text)
                action.triggered.connect(lambda _=False, i=approval.id, s=signal: s.emit(i))
                self.actions[(approval.id, key)] = action
            self._tray_menu.insertAction(self.separator, menu.menuAction())
            self.menus[approval.id] = menu

    def action(self, approval_id: int, key: str) -> QAction:
        """ "approve", "deny" or "edit" of one request (tests and the window's menu)."""
        return self.actions[(approval_id, key)]
