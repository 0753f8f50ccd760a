"""The holding statement of the storm view: write it or pick a canned reply, see it as one
sample customer will (`{name}` personalised), each network's length warning, "also tell the
team (broadcast)", "Send to N customers", then the replies' progress ("31 of 120 sent · next in
40 s") counted down every second from the server's last answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.client.team import storm_words as words
from app.client.team.storm_statement import (
    StatementTargets,
    customer_name,
    length_warnings,
    personalise,
)
from app.models.composer import CannedKind, CannedPublic
from app.models.storm_schemas import StormProgress
from app.ui.qt import theme
from app.ui.qt.plain import plain_tooltip
from app.ui.qt.theme import Role


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # customers' names and words stay text
    label.setWordWrap(True)
    return label


class StatementPanel(QGroupBox):
    sendRequested = Signal(str, bool)  # text, broadcast

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(words.STATEMENT_TITLE, parent)
        self.clock = clock
        self.targets = StatementTargets((), 0)
        self.canned: list[CannedPublic] = []
        self.progress: StormProgress | None = None

        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText(words.STATEMENT_PLACEHOLDER)
        self.editor.setAccessibleName(words.STATEMENT_TITLE)
        self.editor.setMinimumHeight(70)
        self.editor.textChanged.connect(self.refresh)
        self.canned_button = QToolButton()
        self.canned_button.setText(words.PICK_CANNED)
        self.canned_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.canned_menu = QMenu(self)
        self.canned_button.setMenu(self.canned_menu)
        self.set_canned([])
        self.preview_title = _plain_label()
        self.preview = _plain_label()
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.setAccessibleName("Preview for one customer")
        self.warnings = _plain_label()
        self.warnings.setStyleSheet(f"color: {theme.name(Role.ERROR_TEXT)};")
        self.broadcast = QCheckBox(words.ALSO_TELL_TEAM)
        self.broadcast.setChecked(True)
        self.send_button = QPushButton(words.send_words(0))
        self.send_button.clicked.connect(self._send)
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setAccessibleName("Holding statement progress")
        self.progress_label = _plain_label()
        self.progress_bar.hide()
        self.progress_label.hide()
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._show_progress_words)

        top = QHBoxLayout()
        top.addWidget(self.editor, 1)
        top.addWidget(self.canned_button, 0, Qt.AlignmentFlag.AlignTop)
        sending = QHBoxLayout()
        sending.addWidget(self.broadcast)
        sending.addStretch(1)
        sending.addWidget(self.send_button)
        progress = QHBoxLayout()
        progress.addWidget(self.progress_bar, 1)
        progress.addWidget(self.progress_label, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.preview_title)
        layout.addWidget(self.preview)
        layout.addWidget(self.warnings)
        layout.addLayout(sending)
        layout.addLayout(progress)
        self.refresh()

    # --- what it offers ------------------------------------------------------------------

    def set_canned(self, canned: list[CannedPublic]) -> None:
        """The composer's canned replies (the playbook's actions are not statements)."""
        self.canned = [c for c in canned if c.kind is CannedKind.CANNED]
        self.canned_menu.clear()
        if not self.canned:
            self.canned_menu.addAction(words.NO_CANNED).setEnabled(False)
        for entry in self.canned:
            action = self.canned_menu.addAction(entry.title.replace("&", "&&"))
            action.setToolTip(plain_tooltip(entry.body))
            action.triggered.connect(lambda _=False, body=entry.body: self.use_canned(body))

    def use_canned(self, body: str) -> None:
        self.editor.setPlainText(body)

    def offer_team_statement(self, text: str) -> None:
        """The statement the storm's team already sends, for my share of its customers —
        unless I have begun writing one of my own."""
        if not self.text().strip():
            self.editor.setPlainText(text)

    def set_targets(self, targets: StatementTargets) -> None:
        self.targets = targets
        self.refresh()

    def text(self) -> str:
        return self.editor.toPlainText()

    def refresh(self) -> None:
        text = self.text()
        sample = self.targets.sample
        if sample is not None:
            self.preview_title.setText(words.PREVIEW_TITLE.format(name=customer_name(sample)))
            self.preview.setText(personalise(text, sample) if text.strip() else words.NO_PREVIEW)
        else:
            self.preview_title.setText("")
            self.preview.setText("")
        found = length_warnings(text, self.targets)
        self.warnings.setText("\n".join(found))
        self.warnings.setVisible(bool(found))
        count = self.targets.count
        if self.going_out:
            # One statement at a time: the customers still waiting for it are not offered
            # another (a different text would reach them twice).
            self.send_button.setText(words.STATEMENT_GOING)
            self.send_button.setEnabled(False)
            return
        self.send_button.setText(words.send_words(count))
        self.send_button.setEnabled(bool(text.strip()) and count > 0)

    @property
    def going_out(self) -> bool:
        return self.progress is not None and not words.progress_done(self.progress)

    def _send(self) -> None:
        if self.text().strip():
            self.sendRequested.emit(self.text(), self.broadcast.isChecked())

    # --- progress ------------------------------------------------------------------------

    def show_progress(self, progress: StormProgress | None) -> None:
        self.progress = progress
        self.refresh()
        if progress is None:
            self.progress_bar.hide()
            self.progress_label.hide()
            self._ticker.stop()
            return
        self.progress_bar.setRange(0, max(progress.total, 1))
        self.progress_bar.setValue(progress.sent + progress.failed)
        self.progress_bar.show()
        self.progress_label.show()
        self._show_progress_words()
        if words.progress_done(progress):
            self._ticker.stop()
        elif not self._ticker.isActive():
            self._ticker.start()

    def _show_progress_words(self) -> None:
        if self.progress is not None:
            text = words.progress_words(self.progress, self.clock())
            self.progress_label.setText(text)
            self.progress_bar.setAccessibleDescription(text)
