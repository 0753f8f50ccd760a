"""The detail pane's notes: the mention's internal notes as a conversation (oldest first) and a
line to add one, where `@` completes from the team's people. Notes are colleagues' words:
shown as plain text."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.client.together.notes import complete_names, completion_prefix
from app.models.schemas import NOTE_LENGTH, NotePublic, UserRef
from app.ui.qt.plain import plain_tooltip

MIN_HEIGHT = 64


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%d %b %H:%M")


class NotesPanel(QWidget):
    """Notes of the shown mention; `noteRequested` carries a note to add."""

    noteRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Internal notes")
        self._people: list[UserRef] = []
        self._me: int | None = None
        self.label = QLabel("Notes (internal, never sent)")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.view = QTreeWidget()
        self.view.setHeaderLabels(["When", "Who", "Note"])
        self.view.setRootIsDecorated(False)
        self.view.setWordWrap(True)
        self.view.setAccessibleName("Notes on this mention")
        self.view.setMinimumHeight(MIN_HEIGHT)
        self.view.setColumnWidth(0, 95)
        self.view.setColumnWidth(1, 90)
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.input = QLineEdit()
        self.input.setPlaceholderText("Add a note for colleagues; @name tells them")
        self.input.setAccessibleName("New note")
        self.input.setMaxLength(NOTE_LENGTH)
        self.input.setEnabled(False)
        self.add_button = QPushButton("Add note")
        self.add_button.setAccessibleName("Add the note")
        self.add_button.setEnabled(False)
        self.names = QStringListModel(self)
        self.completer = QCompleter(self.names, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setWidget(self.input)
        self.completer.activated.connect(self.insert_name)
        self.input.textEdited.connect(self._offer_names)
        self.input.returnPressed.connect(self._request)
        self.add_button.clicked.connect(self._request)
        adding = QHBoxLayout()
        adding.addWidget(self.input, 1)
        adding.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.view, 1)
        layout.addLayout(adding)

    # --- what it shows -------------------------------------------------------------------

    def set_people(self, people: list[UserRef], me: int | None) -> None:
        """Whom `@` completes from."""
        self._people, self._me = people, me

    @property
    def people(self) -> list[UserRef]:
        return self._people

    def set_mention(self, mention_id: int | None) -> None:
        """A mention is shown (None: nothing): clear the list until its notes arrive."""
        self.view.clear()
        enabled = mention_id is not None
        self.input.setEnabled(enabled)
        self.add_button.setEnabled(enabled)

    def show_notes(self, notes: list[NotePublic]) -> None:
        self.view.clear()
        for note in notes:
            item = QTreeWidgetItem([_when(note.created_at), note.author.name, note.body])
            item.setToolTip(2, plain_tooltip(note.body))
            item.setData(0, Qt.ItemDataRole.UserRole, note.id)
            self.view.addTopLevelItem(item)
        if notes:
            self.view.scrollToBottom()

    def shown_notes(self) -> list[str]:
        """ "author: body" per note, as listed (tests, screenshots)."""
        items = [self.view.topLevelItem(i) for i in range(self.view.topLevelItemCount())]
        return [f"{item.text(1)}: {item.text(2)}" for item in items if item is not None]

    def clear_input(self) -> None:
        self.input.clear()

    # --- completing @names ---------------------------------------------------------------

    def _offer_names(self, text: str) -> None:
        prefix = completion_prefix(text[: self.input.cursorPosition()])
        names = complete_names(prefix, self._people, me=self._me) if prefix is not None else []
        self.names.setStringList(names)
        if not names:
            popup = self.completer.popup()
            if popup is not None:
                popup.hide()
            return
        self.completer.setCompletionPrefix("")
        self.completer.complete()

    def insert_name(self, name: str) -> None:
        """Replace the `@partial` before the cursor with `@name `."""
        text, cursor = self.input.text(), self.input.cursorPosition()
        before = text[:cursor]
        at = before.rfind("@")
        if at < 0:
            return
        completed = f"{before[:at]}@{name} "
        self.input.setText(completed + text[cursor:].lstrip())
        self.input.setCursorPosition(len(completed))

    def _request(self) -> None:
        text = self.input.text()
        if text.strip():
            self.noteRequested.emit(text)
