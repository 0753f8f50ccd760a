"""The console's main coroutine: chooses solo / team / demo, shows the console's window at once —
first as a frame (title, size and place, the status bar saying what is starting), then furnished
with its stream and menus once the frame is on the screen — fills its stream with the newest
cached mentions, then loads the rest behind it: the session, the cache, the composer, the team
features and the server (core.py, imported on a worker thread while the Qt loop runs, so the
window paints and its progress moves). Owns shutdown: the layout kept, the window gone, the
signals let go.

Only what the first paint needs is imported here (see bench/bench_startup.py --imports)."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import time
from pathlib import Path

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QApplication

from app.client.private_files import tighten_tree
from app.client.settings import (
    ConsoleMode,
    ConsoleSettings,
    cache_path,
    load_settings,
    save_settings,
)
from app.client.stream.words import PRIVATE_SERVER_STARTING
from app.client.worker import BlockingWorker
from app.desktop.mode import choose_mode
from app.desktop.options import Options
from app.desktop.signals import QuitOnSignals
from app.desktop.startup import StartupMarks
from app.ui.qt.single_instance import bring_to_front
from app.ui.shell.main_window import MainWindow
from app.ui.shell.window_layout import capture, restore, restore_furnished, restore_geometry

log = logging.getLogger("app.desktop")
CORE_MODULE = "app.desktop.core"
# The core starts loading once the window is on the screen, or after this long without.
FIRST_PAINT_TIMEOUT = 1.0


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
        from app.ui.shell.plain_http_dialog import can_ask_here, confirm_plain_http

        asking = options.screenshot is None and can_ask_here()
        consented = await confirm_plain_http(
            plan.server_url, settings, allowed_by_flag=options.allow_plain_http, can_ask=asking
        )
        if consented is None:
            return 0 if asking else 2
        settings = consented
    team_url = plan.server_url if mode is ConsoleMode.TEAM else None
    subtitle = team_url or ("demo" if mode is ConsoleMode.DEMO else "solo")
    quit_requested = asyncio.Event()
    signals = QuitOnSignals(quit_requested)
    blocking = BlockingWorker("console-blocking", max_workers=2)
    window: MainWindow | None = None
    kept: list[ConsoleSettings] = [settings]  # the settings as the core last changed them
    try:
        # The window's frame first: its title, size and place and the status bar — nothing of
        # the stream, nothing that reads the cache or talks to a server.
        window = MainWindow(subtitle=subtitle)
        restore_geometry(window, settings.window)
        window.closed.connect(quit_requested.set)
        if raise_requested is not None:  # another launch of this console
            shown = window
            raise_requested.connect(lambda: bring_to_front(shown))
        if team_url is None:  # the window is up seconds before the private server
            window.show_progress(PRIVATE_SERVER_STARTING)
        window.show()
        marks = StartupMarks(window, launched_at=launched_at or time.time())
        with contextlib.suppress(TimeoutError):  # a window never exposed (another desktop)
            await asyncio.wait_for(marks.on_screen.wait(), FIRST_PAINT_TIMEOUT)
        # Then the stream, its menus and actions in it, and the rest of the layout kept.
        from app.client.stream.cached_rows import read_newest
        from app.ui.shell.window import furnish_window

        furnish_window(window, team=True, manager_menus=True)
        window.notifier.enabled = settings.notifications
        restore_furnished(window, settings.window)
        marks.follow_stream()
        # The newest cached mentions straight away (the standard library's sqlite3, read-only);
        # the session loads the whole cache, with what waits in the outbox, once it is there.
        cache = cache_path(options.data_dir, mode, team_url)
        window.stream.load_rows(await blocking.call(lambda: read_newest(cache)))
        # Loaded on a worker thread: the Qt loop goes on painting the window meanwhile.
        core = await blocking.call(lambda: importlib.import_module(CORE_MODULE))
        if quit_requested.is_set():
            return 0
        result: int = await core.run_core(
            window,
            marks,
            options=options,
            plan=plan,
            settings=kept,
            settings_path=settings_path,
            blocking=blocking,
            quit_requested=quit_requested,
        )
        return result
    finally:
        if window is not None:
            if options.screenshot is None and window.furnished:
                remember_window(settings_path, kept[-1], window)
            window.hide()
            window.deleteLater()
        blocking.shutdown()
        signals.close()
        from app.ui.qt.async_slots import deliver_pending_events

        await deliver_pending_events()  # not a bare processEvents inside this task
