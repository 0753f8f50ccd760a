"""The composer's two questions when something got in the way: a colleague replied or took the
mention while the reply waited (discard mine, send anyway, hand off), and the same draft was
changed on two workstations (keep this one, the other, or both)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.client.composer.cooling import ConflictChoice
from app.client.composer.display import ConflictView
from app.client.composer.drafts import DraftChoice
from app.ui.composer.tinted import TintedBox
from app.ui.qt import theme
from app.ui.qt.theme import Role

QUOTE_STYLE = "background: {bg}; color: {fg}; padding: 6px; border-radius: 3px;"


def _paragraph() -> QLabel:
    label = QLabel("")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _button_row(buttons: tuple[QWidget, ...]) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row


class ConflictBox(TintedBox):
    """What stopped the reply, the colleague's reply, and the rep's choice."""

    chosen = Signal(object, object)  # ConflictChoice, the team to hand off to (or None)

    def __init__(self, teams: Callable[[], list[str]], parent: QWidget | None = None) -> None:
        super().__init__("conflict", Role.CONFLICT, Role.CONFLICT_TEXT, parent)
        self._teams = teams
        self.label = _paragraph()
        self.colleague_text = _paragraph()
        self._paint_quote()
        self.discard_button = QPushButton("D&iscard mine")
        self.anyway_button = QPushButton("Send anywa&y")
        self.handoff_button = QToolButton()
        self.handoff_button.setText("Hand o&ff")
        self.handoff_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.handoff_menu = QMenu(self.handoff_button)
        self.handoff_button.setMenu(self.handoff_menu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label)
        layout.addWidget(self.colleague_text)
        layout.addLayout(
            _button_row((self.discard_button, self.anyway_button, self.handoff_button))
        )
        self.discard_button.clicked.connect(lambda: self.chosen.emit(ConflictChoice.DISCARD, None))
        self.anyway_button.clicked.connect(
            lambda: self.chosen.emit(ConflictChoice.SEND_ANYWAY, None)
        )
        self.handoff_menu.aboutToShow.connect(self._fill_handoff_menu)
        self.hide()

    def _paint_style(self) -> None:
        super()._paint_style()
        if hasattr(self, "colleague_text"):  # not yet while the box is being built
            self._paint_quote()

    def _paint_quote(self) -> None:
        """The colleague's reply, quoted on a surface of its own (the editor's, light or dark)."""
        style = QUOTE_STYLE.format(bg=theme.name(Role.QUOTE), fg=theme.name(Role.QUOTE_TEXT))
        if style != self.colleague_text.styleSheet():
            self.colleague_text.setStyleSheet(style)

    def show_conflict(self, conflict: ConflictView) -> None:
        self.label.setText(conflict.detail)
        self.colleague_text.setText(conflict.colleague or "")
        self.colleague_text.setVisible(conflict.colleague is not None)

    def _fill_handoff_menu(self) -> None:
        self.handoff_menu.clear()
        for team in self._teams():
            action = self.handoff_menu.addAction(f"To {team}")
            action.triggered.connect(
                lambda _=False, t=team: self.chosen.emit(ConflictChoice.HAND_OFF, t)
            )


class DraftConflictBox(TintedBox):
    """Two copies of the draft: the other copy, and which to keep."""

    settled = Signal(object)  # DraftChoice

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("draftconflict", Role.DRAFT_CONFLICT, Role.DRAFT_CONFLICT_TEXT, parent)
        self.label = _paragraph()
        self.keep_mine_button = QPushButton("Keep this one")
        self.keep_theirs_button = QPushButton("Keep the other")
        self.keep_both_button = QPushButton("Keep both")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label)
        layout.addLayout(
            _button_row((self.keep_mine_button, self.keep_theirs_button, self.keep_both_button))
        )
        for button, choice in (
            (self.keep_mine_button, DraftChoice.MINE),
            (self.keep_theirs_button, DraftChoice.THEIRS),
            (self.keep_both_button, DraftChoice.BOTH),
        ):
            button.clicked.connect(lambda _=False, c=choice: self.settled.emit(c))
        self.hide()

    def ask(self, question: str | None) -> None:
        """Show the question (None: the conflict is settled, hide it)."""
        if question is None:
            self.hide()
            return
        self.label.setText(question)
        self.show()
