"""The selected mention's post on its network: open it in the browser, or copy its link (the
status bar says "Link copied"). A mention without a link offers neither."""

from __future__ import annotations

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

from app.client.stream.rows import MentionRow
from app.ui.qt.notices import Notices

LINK_COPIED = "Link copied"
NO_LINK = "This mention has no link to its post."


def has_link(row: MentionRow | None) -> bool:
    return row is not None and bool(row.url)


class MentionLinks(QObject):
    def __init__(self, notices: Notices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._notices = notices

    def open(self, row: MentionRow | None) -> bool:
        """Open the post in the desktop's browser; False when there is nothing to open or the
        desktop could not."""
        if row is None or not row.url:
            self._notices.say(NO_LINK)
            return False
        if not QDesktopServices.openUrl(QUrl(row.url)):
            self._notices.warn(f"The browser could not be started for {row.url}")
            return False
        return True

    def copy(self, row: MentionRow | None) -> bool:
        if row is None or not row.url:
            self._notices.say(NO_LINK)
            return False
        QGuiApplication.clipboard().setText(row.url)
        self._notices.say(LINK_COPIED)
        return True
