"""The detail pane's customer section: the shown mention's tags (editable, completed from the
tags in use and the teams' lists), who its author is across networks (reach, language) and
their history with the brand, newest first, with "Link another identity…". Every text a
customer or a colleague wrote is shown as plain text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.client.customers.history import CustomerHistory

TAGS_HINT = "Tags, separated by commas (Enter saves)"


def tags_in(text: str) -> list[str]:
    """The tags typed in the tags field: comma-separated, blanks dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class TagField(QLineEdit):
    """A line of comma-separated tags; the word being typed completes from the offered tags."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(TAGS_HINT)
        self.setAccessibleName("Tags")
        self.offered = QStringListModel(self)
        self.completer_ = QCompleter(self.offered, self)
        self.completer_.setWidget(self)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer_.activated.connect(self.complete_with)
        self.textEdited.connect(self._typed)

    def offer(self, tags: Sequence[str]) -> None:
        self.offered.setStringList(list(tags))

    def current_word(self) -> str:
        return self.text().rpartition(",")[2].strip()

    def _typed(self, _text: str) -> None:
        word = self.current_word()
        popup = self.completer_.popup()
        if word:
            self.completer_.setCompletionPrefix(word)
        if word and self.completer_.completionCount():
            self.completer_.complete()
        elif popup is not None:
            popup.hide()

    def complete_with(self, tag: str) -> None:
        """Put `tag` in place of the word being typed, ready for the next one."""
        head, comma, _word = self.text().rpartition(",")
        before = f"{head}{comma} " if comma else ""
        self.setText(f"{before}{tag}, ")


class CustomerPanel(QWidget):
    tagsEdited = Signal(int, list)  # mention id, the tags typed (all of them)
    linkRequested = Signal(int)  # the shown customer's id: link another identity to it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Customer")
        self._mention_id: int | None = None
        self._customer_id: int | None = None
        self._history: CustomerHistory | None = None
        self.tags_field = TagField()
        self.save_tags = QPushButton("Save tags")
        self.save_tags.setAccessibleName("Save tags")
        self.title = _plain(QLabel(""))
        self.title.setAccessibleName("Customer")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.identities = _plain(QLabel(""))
        self.identities.setAccessibleName("Customer identities")
        self.facts = _plain(QLabel(""))
        self.facts.setAccessibleName("Customer reach and language")
        self.history = QListWidget()
        self.history.setAccessibleName("Customer history")
        self.history.setWordWrap(True)
        self.history.setMinimumHeight(64)
        self.link_button = QPushButton("Link another identity…")
        self.link_button.setToolTip(
            "This person writes from another account too: make both one customer"
        )
        self.heading = QLabel("Customer")
        self.heading.setAccessibleName("Customer section")
        tags = QHBoxLayout()
        tags.addWidget(QLabel("Tags:"))
        tags.addWidget(self.tags_field, 1)
        tags.addWidget(self.save_tags)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.link_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(tags)
        layout.addWidget(self.heading)
        layout.addLayout(head)
        layout.addWidget(self.identities)
        layout.addWidget(self.facts)
        layout.addWidget(self.history, 1)
        self.tags_field.returnPressed.connect(self._save)
        self.save_tags.clicked.connect(self._save)
        self.link_button.clicked.connect(self._link)
        self.show_mention(None, None, ())

    @property
    def mention_id(self) -> int | None:
        return self._mention_id

    @property
    def customer_id(self) -> int | None:
        return self._customer_id

    def show_mention(
        self, mention_id: int | None, customer_id: int | None, tags: Sequence[str]
    ) -> None:
        """Another mention is shown: its tags now, its customer's history once loaded."""
        changed = mention_id != self._mention_id
        self._mention_id = mention_id
        if changed or not self.tags_field.hasFocus():
            self.tags_field.setText(", ".join(tags))
        self.tags_field.setEnabled(mention_id is not None)
        self.save_tags.setEnabled(mention_id is not None)
        if customer_id != self._customer_id or changed:
            self._customer_id = customer_id
            self.show_history(None, loading=customer_id is not None)

    def show_tags(self, tags: Sequence[str]) -> None:
        """The shown mention's tags changed (a colleague, or the server took ours): shown
        unless the rep is typing in the field."""
        if not self.tags_field.hasFocus():
            self.tags_field.setText(", ".join(tags))

    def show_history(
        self, history: CustomerHistory | None, *, now: datetime | None = None, loading: bool = False
    ) -> None:
        self._history = history
        self.history.clear()
        self.link_button.setEnabled(self._customer_id is not None and history is not None)
        if history is None:
            self.title.setText("Loading the customer…" if loading else "")
            self.identities.setText("")
            self.facts.setText("" if loading else "The customer's history shows once online.")
            self.facts.setVisible(not loading and self._customer_id is not None)
            return
        self.facts.setVisible(True)
        self.title.setText(history.title)
        self.identities.setText(history.identities)
        self.facts.setText(history.facts)
        lines = history.line_texts(now, but=self._mention_id) if now is not None else []
        if not lines:
            lines = ["Nothing else yet: this is their first mention."]
        self.history.addItems(lines)

    def offer_tags(self, tags: Sequence[str]) -> None:
        self.tags_field.offer(tags)

    def _save(self) -> None:
        if self._mention_id is not None:
            self.tagsEdited.emit(self._mention_id, tags_in(self.tags_field.text()))

    def _link(self) -> None:
        if self._customer_id is not None:
            self.linkRequested.emit(self._customer_id)
