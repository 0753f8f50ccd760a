"""The composer is readable in light and dark, and turns with the scheme at run time: with a
heated reply typed (marked words, tone prompts, "take a breath"), every box's text on its
background, the panel's sentences on the window and the marked words on their background have
at least 4.5:1 — measured on what the widgets paint with (their palettes and the marks'
formats), after the console switched to dark and back. And the composer's code names no colour
of its own: they all come from the theme (app/ui/qt/theme.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QPalette, QTextCharFormat, QTextFormat
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QWidget

from app.ui.composer.panel import ComposerPanel
from app.ui.qt import theme
from app.ui.qt.scheme import dark_palette
from app.ui.qt.theme import Contrast
from tests.support.live_server import LiveServer
from tests.ui.composer.test_composer_ui import (
    HEATED,
    ComposerHarness,
    _claimed_mention,
    harness,
    qloop,
)

__all__ = ["harness", "qloop"]

ROLE = QPalette.ColorRole
COMPOSER = Path(__file__).resolve().parents[3] / "app" / "ui" / "composer"
COLOUR_LITERALS = re.compile(
    r"#[0-9a-fA-F]{3,8}\b|QColor\(|Qt\.GlobalColor|\b(white|black)\b", re.IGNORECASE
)


@pytest.fixture
def back_to_light(qapp: QApplication) -> Iterator[QApplication]:
    yield qapp
    qapp.setPalette(QPalette())  # the platform's palette for the next test


def _background(widget: QWidget) -> QColor:
    return widget.palette().color(widget.backgroundRole())


def _too_faint(panel: ComposerPanel) -> list[str]:
    """Every text the panel shows that is not readable on what it is drawn on."""
    faint: list[str] = []

    def measure(what: str, text: QColor, back: QColor) -> None:
        ratio = theme.contrast(text, back)
        if ratio < Contrast.TEXT.value:
            faint.append(f"{what}: {text.name()} on {back.name()} = {ratio:.2f}")

    window = _background(panel)
    for label in (panel.account_label, panel.counter, panel.message, panel.heading):
        measure(label.accessibleName() or "heading", label.palette().color(ROLE.WindowText), window)
    boxes: list[QFrame] = [
        panel.breath,
        panel.countdown,
        panel.conflict,
        panel.draft_conflict,
        panel.unanswerable,
        *panel.prompts.rows,
    ]
    for box in boxes:
        for label in box.findChildren(QLabel):
            back = _background(label) if label.autoFillBackground() else _background(box)
            if label is getattr(box, "colleague_text", None):
                back = _background(label)  # the quote has a background of its own
            measure(f"{box.objectName()} label", label.palette().color(ROLE.WindowText), back)
    editor = panel.editor
    selections = editor.extraSelections()  # kept: their formats live as long as they do
    marks = [
        QTextCharFormat(s.format)
        for s in selections
        if s.format.hasProperty(QTextFormat.Property.BackgroundBrush)
    ]
    assert marks, "heat and blame are marked"
    for fmt in marks:
        text = (
            fmt.foreground().color()
            if fmt.hasProperty(QTextFormat.Property.ForegroundBrush)
            else editor.palette().color(ROLE.Text)
        )
        measure("marked words", text, fmt.background().color())
    return faint


def _mark(panel: ComposerPanel) -> str:
    """The background of the marked words (heat and blame)."""
    selections = panel.editor.extraSelections()
    return next(
        s.format.background().color().name()
        for s in selections
        if s.format.hasProperty(QTextFormat.Property.BackgroundBrush)
    )


def _switch(harness: ComposerHarness, palette: QPalette) -> None:
    QApplication.setPalette(palette)
    harness.keys(QApplication.processEvents)  # the change reaches the widgets, as it runs


def test_composer_readable_in_dark_and_light_at_run_time(
    harness: ComposerHarness, live_server: LiveServer, back_to_light: QApplication
) -> None:
    mention_id = _claimed_mention(live_server, harness)
    harness.open(mention_id)
    panel = harness.panel
    report = harness.type(HEATED)
    assert report.take_a_breath
    assert panel.breath.isVisible()
    assert panel.prompts.rows
    severities = {row.property("severity") for row in panel.prompts.rows}
    assert "critical" in severities
    assert _too_faint(panel) == []
    light_mark = _mark(panel)

    _switch(harness, dark_palette())
    assert theme.is_dark(panel.palette())
    assert _too_faint(panel) == []
    assert _background(panel.breath).lightness() < 128  # a dark box, not a light one
    assert _mark(panel) != light_mark
    harness.shot("dark-heated")

    _switch(harness, back_to_light.style().standardPalette())
    assert not theme.is_dark(panel.palette())
    assert _too_faint(panel) == []
    assert _background(panel.breath).lightness() >= 128
    assert _mark(panel) == light_mark


def test_composer_names_no_colour_of_its_own() -> None:
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(COMPOSER.glob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if COLOUR_LITERALS.search(line)
    ]
    assert found == []
