"""A team server on plain http:// (not this computer): the console asks once in a dialog and
remembers "Connect anyway" for that server; where it cannot ask it refuses with a sentence."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.client.settings import ConsoleSettings
from app.ui.shell.plain_http_dialog import PlainHttpDialog, confirm_plain_http
from tests.support.folders import console_folders

REPO_ROOT = Path(__file__).resolve().parents[3]
SERVER = "http://192.0.2.10:8765/"


def press(button: str, seen: list[str]) -> None:
    """When the plain-http dialog shows, note its text and press `button`."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, PlainHttpDialog):
            seen.append(dialog.text())
            (dialog.connect_anyway if button == "connect" else dialog.cancel).click()
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def confirm(
    loop: asyncio.AbstractEventLoop, settings: ConsoleSettings, *, can_ask: bool = True
) -> ConsoleSettings | None:
    return loop.run_until_complete(
        asyncio.wait_for(
            confirm_plain_http(SERVER, settings, allowed_by_flag=False, can_ask=can_ask), 10
        )
    )


def test_connect_anyway_is_asked_once_and_remembered(qloop: asyncio.AbstractEventLoop) -> None:
    seen: list[str] = []
    press("connect", seen)
    settings = confirm(qloop, ConsoleSettings())
    assert settings is not None
    assert settings.plain_http_servers == ["http://192.0.2.10:8765"]
    assert len(seen) == 1
    assert "sends your token and customers' messages unencrypted" in seen[0]
    # Next start, from the saved settings: no question (nobody could answer one here).
    again = ConsoleSettings.model_validate_json(settings.model_dump_json())
    assert confirm(qloop, again, can_ask=False) == again
    assert len(seen) == 1


def test_cancel_does_not_connect(qloop: asyncio.AbstractEventLoop) -> None:
    seen: list[str] = []
    press("cancel", seen)
    assert confirm(qloop, ConsoleSettings()) is None
    assert len(seen) == 1


def test_https_and_loopback_are_not_asked(qloop: asyncio.AbstractEventLoop) -> None:
    for url in ("https://responder.example.com", "http://127.0.0.1:8765"):
        settings = ConsoleSettings()
        answer = qloop.run_until_complete(
            confirm_plain_http(url, settings, allowed_by_flag=False, can_ask=False)
        )
        assert answer is settings


@pytest.mark.slow
def test_a_command_line_run_refuses_plain_http_and_names_the_flag(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "main.py",
            "--server",
            SERVER,
            "--screenshot",
            str(tmp_path / "shot.png"),
            *console_folders(tmp_path),
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Not connecting to http://192.0.2.10:8765: plain http://" in result.stderr
    assert "--allow-plain-http" in result.stderr
    assert not (tmp_path / "shot.png").exists()
    assert not (tmp_path / "config" / "settings.json").exists()
