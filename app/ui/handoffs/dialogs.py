"""The dialogs of handing off: to whom (a person or a team) with a note, and the reason for
declining one."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.models.enums import Duty
from app.models.schemas import UserRef
from app.ui.qt import theme
from app.ui.qt.theme import Role

_DUTY_WORDS = {Duty.ON_DUTY: "on duty", Duty.AWAY: "away", Duty.OFF_DUTY: "off duty"}
NOTE_MAX = 4000


@dataclass(frozen=True, slots=True)
class HandoffChoice:
    to_user_id: int | None
    to_team: str | None
    note: str


class HandoffDialog(QDialog):
    """Hand mention #N to a person or a team, with a note for them."""

    def __init__(
        self,
        mention_label: str,
        people: list[tuple[UserRef, Duty]],
        teams: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Hand off a mention")
        self.setMinimumWidth(460)
        intro = QLabel(f"Hand {mention_label} to a colleague or a team.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.to_person = QRadioButton("A &person")
        self.to_team = QRadioButton("A &team")
        group = QButtonGroup(self)
        group.addButton(self.to_person)
        group.addButton(self.to_team)
        self.person = QComboBox()
        self.person.setAccessibleName("Person")
        for user, duty in people:
            self.person.addItem(f"{user.name} ({_DUTY_WORDS[duty]})", user.id)
        self.team = QComboBox()
        self.team.setAccessibleName("Team")
        for name in teams:
            self.team.addItem(name, name)
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Handoff note")
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(
            "Context, what was already said, how urgent it is — what they need to take over."
        )
        self.problem = QLabel("")
        self.problem.setStyleSheet(theme.text_style(Role.ERROR_TEXT))
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.addRow(self.to_person, self.person)
        form.addRow(self.to_team, self.team)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Hand off")
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(QLabel("Note:"))
        layout.addWidget(self.note, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.to_person.toggled.connect(self._sync_enabled)
        self.to_team.setEnabled(bool(teams))
        self.to_person.setEnabled(bool(people))
        (self.to_person if people or not teams else self.to_team).setChecked(True)
        self._sync_enabled()

    def _sync_enabled(self) -> None:
        self.person.setEnabled(self.to_person.isChecked())
        self.team.setEnabled(self.to_team.isChecked())

    def choice(self) -> HandoffChoice:
        note = self.note.toPlainText().strip()
        if self.to_person.isChecked() and self.person.currentIndex() >= 0:
            return HandoffChoice(int(self.person.currentData()), None, note)
        if self.to_team.isChecked() and self.team.currentIndex() >= 0:
            return HandoffChoice(None, str(self.team.currentData()), note)
        return HandoffChoice(None, None, note)

    def _check(self) -> None:
        choice = self.choice()
        if choice.to_user_id is None and choice.to_team is None:
            self.problem.setText("Choose a person or a team.")
            return
        if len(choice.note) > NOTE_MAX:
            self.problem.setText(f"The note is too long: at most {NOTE_MAX} characters.")
            return
        self.accept()


class DeclineDialog(QDialog):
    """Why the handoff is declined: the sender gets the mention back with this reason."""

    def __init__(self, mention_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Decline the handoff")
        self.setMinimumWidth(420)
        intro = QLabel(f"{mention_label} goes back to the sender with your reason.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Reason for declining")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("e.g. Billing question, not legal: please ask billing.")
        self.problem = QLabel("")
        self.problem.setStyleSheet(theme.text_style(Role.ERROR_TEXT))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Decline")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.reason, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def value(self) -> str:
        return self.reason.toPlainText().strip()

    def _check(self) -> None:
        if not self.value():
            self.problem.setText("Say why: the sender needs the reason.")
            return
        self.accept()
