"""The "My paging…" dialog (Duty menu): where my pages reach me (the notifier URLs, shown masked
as the server gives them, replaced as a whole), my quiet hours and my time zone. Save asks the
server; its refusal (a URL the notifier does not understand, an unknown zone) shows in the
dialog, which stays open with everything typed still there."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.client.team import paging_words as words
from app.models.on_call_schemas import PagingPublic, PagingUpdate, QuietHours
from app.ui.qt import theme
from app.ui.qt.theme import Role

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _normal_time(text: str) -> str:
    """'7:30' → '07:30'."""
    text = text.strip()
    return f"0{text}" if re.match(r"^\d:\d\d$", text) else text


class PagingDialog(QDialog):
    saveRequested = Signal(object)  # PagingUpdate: the desk asks the server, then `saved`

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(words.PAGING_TITLE)
        self.setMinimumWidth(520)
        self.settings: PagingPublic | None = None
        heading = QLabel(words.PAGING_HEADING)
        heading.setWordWrap(True)
        self.urls = QListWidget()
        self.urls.setAccessibleName("Where pages reach me")
        self.urls.setMaximumHeight(90)
        self.replace = QCheckBox(words.URLS_REPLACE)
        self.new_urls = QPlainTextEdit()
        self.new_urls.setAccessibleName("New notifier URLs, one a line")
        self.new_urls.setPlaceholderText(words.URLS_REPLACE_HELP)
        self.new_urls.setMaximumHeight(90)
        self.new_urls.setEnabled(False)
        self.replace.toggled.connect(self.new_urls.setEnabled)
        self.quiet = QCheckBox(words.QUIET_HOURS_LABEL)
        self.quiet_start = QLineEdit("22:00")
        self.quiet_end = QLineEdit("07:00")
        for edit in (self.quiet_start, self.quiet_end):
            edit.setPlaceholderText("HH:MM")
            edit.setMaximumWidth(80)
            edit.setEnabled(False)
            self.quiet.toggled.connect(edit.setEnabled)
        self.quiet_start.setAccessibleName("Quiet hours from")
        self.quiet_end.setAccessibleName("Quiet hours until")
        quiet_row = QHBoxLayout()
        quiet_row.addWidget(self.quiet)
        quiet_row.addWidget(QLabel(words.QUIET_FROM))
        quiet_row.addWidget(self.quiet_start)
        quiet_row.addWidget(QLabel(words.QUIET_UNTIL))
        quiet_row.addWidget(self.quiet_end)
        quiet_row.addStretch(1)
        quiet_help = QLabel(words.QUIET_HELP)
        quiet_help.setWordWrap(True)
        quiet_help.setStyleSheet(theme.text_style(Role.SUBTLE_TEXT))
        self.quiet_now = QLabel("")
        self.quiet_now.setStyleSheet(theme.text_style(Role.PENDING_TEXT))
        self.time_zone = QLineEdit()
        self.time_zone.setPlaceholderText(words.TIME_ZONE_HELP)
        self.time_zone.setAccessibleName(words.TIME_ZONE_LABEL)
        zone = QFormLayout()
        zone.addRow(words.TIME_ZONE_LABEL, self.time_zone)
        self.problem = QLabel(words.LOADING)
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)  # the server's sentence, as said
        self.problem.setStyleSheet(theme.text_style(Role.ERROR_TEXT))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)  # until the settings are loaded
        self.buttons.accepted.connect(self._save_if_valid)
        self.buttons.rejected.connect(self.reject)
        for edit in (self.quiet_start, self.quiet_end, self.time_zone):
            edit.textChanged.connect(lambda _text: self.problem.setText(""))
        self.new_urls.textChanged.connect(lambda: self.problem.setText(""))
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(QLabel(words.URLS_LABEL))
        layout.addWidget(self.urls)
        layout.addWidget(self.replace)
        layout.addWidget(self.new_urls)
        layout.addLayout(quiet_row)
        layout.addWidget(quiet_help)
        layout.addWidget(self.quiet_now)
        layout.addLayout(zone)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    # --- filled from the server, and its answers ----------------------------------------------

    def show_settings(self, settings: PagingPublic) -> None:
        self.settings = settings
        self.urls.clear()
        if settings.urls:
            self.urls.addItems(settings.urls)
        else:
            self.urls.addItem(words.NO_URLS)
        self.quiet.setChecked(settings.quiet_hours is not None)
        if settings.quiet_hours is not None:
            self.quiet_start.setText(settings.quiet_hours.start)
            self.quiet_end.setText(settings.quiet_hours.end)
        self.time_zone.setText(settings.time_zone)
        self.quiet_now.setText(words.QUIET_NOW if settings.quiet_now else "")
        self.quiet_now.setVisible(settings.quiet_now)
        self.problem.setText("")
        self.save_button.setEnabled(True)

    def show_problem(self, sentence: str) -> None:
        """The server refused (or could not be reached): say so, keep everything typed."""
        self.problem.setText(sentence)
        self.save_button.setEnabled(self.settings is not None)

    # --- what Save sends ------------------------------------------------------------------

    def paging_update(self) -> PagingUpdate:
        """The form as the server's request; ValueError says what to fix first."""
        assert self.settings is not None
        if self.replace.isChecked():
            urls = [line.strip() for line in self.new_urls.toPlainText().splitlines()]
            urls = [url for url in urls if url]
        else:
            urls = list(self.settings.urls)  # shown masked: the server keeps them as they are
        quiet: QuietHours | None = None
        if self.quiet.isChecked():
            start = _normal_time(self.quiet_start.text())
            end = _normal_time(self.quiet_end.text())
            if not start and not end:
                raise ValueError(words.QUIET_HALF)
            for which, text in (("start", start), ("end", end)):
                if not _TIME.match(text):
                    raise ValueError(words.bad_time(which, text))
            quiet = QuietHours(start=start, end=end)
        zone = self.time_zone.text().strip() or None
        return PagingUpdate(urls=urls, quiet_hours=quiet, time_zone=zone)

    def _save_if_valid(self) -> None:
        try:
            update = self.paging_update()
        except ValueError as exc:
            self.problem.setText(str(exc))
            return
        self.problem.setText("")
        self.save_button.setEnabled(False)  # until the server answers
        self.saveRequested.emit(update)
