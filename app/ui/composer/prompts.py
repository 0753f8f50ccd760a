"""The composer's tone prompts: one row per kind of finding (what, why, a suggestion to insert),
each dismissible with a reason (what a dismissal hides is `prompting.PromptDismissals`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.client.composer.prompting import insertable
from app.ui.qt import theme
from app.ui.qt.plain import plain_tooltip
from app.ui.qt.recolour import follow_palette
from app.ui.qt.theme import Role

if TYPE_CHECKING:  # the tone checker loads on first use, not before the console's first paint
    from app.tone import Finding, FindingCode

DISMISS_REASONS = (
    "Not relevant to this customer",
    "I'll do it in the DM",
    "The customer asked for it",
    "Approved by my manager",
    "The check is wrong here",
)

# Keyed by FindingSeverity's values: they name the rows' `severity` property in the style sheet.
# The colours are theme roles: background, text.
SEVERITY_ROLES = {
    "critical": (Role.PROMPT_CRITICAL, Role.PROMPT_CRITICAL_TEXT),
    "warning": (Role.PROMPT_WARNING, Role.PROMPT_WARNING_TEXT),
    "info": (Role.PROMPT_INFO, Role.PROMPT_INFO_TEXT),
}
SEVERITY_WORDS = {"critical": "Fix", "warning": "Consider", "info": "Tip"}


def prompt_style() -> str:
    """The rows' style sheet in the current scheme's colours."""
    return "".join(
        f'QFrame#prompt[severity="{severity}"] '
        f"{{ background: {theme.name(bg)}; border-radius: 4px; }} "
        f'QFrame#prompt[severity="{severity}"] QLabel {{ color: {theme.name(fg)}; }} '
        for severity, (bg, fg) in SEVERITY_ROLES.items()
    )


class PromptRow(QFrame):
    """One kind of finding (all the places it points at): severity, message, the words,
    "Use suggestion" and "Dismiss…" with a reason. Rows are reused as the findings change
    (building widgets on every pause in the typing would cost more than the check)."""

    useSuggestion = Signal(object)  # Finding (the first place)
    dismissRequested = Signal(object)  # PromptRow: show the reasons

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.findings: tuple[Finding, ...] = ()
        self.setObjectName("prompt")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.word = QLabel()
        font = self.word.font()
        font.setBold(True)
        self.word.setFont(font)
        self.word.setFixedWidth(64)
        self.word.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.advice = QLabel()  # what to do about the marked words
        self.advice.setTextFormat(Qt.TextFormat.PlainText)
        self.advice.setWordWrap(True)
        advice_font = self.advice.font()
        advice_font.setItalic(True)
        self.advice.setFont(advice_font)
        text_column = QVBoxLayout()
        text_column.setSpacing(1)
        text_column.addWidget(self.message)
        text_column.addWidget(self.advice)
        self.use_button = QPushButton("Use suggestion")
        self.use_button.clicked.connect(lambda: self.useSuggestion.emit(self.finding))
        self.dismiss_button = QPushButton("Dismiss…")
        self.dismiss_button.setAccessibleName("Dismiss this prompt with a reason")
        self.dismiss_button.clicked.connect(lambda: self.dismissRequested.emit(self))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.word)
        layout.addLayout(text_column, 1)
        layout.addWidget(self.use_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)

    @property
    def finding(self) -> Finding:
        return self.findings[0]

    def show_group(self, findings: tuple[Finding, ...]) -> None:
        self.findings = findings
        finding = findings[0]
        severity = finding.severity.value
        if self.property("severity") != severity:
            self.setProperty("severity", severity)
            self.style().unpolish(self)
            self.style().polish(self)
            for label in (self.word, self.message, self.advice):
                label.style().unpolish(label)
                label.style().polish(label)
        self.word.setText(SEVERITY_WORDS[severity])
        quoted = [f"“{f.evidence[:40]}”" for f in findings if f.evidence and f.start is not None]
        self.message.setText(finding.message + (" " + ", ".join(quoted) if quoted else ""))
        self.advice.setText(finding.suggestion if finding.start is not None else "")
        self.advice.setVisible(finding.start is not None and bool(finding.suggestion))
        sentence = insertable(finding)
        self.message.setToolTip(plain_tooltip(finding.suggestion))
        self.use_button.setToolTip(plain_tooltip(f"Add: {sentence}") if sentence else "")
        self.use_button.setVisible(sentence is not None)
        self.setAccessibleName(f"Tone prompt: {finding.message}")


def group_findings(findings: list[Finding]) -> list[tuple[Finding, ...]]:
    """One row per kind of finding, in the order the check ranked them."""
    groups: dict[tuple[FindingCode, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.code, finding.message), []).append(finding)
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
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._max_height = max_height
        self._inner = inner = QWidget()
        self._layout = QVBoxLayout(inner)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(3)
        self._layout.addStretch(1)
        self.setWidget(inner)
        follow_palette(self._paint_style)
        self._pool: list[PromptRow] = []
        self.rows: list[PromptRow] = []
        self._shown: tuple[tuple[FindingCode, str, str], ...] = ()
        self._asking: PromptRow | None = None
        self.reasons = QMenu(self)
        for reason in DISMISS_REASONS:
            action = self.reasons.addAction(reason)
            action.triggered.connect(lambda _=False, r=reason: self._dismiss(r))

    def _paint_style(self) -> None:
        style = prompt_style()
        if style != self._inner.styleSheet():  # a new style sheet changes the palette again
            self._inner.setStyleSheet(style)

    def show_findings(self, findings: list[Finding]) -> None:
        key = tuple((f.code, f.message, f.evidence) for f in findings)
        if key == self._shown:
            return
        self._shown = key
        groups = group_findings(findings)
        while len(self._pool) < len(groups):
            row = PromptRow(self.widget())
            row.useSuggestion.connect(self.useSuggestion.emit)
            row.dismissRequested.connect(self._ask_reason)
            self._layout.insertWidget(len(self._pool), row)
            self._pool.append(row)
        for row, group in zip(self._pool, groups, strict=False):
            row.show_group(group)
            row.show()
        for row in self._pool[len(groups) :]:
            row.hide()
        self.rows = self._pool[: len(groups)]
        self.setVisible(bool(findings))
        self._fit()

    def _ask_reason(self, row: PromptRow) -> None:
        self._asking = row
        button = row.dismiss_button
        self.reasons.popup(button.mapToGlobal(button.rect().bottomLeft()))

    def _dismiss(self, reason: str) -> None:
        if self._asking is not None:
            self.dismissed.emit(self._asking.findings, reason)
            self._asking = None

    def dismiss_row(self, row: PromptRow, reason: str) -> None:
        """Dismiss a row's finding with a reason (what picking it from the menu does)."""
        self._asking = row
        self._dismiss(reason)

    def _content_height(self, width: int | None = None) -> int:
        width = width or self.viewport().width()
        heights = [
            r.heightForWidth(width) if r.hasHeightForWidth() else r.sizeHint().height()
            for r in self.rows
        ]
        return sum(
            max(h, r.sizeHint().height()) for h, r in zip(heights, self.rows, strict=True)
        ) + (3 * max(len(self.rows) - 1, 0))

    def _fit(self) -> None:
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), min(self._content_height() + 2, self._max_height))

    def minimumSizeHint(self) -> QSize:
        first = self.rows[0].sizeHint().height() if self.rows else 0
        return QSize(super().minimumSizeHint().width(), min(first + 2, self._max_height))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()
