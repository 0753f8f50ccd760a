"""The console's single entry point and composition root: parses the command line, builds the
QApplication and the qasync loop, chooses solo / team / demo, builds the Qt-free core (session,
composer service, team desk) and then the console's window from its parts (app/ui/shell/build.py),
and owns shutdown (every background task cancelled and awaited, the solo server stopped)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from app.client.composer.service import ComposerService
from app.client.connection.api import ResponderApi, check_token
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
from app.client.connection.plain_http import ALLOW_FLAG
from app.client.connection.solo import SoloServer, SoloServerFailed
from app.client.private_files import tighten_tree
from app.client.settings import (
    ConsoleMode,
    ConsoleSettings,
    TokenStorage,
    cache_path,
    config_dir,
    data_dir,
    load_settings,
    save_settings,
)
from app.client.stream.session import ConsoleSession
from app.client.stream.store import LocalStore
from app.client.team.desk import TeamDesk
from app.client.worker import BlockingWorker
from app.common.logs import configure_logging
from app.common.tasks import TaskKeeper
from app.ui.composer.bridge import ComposerBridge
from app.ui.qt.async_slots import cancel_slot_tasks, run_blocking_dialog
from app.ui.qt.collector import GuiThreadCollector
from app.ui.qt.plain import plain_message_box
from app.ui.qt.scheme import SchemeFollower
from app.ui.shell.actions import Action
from app.ui.shell.build import ConsoleUi, build_console
from app.ui.shell.main_window import MainWindow
from app.ui.shell.plain_http_dialog import can_ask_here, confirm_plain_http
from app.ui.shell.resume import select_resumed_reply
from app.ui.shell.screenshot import take_screenshot
from app.ui.shell.session_bridge import SessionBridge
from app.ui.shell.start_dialogs import (
    FirstRunDialog,
    NoKeyringDialog,
    PassphraseDialog,
    StartChoice,
    TokenDialog,
    TokenStorageChoice,
)
from app.ui.shell.window_layout import capture, restore
from app.ui.team.bridge import TeamBridge

log = logging.getLogger("app.desktop")

COLOR_SCHEMES: dict[str, Qt.ColorScheme | None] = {
    "system": None,
    "light": Qt.ColorScheme.Light,
    "dark": Qt.ColorScheme.Dark,
}
SOLO_SIGN_IN_NOTE = "Solo mode uses its own private server and token: there is no sign-in."


@dataclass(frozen=True, slots=True)
class Options:
    server: str | None
    demo: bool
    screenshot: Path | None
    data_dir: Path
    config_dir: Path
    color_scheme: str = "system"
    allow_plain_http: bool = False


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="responder", description="Responder Console: answer your customers as a team."
    )
    parser.add_argument("--server", metavar="URL", help="connect to a team server")
    parser.add_argument("--demo", action="store_true", help="solo mode with demo mentions")
    parser.add_argument(
        ALLOW_FLAG,
        action="store_true",
        help="connect to a team server over plain http:// (unencrypted) without asking",
    )
    parser.add_argument(
        "--screenshot",
        metavar="PATH",
        type=Path,
        help="start, wait until the stream has loaded, save the main window as PNG, exit",
    )
    parser.add_argument(
        "--color-scheme",
        choices=tuple(COLOR_SCHEMES),
        default="system",
        help="light or dark for the console alone (default: follow the system)",
    )
    parser.add_argument("--data-dir", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--config-dir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.server and args.demo:
        parser.error("--demo runs a private demo server; it cannot be combined with --server")
    return Options(
        server=args.server,
        demo=args.demo,
        screenshot=args.screenshot,
        data_dir=args.data_dir or data_dir(),
        config_dir=args.config_dir or config_dir(),
        color_scheme=args.color_scheme,
        allow_plain_http=args.allow_plain_http,
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


async def load_cached_stream(session: ConsoleSession) -> None:
    """Load the local cache into the session with the cyclic GC paused, then freeze what was
    loaded out of later collections: with 100k cached rows alive, every full collection would
    otherwise walk them all and stall the UI (measured: filter switches of 200 ms instead of
    20 ms, see bench/bench_console.py)."""
    gc.disable()
    try:
        await session.open()
    finally:
        gc.freeze()
        gc.enable()


def restore_window(window: MainWindow, settings: ConsoleSettings) -> None:
    """The window as the rep left it last time (before it is shown)."""
    restore(window, settings.window)


def remember_window(path: Path, settings: ConsoleSettings, window: MainWindow) -> None:
    """Keep the window's layout in the settings file (when the window closes, at quit)."""
    try:
        save_settings(path, settings.model_copy(update={"window": capture(window)}))
    except OSError:
        log.exception("could not keep the window's layout in %s", path)


def quit_on_signals(quit_requested: asyncio.Event) -> None:
    """The desktop session ending (log out, shut down) or `kill` sends SIGTERM (SIGHUP when
    the terminal closes): quit as from the menu, so the layout is kept, the private server
    stops with the console and the outbox stays as it was."""
    loop = asyncio.get_running_loop()
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None:
            signal.signal(signum, lambda *_: loop.call_soon_threadsafe(quit_requested.set))


