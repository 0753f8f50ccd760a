"""A mention no brand account can answer: the presenter's sentence saying so (plain text: it
may quote the mention's link) and "Open on the site", which opens the mention's page in the
rep's browser (the desktop's, not the app's network). The editor stays open for a draft."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from app.ui.composer.tinted import TintedBox
from app.ui.qt.plain import plain_label, plain_tooltip, set_plain
from app.ui.qt.theme import Role


class UnanswerableBox(TintedBox):
    """Shown while the composer's mention cannot be answered from the console."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("unanswerable", Role.UNANSWERABLE, Role.UNANSWERABLE_TEXT, parent)
        self.setAccessibleName("Cannot answer here")
        self.site_url: str | None = None  # what "Open on the site" opens
        self.sentence = plain_label()
        self.sentence.setWordWrap(True)
        self.sentence.setAccessibleName("Why this mention cannot be answered here")
        self.open_button = QPushButton("Open on the site")
        self.open_button.clicked.connect(self.open_site)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.sentence, 1)
        layout.addWidget(self.open_button)
        self.hide()

    def show_problem(self, sentence: str | None, site_url: str | None) -> None:
        """Say why (None: the mention can be answered here, the box hides)."""
        self.site_url = site_url or None
        set_plain(self.sentence, sentence or "")
        self.open_button.setEnabled(self.site_url is not None)
        self.open_button.setToolTip(plain_tooltip(self.site_url or ""))
        self.setVisible(sentence is not None)

    def open_site(self) -> bool:
        if self.site_url is None:
            return False
        return QDesktopServices.openUrl(QUrl(self.site_url))
