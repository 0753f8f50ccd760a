"""Choosing how the console starts: the flags, else the saved settings, else the first-run dialog.
Decided before the window is built, from what needs no server, cache or keyring."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.client.settings import ConsoleMode, ConsoleSettings
from app.desktop.options import Options

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog


async def run_dialog(dialog: QDialog) -> bool:
    from PySide6.QtWidgets import QDialog

    from app.ui.qt.async_slots import run_blocking_dialog

    return await run_blocking_dialog(dialog.exec) == QDialog.DialogCode.Accepted


@dataclass(frozen=True, slots=True)
class StartPlan:
    settings: ConsoleSettings
    mode: ConsoleMode
    server_url: str = ""
    typed_token: str = ""  # a token the first-run dialog already asked for


async def choose_mode(options: Options, settings: ConsoleSettings) -> StartPlan | None:
    """Flags win; then saved settings; then the first-run dialog (None: the user cancelled)."""
    if options.demo:
        return StartPlan(settings, ConsoleMode.DEMO)
    if options.server:
        return StartPlan(settings, ConsoleMode.TEAM, options.server)
    if settings.mode is ConsoleMode.TEAM and settings.server_url:
        return StartPlan(settings, ConsoleMode.TEAM, settings.server_url)
    if settings.mode is not None and settings.mode is not ConsoleMode.TEAM:
        return StartPlan(settings, settings.mode)
    if options.screenshot is not None:
        return StartPlan(settings, ConsoleMode.SOLO)
    from app.ui.shell.start_dialogs import FirstRunDialog, StartChoice  # only on a first run

    dialog = FirstRunDialog()
    if not await run_dialog(dialog):
        return None
    answer = dialog.answer()
    if answer.choice is StartChoice.TEAM:
        return StartPlan(settings, ConsoleMode.TEAM, answer.server_url, answer.token)
    return StartPlan(settings, ConsoleMode(answer.choice.value))
