"""The selected mention's post on its network: open it in the browser, or copy its link (the
status bar says "Link copied"). A mention without a web link offers neither: only http(s)
links count, since the address comes from outside and the desktop would open any scheme it
knows (a local file, another program)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

from app.client.stream.rows import MentionRow
from app.ui.qt.notices import Notices

LINK_COPIED = "Link copied"
NO_LINK = "This mention has no link to its post."


_WEB_SCHEMES = frozenset({"http", "https"})


def web_link(row: MentionRow | None) -> QUrl | None:
    """The post's address, when it is a valid web address."""
    if row is None or not row.url:
        return None
    url = QUrl(row.url, QUrl.ParsingMode.StrictMode)
    if not url.isValid() or url.scheme().lower() not in _WEB_SCHEMES or not url.host():
        return None
    return url


def has_link(row: MentionRow | None) -> bool:
    return web_link(row) is not None


class MentionLinks(QObject):
    def __init__(self, notices: Notices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._notices = notices

    def open(self, row: MentionRow | None) -> bool:
        """Open the post in the desktop's browser; False when there is nothing to open or the
        desktop could not."""
        url = web_link(row)
        if url is None:
            self._notices.say(NO_LINK)
            return False
        if not QDesktopServices.openUrl(url):
            self._notices.warn(f"The browser could not be started for {url.toString()}")
            return False
        return True

    def copy(self, row: MentionRow | None) -> bool:
        url = web_link(row)
        if url is None:
            self._notices.say(NO_LINK)
            return False
        QGuiApplication.clipboard().setText(url.toString())
        self._notices.say(LINK_COPIED)
        return True
