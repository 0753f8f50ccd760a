"""Every Alt+letter in the console's window does one thing: the menu bar's titles and every
button of the window (the composer's send bar, countdown and conflict box, the banners, the
handoff and follow-up docks) each own their letter. Two owners make Qt cycle the focus between
them instead of pressing either (Alt+C focused the countdown's Cancel or opened the Console
menu, and the reply was not cancelled)."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton

from tests.support.fixtures import live_server
from tests.support.live_server import LiveServer
from tests.support.qt_loop import qloop
from tests.ui.shell.full_console import FullConsole

__all__ = ["live_server", "qloop"]


def mnemonic(text: str) -> str | None:
    """The letter after a single '&' ("&&" is a literal ampersand), lower-cased."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].lower()
            i += 1
        i += 1
    return None


@pytest.fixture
def console(
    qloop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> Iterator[FullConsole]:
    _, token = live_server.create_user(f"alt-{uuid.uuid4().hex[:6]}", role="manager")
    made = FullConsole(qloop, live_server.base_url, token, tmp_path / "cache.sqlite3")
    try:
        yield made
    finally:
        made.close()


def test_each_alt_letter_of_the_window_has_one_owner(console: FullConsole) -> None:
    window = console.window
    owners: dict[str, list[str]] = defaultdict(list)
    for action in window.menuBar().actions():
        if (letter := mnemonic(action.text())) is not None:
            owners[letter].append(f"menu {action.text()!r}")
    for button in window.findChildren(QAbstractButton):
        if (letter := mnemonic(button.text())) is not None:
            owners[letter].append(f"button {button.text()!r}")
    assert {"c", "m", "v", "d", "h"} <= owners.keys()  # the menus were seen
    assert any("Cancel" in o or "Cance" in o for o in owners.get("l", []))  # and the countdown
    shared = {letter: names for letter, names in owners.items() if len(names) > 1}
    assert not shared, f"Alt+letters with more than one owner: {shared}"
