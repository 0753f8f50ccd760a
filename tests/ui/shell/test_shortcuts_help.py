"""Help ▸ Keyboard shortcuts lists every key the window really has: each action's shortcut,
and in a console with a composer the reply editor's own keys (Ctrl+Enter, Alt+1…9), which are
checked against the shortcuts the composer panel really binds; "Go to the reply editor" moves
the focus there."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from app.client.composer.service import ComposerService
from app.ui.shell.actions import COMPOSER_KEYS, SHORTCUTS, Action
from app.ui.shell.shortcuts_dialog import shortcut_rows
from tests.support.live_server import LiveServer, mention_json
from tests.ui.console import Console


@pytest.fixture
def composing(
    qloop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> Iterator[Console]:
    _, token = live_server.create_user(f"kim-keys-{uuid.uuid4().hex[:6]}", role="rep")
    console = Console(
        qloop,
        live_server.base_url,
        token,
        tmp_path / "cache.sqlite3",
        composer=lambda session, store, worker: ComposerService(
            session, store, worker, device="keys-desk", save_delay=0.01
        ),
    )
    yield console
    console.close()


def test_the_help_lists_every_key_the_window_has(composing: Console) -> None:
    window, panel = composing.window, composing.ui.composer
    assert panel is not None
    dialog = window.show_shortcuts()
    table = dialog.table
    listed = {
        table.item(r, 0).text(): table.item(r, 1).text()  # type: ignore[union-attr]
        for r in range(table.rowCount())
    }
    dialog.close()
    # Every window action with keys is listed with its keys, and nothing is listed twice.
    for action in SHORTCUTS:
        assert window.has_action(action), action
        keys = window.action(action).shortcut().toString(QKeySequence.SequenceFormat.PortableText)
        assert keys == action.keys
        assert listed[action.keys] == action.help
    assert len(listed) == len(shortcut_rows(with_composer=True))
    # The reply editor's keys are listed and really bound by its panel.
    for keys, _help in COMPOSER_KEYS:
        assert keys in listed
    bound = {
        s.key().toString(QKeySequence.SequenceFormat.PortableText)
        for s in panel.findChildren(QShortcut)
    }
    assert "Ctrl+Return" in bound  # shown as Ctrl+Enter, as the Send button's tooltip says
    assert {f"Alt+{d}" for d in range(1, 10)} <= bound


def test_go_to_the_reply_editor_moves_the_focus_there(
    composing: Console, live_server: LiveServer
) -> None:
    window, panel = composing.window, composing.ui.composer
    assert panel is not None
    [mention_id] = live_server.ingest([mention_json(f"keys-{uuid.uuid4().hex[:6]}")])
    composing.wait_until(
        composing.bridge.rowsChanged, lambda: composing.session.row(mention_id) is not None
    )
    window.model.flush()
    assert window.select_mention(mention_id)
    composing.wait_until(panel.bridge.stateChanged, panel.editor.isEnabled)
    window.activateWindow()
    window.view.setFocus()
    window.action(Action.FOCUS_REPLY).trigger()
    assert panel.editor.hasFocus() or QApplication.focusWidget() is panel.editor


def test_without_a_composer_its_keys_are_not_offered() -> None:
    rows = dict(shortcut_rows(with_composer=False))
    assert Action.FOCUS_REPLY.keys not in rows
    assert not any(keys in rows for keys, _ in COMPOSER_KEYS)
