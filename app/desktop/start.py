"""Signing in to a team server: where the token is kept, asking for it, checking it with the
server. (How the console starts — flags, saved settings, the first-run dialog — is mode.py.)"""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QMessageBox, QWidget

from app.client.connection.api import check_token
from app.client.connection.credentials import (
    CredentialError,
    EncryptedFileTokenStore,
    KeyringTokenStore,
    MemoryTokenStore,
    TokenStore,
    WrongPassphrase,
    probe_keyring,
)
from app.client.connection.errors import ApiError, Offline
from app.client.connection.state import ConnectionState
from app.client.settings import (
    ConsoleSettings,
    TokenStorage,
)
from app.client.stream.session import ConsoleSession
from app.client.worker import BlockingWorker
from app.common.tasks import TaskKeeper
from app.desktop.mode import StartPlan as StartPlan  # re-exported
from app.desktop.mode import choose_mode as choose_mode
from app.desktop.mode import run_dialog
from app.desktop.options import Options
from app.ui.qt.plain import plain_message_box
from app.ui.shell.start_dialogs import (
    NoKeyringDialog,
    PassphraseDialog,
    TokenDialog,
    TokenStorageChoice,
)


async def token_store_for(
    settings: ConsoleSettings, options: Options, worker: BlockingWorker
) -> tuple[TokenStore, ConsoleSettings] | None:
    """The keyring when it works; otherwise say so and offer the encrypted file."""
    path = options.data_dir / "tokens.enc.json"
    if settings.token_storage is TokenStorage.ENCRYPTED_FILE and path.exists():
        problem = ""
        while True:
            dialog = PassphraseDialog(problem)
            if not await run_dialog(dialog):
                return None
            store = EncryptedFileTokenStore(path, dialog.passphrase.text(), worker)
            try:
                await store.unlock()
                return store, settings
            except WrongPassphrase as exc:
                problem = str(exc)
    status = await worker.call(probe_keyring)
    if status.usable:
        return KeyringTokenStore(worker), settings
    choice_dialog = NoKeyringDialog(status.reason)
    if not await run_dialog(choice_dialog):
        return None
    if choice_dialog.choice() is TokenStorageChoice.ENCRYPTED_FILE:
        encrypted = EncryptedFileTokenStore(path, choice_dialog.passphrase.text(), worker)
        updated = settings.model_copy(update={"token_storage": TokenStorage.ENCRYPTED_FILE})
        return encrypted, updated
    return MemoryTokenStore(), settings


async def check_with_server(server_url: str, token: str) -> str | None:
    """The Sign in dialog's check (`GET /api/v1/me`): None when the server accepts the token
    — or cannot be reached now (it is then kept, and asked again should the server refuse
    it) — else the sentence the dialog shows."""
    try:
        await check_token(server_url, token)
    except Offline:
        return None
    except ApiError as exc:
        return exc.detail
    return None


async def keep_token(server_url: str, token: str, tokens: TokenStore) -> None:
    try:
        await tokens.set(server_url, token)
    except CredentialError as exc:
        plain_message_box(
            QMessageBox.Icon.Warning,
            "Token not kept",
            f"{exc}\nYou will be asked again next time.",
        ).exec()


async def team_token(server_url: str, tokens: TokenStore, typed: str = "") -> str | None:
    """The stored token (one the server refuses makes the session ask again), else the one
    typed at first run once the server accepted it, else ask; a token is kept only after the
    check."""
    token = await tokens.get(server_url)
    if token:
        return token
    problem = ""
    if typed:
        problem = await check_with_server(server_url, typed) or ""
        if not problem:
            await keep_token(server_url, typed, tokens)
            return typed
    dialog = TokenDialog(server_url, problem, check=check_with_server)
    if not await run_dialog(dialog):
        return None
    token = dialog.value()
    await keep_token(server_url, token, tokens)
    return token


async def sign_in(
    server_url: str,
    tokens: TokenStore,
    session: ConsoleSession,
    problem: str = "",
    parent: QWidget | None = None,
) -> bool:
    """Console ▸ Sign in… (and a token the server stopped accepting): ask for a token, check
    it with the server, keep it in the token store in use, rebind and reconnect the session.
    False when the rep cancelled."""
    dialog = TokenDialog(server_url, problem, parent, check=check_with_server)
    if not await run_dialog(dialog):
        return False
    token = dialog.value()
    await keep_token(server_url, token, tokens)
    session.use_token(server_url, token)
    return True


class SignIn:
    """Asks for a token when the rep chooses Console ▸ Sign in… or the server refuses the one
    in use (one dialog at a time)."""

    def __init__(
        self,
        server_url: str,
        tokens: TokenStore,
        session: ConsoleSession,
        window: QWidget,
        tasks: TaskKeeper,
    ) -> None:
        self._server_url = server_url
        self._tokens = tokens
        self._session = session
        self._window = window
        self._tasks = tasks
        self._asking: asyncio.Task[bool] | None = None

    def ask(self, problem: str = "") -> None:
        if self._asking is not None and not self._asking.done():
            return
        self._asking = self._tasks.spawn(
            sign_in(self._server_url, self._tokens, self._session, problem, self._window),
            name="sign-in",
        )

    def connection_changed(self, change: tuple[ConnectionState, str]) -> None:
        if change[0] is ConnectionState.UNAUTHORIZED:
            self.ask(f"Your token is no longer accepted by {self._server_url}.")
