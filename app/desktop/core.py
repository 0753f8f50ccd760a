"""The console's core, loaded behind its window (console.py shows the window first): opens the
local cache, builds the Qt-free session, the composer service and the team desk, adds their parts
to the window (app/ui/shell/build.py), fills the stream from the cache, then signs in to the team
server or starts the private server, and syncs until the rep quits. Stops all of it at quit:
every background task cancelled and awaited, the private server stopped, the cache closed."""

from __future__ import annotations

import asyncio
import gc
import socket
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.client.composer.service import ComposerService
from app.client.connection.api import ResponderApi
from app.client.connection.solo import SoloServer, SoloServerFailed
from app.client.connection.state import ConnectionState
from app.client.settings import ConsoleMode, ConsoleSettings, cache_path, save_settings
from app.client.stream.session import ConsoleSession
from app.client.stream.store import LocalStore
from app.client.team.desk import TeamDesk
from app.client.worker import BlockingWorker
from app.common.tasks import TaskKeeper
from app.desktop.mode import StartPlan
from app.desktop.options import Options
from app.desktop.start import SignIn, team_token, token_store_for
from app.desktop.startup import StartupMarks
from app.ui.composer.bridge import ComposerBridge
from app.ui.qt.async_slots import cancel_slot_tasks
from app.ui.qt.plain import plain_message_box
from app.ui.shell.actions import Action
from app.ui.shell.build import ConsoleUi, build_console
from app.ui.shell.main_window import MainWindow
from app.ui.shell.resume import select_resumed_reply
from app.ui.shell.screenshot import take_screenshot
from app.ui.shell.session_bridge import SessionBridge
from app.ui.team.bridge import TeamBridge

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


async def run_core(
    window: MainWindow,
    marks: StartupMarks,
    *,
    options: Options,
    plan: StartPlan,
    settings: list[ConsoleSettings],
    settings_path: Path,
    blocking: BlockingWorker,
    quit_requested: asyncio.Event,
) -> int:
    """Everything behind the shown `window` until the rep quits. `settings[-1]` is the
    settings as they are now (the token storage may change them); the caller keeps them."""
    mode = plan.mode
    team_url = plan.server_url if mode is ConsoleMode.TEAM else None
    store_worker = BlockingWorker("console-store")
    solo: SoloServer | None = None
    ui: ConsoleUi | None = None
    session: ConsoleSession | None = None
    store: LocalStore | None = None
    composer: ComposerService | None = None
    tasks = TaskKeeper("console")
    try:
        # The cached stream shows first; the server (solo: our own process) connects after.
        # The cache is opened on its own thread (SQLite: its file, its tables).
        path = cache_path(options.data_dir, mode, team_url)
        store = await store_worker.call(lambda: LocalStore(path))
        api = ResponderApi.unbound()
        session = ConsoleSession(api, store, store_worker)
        # The reply composer's drafts and cool-off countdowns resume from the outbox.
        composer = ComposerService(session, store, store_worker, device=socket.gethostname())
        ui = build_console(
            SessionBridge(session),
            subtitle="",
            composer=ComposerBridge(composer),
            team=TeamBridge(TeamDesk.follow(session)),
            window=window,
        )
        marks.follow_connection(ui.bridge.connectionChanged)
        await composer.start()
        await load_cached_stream(session)
        select_resumed_reply(window, composer)  # a reply left counting down is shown

        if team_url is not None:
            picked = await token_store_for(settings[-1], options, blocking)
            if picked is None:
                return 0
            tokens, changed = picked
            settings.append(changed)
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
                user_name=settings[-1].user_name,
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
            save_settings(settings_path, settings[-1])
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
        store_worker.shutdown()
