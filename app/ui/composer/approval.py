"""The composer's approval line: while the reply promises beyond the rep's authority and the
team requires approval, the presenter's sentence, a reason field and "Ask a manager"; then the
request's live state (waiting, approved — the reply then counts down as usual — or denied with
the manager's reason). Hidden when nothing needs approval."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.client.composer.presenter import ApprovalView
from app.ui.composer.tinted import TintedBox
from app.ui.qt.plain import plain_label, set_plain
from app.ui.qt.theme import Role

REASON_HINT = "Why? e.g. third lost parcel, she has waited three weeks"


class ApprovalBox(TintedBox):
    askRequested = Signal(str)  # the reason

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("approval", Role.UNANSWERABLE, Role.UNANSWERABLE_TEXT, parent)
        self.setAccessibleName("Manager's approval")
        self.sentence = plain_label()
        self.sentence.setWordWrap(True)
        self.sentence.setAccessibleName("Approval state")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(REASON_HINT)
        self.reason.setAccessibleName("Reason for the manager")
        self.reason.setMaxLength(1000)
        self.ask_button = QPushButton("Ask a manager")
        self.ask_button.setToolTip("Send this draft and your reason to every manager on duty.")
        self.ask_button.clicked.connect(self._ask)
        self.reason.returnPressed.connect(self._ask)
        ask_row = QHBoxLayout()
        ask_row.setContentsMargins(0, 0, 0, 0)
        ask_row.addWidget(self.reason, 1)
        ask_row.addWidget(self.ask_button)
        self.ask_row = QWidget()
        self.ask_row.setLayout(ask_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.sentence)
        layout.addWidget(self.ask_row)
        self.hide()

    def show_view(self, view: ApprovalView) -> None:
        set_plain(self.sentence, view.text)
        self.ask_row.setVisible(view.offer_ask)
        self.setVisible(bool(view.text) or view.offer_ask)
        if view.offer_ask and view.focus:
            self.reason.setFocus()  # Send was refused: the reason is what to type next

    def _ask(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            set_plain(self.sentence, "Say why you ask: the manager needs a reason.")
            self.reason.setFocus()
            return
        self.askRequested.emit(reason)
        self.reason.clear()
