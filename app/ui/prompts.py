"""The composer's tone prompts: one row per finding (what, why, a suggestion to insert), each
dismissible with a reason; dismissals survive edits that move the text around."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:  # the tone checker loads on first use, not before the console's first paint
    from app.tone import Finding

DISMISS_REASONS = (
    "Not relevant to this customer",
    "I'll do it in the DM",
    "The customer asked for it",
    "Approved by my manager",
    "The check is wrong here",
)

# Keyed by FindingSeverity's values.
SEVERITY_COLOURS = {
    "critical": ("#FDE7E9", "#A4262C"),
    "warning": ("#FFF4CE", "#6B5000"),
    "info": ("#EFF6FC", "#1F4E79"),
}
SEVERITY_WORDS = {"critical": "Fix", "warning": "Consider", "info": "Tip"}


@dataclass(frozen=True, slots=True)
class Dismissal:
    code: str
    evidence: str
    reason: str


@dataclass
class PromptDismissals:
    """What the rep dismissed on this draft, keyed by the finding's code and the words it
    points at (not the span: typing before it shifts every index)."""

    items: list[Dismissal] = field(default_factory=list)

    def dismiss(self, findings: Sequence[Finding], reason: str) -> list[Dismissal]:
        made = [Dismissal(f.code.value, f.evidence, reason) for f in findings]
        self.items.extend(made)
        return made

    def hides(self, finding: Finding) -> bool:
        return any(
            d.code == finding.code.value and d.evidence == finding.evidence for d in self.items
        )

    def visible(self, findings: tuple[Finding, ...]) -> list[Finding]:
        return [f for f in findings if not self.hides(f)]

    def clear(self) -> None:
        self.items.clear()


class PromptRow(QFrame):
    """One kind of finding (all the places it points at): severity, message, the words,
    "Use suggestion" and "Dismiss ▾" with a reason."""

    useSuggestion = Signal(object)  # Finding (the first place)
    dismissed = Signal(object, str)  # tuple[Finding, ...], reason

    def __init__(self, findings: tuple[Finding, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.findings = findings
        self.finding = findings[0]
        finding = self.finding
        bg, fg = SEVERITY_COLOURS[finding.severity.value]
        self.setObjectName("prompt")
        self.setStyleSheet(
            f"QFrame#prompt {{ background: {bg}; border-radius: 4px; }} QLabel {{ color: {fg}; }}"
        )
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(f"Tone prompt: {finding.message}")
        word = QLabel(SEVERITY_WORDS[finding.severity.value])
        font = word.font()
        font.setBold(True)
        word.setFont(font)
        word.setFixedWidth(64)
        word.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        quoted = [f"“{f.evidence[:40]}”" for f in findings if f.evidence and f.start is not None]
        text = finding.message + (" " + ", ".join(quoted) if quoted else "")
        self.message = QLabel(text)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        if finding.suggestion:
            self.message.setToolTip(f"Try: {finding.suggestion}")
        self.use_button = QPushButton("Use suggestion")
        self.use_button.setToolTip(finding.suggestion)
        self.use_button.setVisible(bool(finding.suggestion))
        self.use_button.clicked.connect(lambda: self.useSuggestion.emit(self.finding))
        self.dismiss_button = QToolButton()
        self.dismiss_button.setText("Dismiss")
        self.dismiss_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.dismiss_button.setAccessibleName("Dismiss this prompt with a reason")
        menu = QMenu(self.dismiss_button)
        for reason in DISMISS_REASONS:
            action = menu.addAction(reason)
            action.triggered.connect(
                lambda _=False, r=reason: self.dismissed.emit(self.findings, r)
            )
        self.dismiss_button.setMenu(menu)
        self._menu = menu  # keep a Python reference: the menu must outlive this call
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(word)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.use_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)


def group_findings(findings: list[Finding]) -> list[tuple[Finding, ...]]:
    """One row per kind of finding, in the order the check ranked them."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.code.value, finding.message), []).append(finding)
    return [tuple(group) for group in groups.values()]


class PromptList(QScrollArea):
    """The visible prompts (scrolling past a few), rebuilt only when they actually change."""

    useSuggestion = Signal(object)
    dismissed = Signal(object, str)

    def __init__(self, parent: QWidget | None = None, max_height: int = 170) -> None:
        super().__init__(parent)
        self.setAccessibleName("Tone prompts")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._max_height = max_height
        inner = QWidget()
        self._layout = QVBoxLayout(inner)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(3)
        self._layout.addStretch(1)
        self.setWidget(inner)
        self.rows: list[PromptRow] = []
        self._shown: tuple[tuple[str, str, str], ...] = ()

    def show_findings(self, findings: list[Finding]) -> None:
        key = tuple((f.code.value, f.message, f.evidence) for f in findings)
        if key == self._shown:
            return
        self._shown = key
        for row in self.rows:
            self._layout.removeWidget(row)
            row.deleteLater()
        self.rows = []
        for index, group in enumerate(group_findings(findings)):
            row = PromptRow(group, self.widget())
            row.useSuggestion.connect(self.useSuggestion.emit)
            row.dismissed.connect(self.dismissed.emit)
            self._layout.insertWidget(index, row)
            self.rows.append(row)
        self.setVisible(bool(findings))
        self._fit()

    def _fit(self) -> None:
        content = sum(r.sizeHint().height() for r in self.rows) + 3 * max(len(self.rows) - 1, 0)
        self.setFixedHeight(min(content + 2, self._max_height))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.rows:
            width = self.viewport().width()
            content = sum(
                r.heightForWidth(width) if r.hasHeightForWidth() else r.sizeHint().height()
                for r in self.rows
            )
            self.setFixedHeight(min(content + 3 * (len(self.rows) - 1) + 2, self._max_height))
