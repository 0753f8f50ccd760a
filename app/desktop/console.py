"""The console's single entry point and composition root: parses the command line, builds the
QApplication and the qasync loop, chooses solo / team / demo, builds the Qt-free core (session,
composer service, team desk) and then the console's window from its parts (app/ui/shell/build.py),
and owns shutdown (every background task cancelled and awaited, the solo server stopped)."""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
import time
from pathlib import Path

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QApplication, QMessageBox

from app.client.composer.service import ComposerService
from app.client.connection.api import ResponderApi
from app.client.connection.events import ConnectionState
from app.client.connection.solo import SoloServer, SoloServerFailed
from app.client.private_files import tighten_tree
from app.client.settings import (
    ConsoleMode,
    ConsoleSettings,
    cache_path,
    load_settings,
    save_settings,
)
from app.client.stream.session import ConsoleSession
from app.client.stream.store import LocalStore
from app.client.stream.words import PRIVATE_SERVER_STARTING
from app.client.team.desk import TeamDesk
from app.client.worker import BlockingWorker
from app.common.tasks import TaskKeeper
from app.desktop.options import Options
from app.desktop.signals import QuitOnSignals
from app.desktop.start import SignIn, choose_mode, team_token, token_store_for
from app.desktop.startup import StartupMarks
from app.ui.composer.bridge import ComposerBridge
from app.ui.qt.async_slots import cancel_slot_tasks, deliver_pending_events
from app.ui.qt.plain import plain_message_box
from app.ui.qt.single_instance import bring_to_front
from app.ui.shell.actions import Action
from app.ui.shell.build import ConsoleUi, build_console
from app.ui.shell.main_window import MainWindow
from app.ui.shell.plain_http_dialog import can_ask_here, confirm_plain_http
from app.ui.shell.resume import select_resumed_reply
from app.ui.shell.screenshot import take_screenshot
from app.ui.shell.session_bridge import SessionBridge
from app.ui.shell.window_layout import capture, restore
from app.ui.team.bridge import TeamBridge

log = logging.getLogger("app.desktop")
SOLO_SIGN_IN_NOTE = "Solo mode uses its own private server and token: there is no sign-in."


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


async def run_console(
    app: QApplication,
    options: Options,
    raise_requested: SignalInstance | None = None,
    launched_at: float | None = None,
) -> int:
    """The main coroutine: everything the console does happens inside it. `launched_at`: when
    the process started (wall clock), for the start-up's lines in the log."""
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
    signals = QuitOnSignals(quit_requested)
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
        if raise_requested is not None:  # another launch of this console
            raise_requested.connect(lambda: bring_to_front(window))
        if team_url is None:  # the window is up seconds before the private server
            window.show_progress(PRIVATE_SERVER_STARTING)
        await composer.start()
        window.show()
        StartupMarks(window, ui.bridge.connectionChanged, launched_at=launched_at or time.time())
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
            window.show_connection(ConnectionState.CONNECTING.value, "")
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
        signals.close()
        await deliver_pending_events()  # not a bare processEvents inside this task