async def run_console(app: QApplication, options: Options) -> int:
    """The main coroutine: everything the console does happens inside it."""
    # Earlier versions left settings, cache, drafts and solo files readable by others.
    tighten_tree(options.data_dir)
    tighten_tree(options.config_dir)
    settings_path = options.config_dir / "settings.json"
    settings = load_settings(settings_path)
    plan = await choose_mode(options, settings)
    if plan is None:
        return 0
    mode = plan.mode
    settings = plan.settings.model_copy(
        update={"mode": mode, "server_url": plan.server_url or plan.settings.server_url}
    )
    if mode is ConsoleMode.TEAM:  # plain http:// to another machine: only with consent
        asking = options.screenshot is None and can_ask_here()
        consented = await confirm_plain_http(
            plan.server_url, settings, allowed_by_flag=options.allow_plain_http, can_ask=asking
        )
        if consented is None:
            return 0 if asking else 2
        settings = consented
    blocking = BlockingWorker("console-blocking", max_workers=2)
    store_worker = BlockingWorker("console-store")
    solo: SoloServer | None = None
    quit_requested = asyncio.Event()
    quit_on_signals(quit_requested)
    ui: ConsoleUi | None = None
    session: ConsoleSession | None = None
    store: LocalStore | None = None
    composer: ComposerService | None = None
    tasks = TaskKeeper("console")
    try:
        # The cached stream shows first; the server (solo: our own process) connects after.
        team_url = plan.server_url if mode is ConsoleMode.TEAM else None
        subtitle = team_url or ("demo" if mode is ConsoleMode.DEMO else "solo")
        store = LocalStore(cache_path(options.data_dir, mode, team_url))
        api = ResponderApi.unbound()
        session = ConsoleSession(api, store, store_worker)
        # The reply composer's drafts and cool-off countdowns resume from the outbox.
        composer = ComposerService(session, store, store_worker, device=socket.gethostname())
        ui = build_console(
            SessionBridge(session),
            subtitle=subtitle,
            composer=ComposerBridge(composer),
            team=TeamBridge(TeamDesk.follow(session)),
        )
        window = ui.window
        window.notifier.enabled = settings.notifications
        restore_window(window, settings)
        window.closed.connect(quit_requested.set)
        await composer.start()
        window.show()
        await load_cached_stream(session)
        select_resumed_reply(window, composer)  # a reply left counting down is shown

        if team_url is not None:
            picked = await token_store_for(settings, options, blocking)
            if picked is None:
                return 0
            tokens, settings = picked
            token = await team_token(team_url, tokens, plan.typed_token)
            if token is None:
                return 0
            base_url = team_url
            signer = SignIn(team_url, tokens, session, window, tasks)
            window.action(Action.SIGN_IN).triggered.connect(lambda _=False: signer.ask())
            session.connection_changed.connect(signer.connection_changed)
        else:
            sign_in_action = window.action(Action.SIGN_IN)
            sign_in_action.setEnabled(False)
            sign_in_action.setToolTip(SOLO_SIGN_IN_NOTE)
            sign_in_action.setStatusTip(SOLO_SIGN_IN_NOTE)
            solo = SoloServer(
                options.data_dir,
                blocking,
                demo=mode is ConsoleMode.DEMO,
                user_name=settings.user_name,
            )
            try:
                connection = await solo.start()
            except SoloServerFailed as exc:
                # Its log lines, shown as written.
                plain_message_box(
                    QMessageBox.Icon.Critical, "The private server did not start", str(exc), window
                ).exec()
                return 1
            base_url, token = connection.base_url, connection.token
        if options.screenshot is None:
            save_settings(settings_path, settings)
        api.bind(base_url, token)
        tasks.spawn(session.run(), name="sync")
        if options.screenshot is not None:
            tasks.spawn(
                take_screenshot(
                    ui,
                    options.screenshot,
                    quit_requested,
                    wait_for_rows=10.0 if mode is ConsoleMode.DEMO else 1.0,
                ),
                name="screenshot",
            )
        await quit_requested.wait()
        return 0
    finally:
        if ui is not None and options.screenshot is None:
            remember_window(settings_path, settings, ui.window)
        await tasks.aclose()
        if ui is not None:
            await ui.cancel_actions()
        await cancel_slot_tasks()
        if ui is not None:
            await ui.aclose()
        if composer is not None:
            await composer.aclose()
        if session is not None:
            await session.aclose()
        if solo is not None:
            await solo.stop()
        if store is not None:
            store.close()
        blocking.shutdown()
        store_worker.shutdown()
        if ui is not None:
            ui.window.hide()
            ui.window.deleteLater()
        app.processEvents()


def main(argv: Sequence[str] | None = None) -> int:
    import qasync

    options = parse_args(argv if argv is not None else sys.argv[1:])
    configure_logging(logging.INFO)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Responder Console")
    app.setDesktopFileName("responder-console")
    app.setQuitOnLastWindowClosed(False)
    app.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, False)
    # Cycles are collected on this thread between events, never inside Qt's dispatch.
    GuiThreadCollector(app).start()
    # Light or dark as the system is (and becomes), unless the rep chose one.
    scheme = SchemeFollower(app, COLOR_SCHEMES[options.color_scheme], parent=app)
    scheme.setObjectName("colorScheme")
    # qasync.run works on Python 3.11 and 3.12 (asyncio.run's loop_factory is 3.12+ only).
    result: int = qasync.run(run_console(app, options))
    return result


if __name__ == "__main__":
    sys.exit(main())
