"""Choosing how the console starts (flags, saved settings, the first-run dialog) and signing in to a
team server: where the token is kept, asking for it, checking it with the server."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

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
from app.client.connection.events import ConnectionState
from app.client.settings import (
    ConsoleMode,
    ConsoleSettings,
    TokenStorage,
)
from app.client.stream.session import ConsoleSession
from app.client.worker import BlockingWorker
from app.common.tasks import TaskKeeper
from app.desktop.options import Options
from app.ui.qt.async_slots import run_blocking_dialog
from app.ui.qt.plain import plain_message_box
from app.ui.shell.start_dialogs import (
    FirstRunDialog,
    NoKeyringDialog,
    PassphraseDialog,
    StartChoice,
    TokenDialog,
    TokenStorageChoice,
)


async def _exec(dialog: QDialog) -> bool:
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
    dialog = FirstRunDialog()
    if not await _exec(dialog):
        return None
    answer = dialog.answer()
    if answer.choice is StartChoice.TEAM:
        return StartPlan(settings, ConsoleMode.TEAM, answer.server_url, answer.token)
    return StartPlan(settings, ConsoleMode(answer.choice.value))


async def token_store_for(
    settings: ConsoleSettings, options: Options, worker: BlockingWorker
) -> tuple[TokenStore, ConsoleSettings] | None:
    """The keyring when it works; otherwise say so and offer the encrypted file."""
    path = options.data_dir / "tokens.enc.json"
    if settings.token_storage is TokenStorage.ENCRYPTED_FILE and path.exists():
        problem = ""
        while True:
            dialog = PassphraseDialog(problem)
            if not await _exec(dialog):
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
    if not await _exec(choice_dialog):
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
    if not await _exec(dialog):
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
    if not await _exec(dialog):
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
