"""Renders every screen of the console to PNG (main window with demo-like data, each dialog) so
a person can look at them: set RESPONDER_SHOTS_DIR to keep them (default: the test's tmp dir).
The asserts catch the mechanical failures: empty images, blank panes, clipped labels."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget

from app.client.connection.api import ResponderApi
from app.resources import DEMO_MENTIONS
from app.ui.shell.shortcuts_dialog import ShortcutsDialog
from app.ui.shell.start_dialogs import (
    FirstRunDialog,
    NoKeyringDialog,
    PassphraseDialog,
    TokenDialog,
)
from app.ui.stream.filter import FilterMode
from tests.support.live_server import LiveServer
from tests.ui.console import Console

DEMO_FILE = DEMO_MENTIONS


def demo_mentions() -> list[dict[str, object]]:
    now = datetime.now(UTC)
    mentions = []
    for line in DEMO_FILE.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        mentions.append(
            {
                "network": item["network"],
                "external_id": f"demo-shot-{item['id'].removeprefix('demo-')}",
                "author": {
                    "handle": item["handle"].lstrip("@"),
                    "display_name": item["name"],
                    "followers": item.get("followers"),
                },
                "text": item["text"],
                "created_at": (now - timedelta(minutes=item.get("minutes_ago", 5))).isoformat(),
                "is_demo": True,
            }
        )
    return mentions


def dark_palette() -> QPalette:
    palette = QPalette()
    role = QPalette.ColorRole
    for which, colour in (
        (role.Window, "#2b2b2b"),
        (role.WindowText, "#e6e6e6"),
        (role.Base, "#1e1e1e"),
        (role.AlternateBase, "#262626"),
        (role.Text, "#e6e6e6"),
        (role.Button, "#353535"),
        (role.ButtonText, "#e6e6e6"),
        (role.Highlight, "#2f65ca"),
        (role.HighlightedText, "#ffffff"),
        (role.Mid, "#5a5a5a"),
        (role.Midlight, "#444444"),
    ):
        palette.setColor(which, QColor(colour))
    palette.setColor(role.PlaceholderText, QColor("#9a9a9a"))
    for which in (role.Text, role.ButtonText, role.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, which, QColor("#7a7a7a"))
    return palette


def shots_dir(tmp_path: Path) -> Path:
    directory = Path(os.environ.get("RESPONDER_SHOTS_DIR", tmp_path))
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def save(widget: QWidget, path: Path) -> None:
    widget.ensurePolished()
    if isinstance(widget, QDialog):
        widget.adjustSize()
    image = widget.grab()
    assert not image.isNull()
    assert image.save(str(path))
    assert path.stat().st_size > 3000


def assert_labels_fit(widget: QWidget) -> None:
    for label in widget.findChildren(QLabel):
        if label.isVisibleTo(widget) and label.text() and not label.wordWrap():
            shown = label.text().split("\n")[0].replace("&&", "\0").replace("&", "")
            needed = label.fontMetrics().horizontalAdvance(shown.replace("\0", "&"))
            assert label.width() + 2 >= min(needed, label.maximumWidth()), label.text()


def test_render_main_window_and_dialogs(
    live_server: LiveServer,
    console_factory: Callable[[str, str], Console],
    tmp_path: Path,
) -> None:
    out = shots_dir(tmp_path)
    _, kim_token = live_server.create_user("Kim Park", role="rep")
    ids = live_server.ingest(demo_mentions())
    console = console_factory(live_server.base_url, live_server.admin_token)
    console.wait_until(console.bridge.rowsChanged, lambda: all(console.session.row(i) for i in ids))

    async def colleagues_claim() -> None:
        async with ResponderApi(live_server.base_url, kim_token) as kim:
            for mention_id in ids[-6:-2]:
                seen = await kim.mention(mention_id)
                await kim.claim(mention_id, seen.version)
        await console.session.claim(ids[-8])

    console.run(colleagues_claim())
    console.wait_until(
        console.bridge.rowsChanged,
        lambda: (row := console.session.row(ids[-3])) is not None and row.assignee_id is not None,
    )
    window = console.window
    window.resize(1360, 820)
    window.model.flush()
    window.set_filter_mode(FilterMode.ALL)  # all
    window.view.selectRow(0)
    console.run(window.detail_loaded())
    save(window, out / "main_window.png")
    assert window.proxy.rowCount() == len(ids)
    assert window.detail.thread_view.topLevelItemCount() > 0
    assert_labels_fit(window)

    window.set_filter_mode(FilterMode.MINE)  # mine
    window.model.flush()
    save(window, out / "main_window_mine.png")

    # The same window under a dark system palette: text and pills must stay readable.
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    light = app.palette()
    app.setPalette(dark_palette())
    app.processEvents()
    window.set_filter_mode(FilterMode.ALL)
    window.model.flush()
    save(window, out / "main_window_dark.png")
    image = window.view.viewport().grab().toImage()
    corner = image.pixelColor(image.width() - 2, image.height() - 2)
    assert corner.lightness() < 100  # the stream follows the dark base
    app.setPalette(light)

    window.show_notice("Your claim of mention #12 (@jules) was not sent: Kim Park has it now.")
    console.bridge.connectionChanged.emit("offline", "The server did not answer.")
    window.set_filter_mode(FilterMode.UNASSIGNED)
    save(window, out / "main_window_offline.png")
    console.bridge.connectionChanged.emit("online", "")

    dialogs: dict[str, QDialog] = {
        "first_run": FirstRunDialog(),
        "token": TokenDialog("https://responder.example.com"),
        "no_keyring": NoKeyringDialog("No keyring service (Secret Service, KWallet) runs here."),
        "passphrase": PassphraseDialog("That passphrase does not open the token file."),
        "shortcuts": ShortcutsDialog(),
    }
    for name, dialog in dialogs.items():
        dialog.show()
        save(dialog, out / f"dialog_{name}.png")
        assert_labels_fit(dialog)
        dialog.close()
