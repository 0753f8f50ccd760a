"""The reply's text box: the rep's typing, text the composer puts in (a draft, a canned reply,
a suggested sentence), and the words the tone prompts point at, underlined."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from app.client.composer.prompting import breathes, is_critical
from app.ui.qt import theme
from app.ui.qt.recolour import follow_palette
from app.ui.qt.theme import Role

if TYPE_CHECKING:
    from app.tone import Finding


def _utf16(text: str, index: int) -> int:
    """A Python string index as the UTF-16 position Qt's text cursor uses."""
    return len(text[:index].encode("utf-16-le")) // 2


def _spaced(before: str) -> str:
    """The space that goes between `before` and an inserted sentence."""
    return "" if not before or before.endswith((" ", "\n")) else " "


class ReplyEditor(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Reply text")
        self.setPlaceholderText("Select a mention to reply to it.")
        self.setTabChangesFocus(True)
        self.setMinimumHeight(64)
        self.setEnabled(False)
        self._findings: list[Finding] = []  # underlined now: marked again in the other scheme
        follow_palette(self._remark)

    def _remark(self) -> None:
        if self._findings:
            self.underline(self._findings)  # light or dark: the marks' other colours

    def replace_text(self, text: str) -> None:
        """Show `text` with the cursor at its end."""
        self.setPlainText(text)
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        self.setTextCursor(cursor)

    def append_sentence(self, sentence: str) -> None:
        """Add a sentence at the end (a suggestion is a sentence, not a drop-in for a phrase
        in the middle: the marked words stay for the rep to fix)."""
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(_spaced(self.toPlainText()) + sentence)
        self.setTextCursor(cursor)

    def insert_at_cursor(self, body: str) -> None:
        """Insert `body` where the rep is typing, and give the text the focus back."""
        cursor = self.textCursor()
        before = self.toPlainText()[: cursor.position()]
        cursor.insertText(_spaced(before) + body)
        self.setTextCursor(cursor)
        self.setFocus()

    def underline(self, findings: list[Finding]) -> None:
        """Underline what each finding points at; heat and blame also get a red background
        (with its own text colour, readable on it in light and dark)."""
        self._findings = list(findings)
        text = self.toPlainText()
        selections = []
        for finding in findings:
            if finding.start is None or finding.end is None or finding.end > len(text):
                continue
            selection = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            line = Role.MARK_CRITICAL_LINE if is_critical(finding) else Role.MARK_WARNING_LINE
            fmt.setUnderlineColor(theme.color(line))
            if breathes(finding):
                fmt.setBackground(theme.color(Role.MARK))
                fmt.setForeground(theme.color(Role.MARK_TEXT))
            cursor = QTextCursor(self.document())
            cursor.setPosition(_utf16(text, finding.start))
            cursor.setPosition(_utf16(text, finding.end), QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.setExtraSelections(selections)
