"""The question before the console connects to a team server over plain http:// (not this
computer): "Connect anyway" or "Cancel", asked once per server and remembered in the settings.
Where it cannot ask (no display, a command-line run such as --screenshot) it refuses with a
sentence naming --allow-plain-http. The rule itself lives in app/client/connection/plain_http.py."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.client.connection.plain_http import (
    needs_plain_http_consent,
    plain_http_refusal,
    plain_http_warning,
    server_key,
)
from app.client.settings import ConsoleSettings
from app.ui.qt.async_slots import run_blocking_dialog

# Qt platforms that show no window a person could answer.
HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal"})


class PlainHttpDialog(QMessageBox):
    """Warns what plain http:// sends in the clear; Cancel is the default."""

    def __init__(self, server_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle("Unencrypted connection")
        self.setAccessibleName("Unencrypted connection")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(plain_http_warning(server_url))
        self.connect_anyway = self.addButton("Connect &anyway", QMessageBox.ButtonRole.AcceptRole)
        self.cancel = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.cancel)
        self.setEscapeButton(self.cancel)

    def confirmed(self) -> bool:
        return self.clickedButton() is self.connect_anyway


def can_ask_here() -> bool:
    """Whether a dialog can reach a person (a real display, not offscreen)."""
    return QGuiApplication.platformName() not in HEADLESS_PLATFORMS


async def _ask(server_url: str) -> bool:
    dialog = PlainHttpDialog(server_url)
    await run_blocking_dialog(dialog.exec)
    return dialog.confirmed()


async def confirm_plain_http(
    server_url: str,
    settings: ConsoleSettings,
    *,
    allowed_by_flag: bool,
    can_ask: bool,
) -> ConsoleSettings | None:
    """The settings to go on with (the consent remembered), or None: do not connect. Where it
    cannot ask, the refusal is written to standard error."""
    key = server_key(server_url)
    if not needs_plain_http_consent(key) or allowed_by_flag or key in settings.plain_http_servers:
        return settings
    if not can_ask:
        print(plain_http_refusal(key), file=sys.stderr)
        return None
    if not await _ask(key):
        return None
    return settings.model_copy(update={"plain_http_servers": [*settings.plain_http_servers, key]})
