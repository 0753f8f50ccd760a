"""The page's entries in the tray menu and the Duty menu: while a page waits for me, a line
saying what arrived, "Acknowledge and go on duty" (unless I am on duty) and "Acknowledge the
page", first in the tray's menu; hidden while no page waits."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from app.client.team import paging_words as words
from app.models.on_call_schemas import PagePublic


class PageRemote(QObject):
    acknowledgeRequested = Signal(int, bool)  # page id, take the watch

    def __init__(self, tray_menu: QMenu, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.page: PagePublic | None = None
        self.headline_action = QAction("", self)
        self.headline_action.setEnabled(False)
        self.watch_action = QAction(words.TRAY_ACKNOWLEDGE_AND_GO_ON_DUTY, self)
        self.watch_action.setStatusTip(words.ACKNOWLEDGE_AND_GO_ON_DUTY_HELP)
        self.watch_action.triggered.connect(lambda: self._acknowledge(True))
        self.acknowledge_action = QAction(words.TRAY_ACKNOWLEDGE, self)
        self.acknowledge_action.setStatusTip(words.ACKNOWLEDGE_HELP)
        self.acknowledge_action.triggered.connect(lambda: self._acknowledge(False))
        self.separator = QAction(self)
        self.separator.setSeparator(True)
        first = tray_menu.actions()[0]  # first in the tray: what wants an answer now
        for action in (*self.menu_section(), self.separator):
            tray_menu.insertAction(first, action)
        self.show_page(None, on_duty=False)

    def menu_section(self) -> list[QAction]:
        return [self.headline_action, self.watch_action, self.acknowledge_action]

    def show_page(self, page: PagePublic | None, *, on_duty: bool) -> None:
        self.page = page
        waiting = page is not None
        if page is not None:
            self.headline_action.setText("⚑ " + words.page_title(page).replace("&", "&&"))
        for action in (self.headline_action, self.acknowledge_action, self.separator):
            action.setVisible(waiting)
        self.watch_action.setVisible(waiting and not on_duty)

    def _acknowledge(self, take_watch: bool) -> None:
        if self.page is not None:
            self.acknowledgeRequested.emit(self.page.id, take_watch)
