"""Other people's words shown as they were written, never as HTML.

Qt guesses: a `QLabel`, a tooltip or a message box whose text looks like HTML
(`Qt.mightBeRichText`) is rendered as rich text, so a customer's display name
`<img src="file:///…">` would load a local file. Every text a customer or a colleague wrote
goes through one of these:

- `plain_label` / `set_plain`: a `QLabel` fixed to `Qt.PlainText`;
- `plain_tooltip`: tooltips have no plain mode, so the text is escaped into rich text that
  renders as exactly the original characters (line breaks kept);
- `plain_message_box`: a `QMessageBox` fixed to `Qt.PlainText`."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that shows its text literally, whatever it looks like."""
    label = QLabel(parent)
    set_plain(label, text)
    return label


def set_plain(label: QLabel, text: str) -> None:
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` literally: escaped, as a paragraph of rich text (Qt reads
    an escaped `&lt;` as rich text too, so the escaping must be complete). Empty stays empty:
    no tooltip at all."""
    if not text:
        return ""
    return GuiQt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)


def plain_message_box(
    icon: QMessageBox.Icon, title: str, text: str, parent: QWidget | None = None
) -> QMessageBox:
    """A message box whose text is shown literally (e.g. a server's log lines)."""
    box = QMessageBox(icon, title, "", QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    return box
