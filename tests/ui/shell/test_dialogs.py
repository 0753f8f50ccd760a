"""Dialogs: the first-run choice, and the no-keyring offer (encrypted file with a passphrase,
or this session only — never a file in clear)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from app.ui.shell.start_dialogs import (
    FirstRunDialog,
    NoKeyringDialog,
    StartChoice,
    TokenStorageChoice,
)


def test_first_run_requires_a_server_address_and_token(qapp: QApplication) -> None:
    dialog = FirstRunDialog()
    dialog.team.setChecked(True)
    dialog._accept_if_valid()
    assert "server address" in dialog.error.text()
    assert dialog.result() == 0
    dialog.server_url.setText("https://responder.example.com")
    dialog._accept_if_valid()
    assert "token" in dialog.error.text()
    dialog.token.setText("tok")
    dialog._accept_if_valid()
    assert dialog.result() == FirstRunDialog.DialogCode.Accepted
    answer = dialog.answer()
    assert (answer.choice, answer.server_url, answer.token) == (
        StartChoice.TEAM,
        "https://responder.example.com",
        "tok",
    )
    demo = FirstRunDialog()
    demo.demo.setChecked(True)
    assert demo.answer().choice is StartChoice.DEMO


def test_no_keyring_offers_an_encrypted_file_or_this_session(qapp: QApplication) -> None:
    dialog = NoKeyringDialog("No keyring service runs here.")
    assert "No keyring service runs here." in " ".join(
        label.text() for label in dialog.findChildren(type(dialog.error))
    )
    assert dialog.choice() is TokenStorageChoice.ENCRYPTED_FILE
    dialog.passphrase.setText("short")
    dialog._accept_if_valid()
    assert "at least 8" in dialog.error.text()
    dialog.passphrase.setText("a long passphrase")
    dialog.confirm.setText("a different one!")
    dialog._accept_if_valid()
    assert "differ" in dialog.error.text()
    dialog.confirm.setText("a long passphrase")
    dialog._accept_if_valid()
    assert dialog.result() == NoKeyringDialog.DialogCode.Accepted

    session_only = NoKeyringDialog("none")
    session_only.session_only.setChecked(True)
    session_only._accept_if_valid()
    assert session_only.choice() is TokenStorageChoice.THIS_SESSION
    assert session_only.result() == NoKeyringDialog.DialogCode.Accepted
