"""The managers' Console-menu entry "Replies & cool-off…": shown to managers and admins only, it
opens the reply-library dialog; after every saved edit the console's composer reloads its list
(and cool-off) through `after_change`."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from app.client.connection.api import ResponderApi
from app.client.manager.reply_library import ReplyLibrary
from app.client.stream.viewer import Viewer
from app.common.tasks import TaskKeeper
from app.ui.manager.reply_library_dialog import ReplyLibraryDialog

AfterChange = Callable[[], Coroutine[Any, Any, object]]


class ReplyLibraryMenu(QObject):
    def __init__(
        self,
        api: ResponderApi,
        action: QAction,
        window: QWidget,
        after_change: AfterChange | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.library = ReplyLibrary(api)
        self.dialog: ReplyLibraryDialog | None = None
        self.action = action
        self._after_change = after_change
        self._tasks = TaskKeeper("ui")
        self.library.changed.connect(self._library_changed)

    def viewer_changed(self, viewer: Viewer) -> None:
        manager = viewer.user is not None and viewer.user.role.is_manager
        self.action.setVisible(manager)
        self.action.setEnabled(manager)
        if not manager and self.dialog is not None:
            self.dialog.close()

    def open(self) -> ReplyLibraryDialog:
        if self.dialog is None:
            self.dialog = ReplyLibraryDialog(self.library, self.window)
        dialog = self.dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        dialog.entry_list.setFocus()
        dialog._start(dialog.load())
        return dialog

    def _library_changed(self, _: None) -> None:
        # The console's own composer offers the new list (and cool-off) right away.
        if self._after_change is not None:
            self._tasks.spawn(self._after_change())

    async def aclose(self) -> None:
        if self.dialog is not None:
            await self.dialog.aclose()
        await self._tasks.aclose()
