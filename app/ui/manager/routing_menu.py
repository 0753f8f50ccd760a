"""The managers' entry to the routing dialog: Console ▸ "Routing and response times…" (shown to
managers and admins only) opens it on the team last shown, the roster's team menu opens it on
that team. Reps have no entry: the server refuses their changes anyway, and the stream's clocks
tell them what they need."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from app.client.connection.api import ResponderApi
from app.client.manager.routing import TeamRoutingSettings
from app.client.stream.viewer import Viewer
from app.ui.manager.routing_dialog import RoutingDialog


class RoutingMenu(QObject):
    def __init__(self, api: ResponderApi, action: QAction, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.settings = TeamRoutingSettings(api)
        self.dialog: RoutingDialog | None = None
        self.action = action

    def viewer_changed(self, viewer: Viewer) -> None:
        manager = viewer.user is not None and viewer.user.role.is_manager
        self.action.setVisible(manager)
        self.action.setEnabled(manager)
        if not manager and self.dialog is not None:
            self.dialog.close()

    def open(self, team_id: int | None = None) -> RoutingDialog:
        """Show the dialog (on `team_id` when given) and load the teams afresh."""
        if self.dialog is None:
            self.dialog = RoutingDialog(self.settings, self.window)
        dialog = self.dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        dialog.team_box.setFocus()
        dialog._start(dialog.load(team_id))
        return dialog

    async def aclose(self) -> None:
        if self.dialog is not None:
            await self.dialog.aclose()
