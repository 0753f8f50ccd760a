"""Start-up choices made in modal dialogs while the qasync loop runs: the first-run dialog and,
with no usable keyring, the offer of an encrypted token file (never a file in clear)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.backends.null
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from app.client.connection.credentials import EncryptedFileTokenStore
from app.client.settings import ConsoleMode, ConsoleSettings, TokenStorage
from app.client.worker import BlockingWorker
from app.desktop import Options, choose_mode, team_token, token_store_for
from app.ui.shell.start_dialogs import FirstRunDialog, NoKeyringDialog


def answer_dialog(kind: type[QDialog], fill: Callable[[QDialog], None]) -> None:
    """When the modal dialog of `kind` shows, fill it in and accept it."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            fill(dialog)
            dialog.accept()
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def options(tmp_path: Path) -> Options:
    return Options(server=None, demo=False, screenshot=None, data_dir=tmp_path, config_dir=tmp_path)


@pytest.fixture
def null_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.null.Keyring())  # type: ignore[no-untyped-call]
    yield
    keyring.set_keyring(before)


def test_first_run_dialog_picks_the_mode(qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    def pick_demo(dialog: QDialog) -> None:
        assert isinstance(dialog, FirstRunDialog)
        dialog.demo.setChecked(True)

    answer_dialog(FirstRunDialog, pick_demo)
    plan = qloop.run_until_complete(
        asyncio.wait_for(choose_mode(options(tmp_path), ConsoleSettings()), 10)
    )
    assert plan is not None
    assert plan.mode is ConsoleMode.DEMO


@pytest.mark.usefixtures("null_keyring")
def test_no_keyring_leads_to_an_encrypted_token_file(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    worker = BlockingWorker("test-keyring-choice")

    def passphrase(dialog: QDialog) -> None:
        assert isinstance(dialog, NoKeyringDialog)
        dialog.passphrase.setText("river stone lamp")
        dialog.confirm.setText("river stone lamp")

    answer_dialog(NoKeyringDialog, passphrase)

    async def choose() -> tuple[object, ConsoleSettings, str | None]:
        picked = await token_store_for(ConsoleSettings(), options(tmp_path), worker)
        assert picked is not None
        store, settings = picked
        token = await team_token("https://team.example", store, typed="tok-secret-123")
        return store, settings, token

    try:
        store, settings, token = qloop.run_until_complete(asyncio.wait_for(choose(), 20))
    finally:
        worker.shutdown()
    assert isinstance(store, EncryptedFileTokenStore)
    assert settings.token_storage is TokenStorage.ENCRYPTED_FILE
    assert token == "tok-secret-123"
    stored = (tmp_path / "tokens.enc.json").read_text()
    assert "tok-secret-123" not in stored
