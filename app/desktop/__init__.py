"""The console's entry point (`responder`, `python main.py`, `python -m app.desktop`): parses the
command line, runs the commands that need no window (the desktop entry, start at login), checks
that Qt can open a window here, then builds the QApplication and runs the console (console.py)
— or, when this user's console already runs on the same data, raises its window instead."""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import os
import sys
import time
from collections.abc import Iterator, Sequence
from typing import Any

__all__ = [
    "Options",
    "SignIn",
    "choose_mode",
    "load_cached_stream",
    "main",
    "remember_window",
    "restore_window",
    "team_token",
    "token_store_for",
]

# Loaded when first asked for: main() imports what the window needs with the cycle collector
# paused (see _collector_paused); the sign-in's and the core's names bring the connection's
# and the cache's code, which the console loads behind its window (core.py), never before it.
_LOADED_WHEN_ASKED = {
    "Options": "app.desktop.options",
    "choose_mode": "app.desktop.mode",
    "remember_window": "app.desktop.console",
    "restore_window": "app.desktop.console",
    "SignIn": "app.desktop.start",
    "team_token": "app.desktop.start",
    "token_store_for": "app.desktop.start",
    "load_cached_stream": "app.desktop.core",
}


def __getattr__(name: str) -> Any:
    if name in _LOADED_WHEN_ASKED:
        return getattr(importlib.import_module(_LOADED_WHEN_ASKED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


NO_WINDOW_EXIT = 2  # no display, or Qt's platform cannot load: said in one sentence


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The start-up's imports create a few hundred thousand objects and no garbage: the cycle
    collector's passes over them, triggered as they pile up, cost about 20 ms of the time to
    the window (bench/bench_startup.py). Paused while they run, then as it was."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    called_at = time.time()
    with _collector_paused():
        import qasync
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication

        from app.common.logs import configure_logging
        from app.desktop.console import run_console
        from app.desktop.display import check_display
        from app.desktop.instance import claim_instance
        from app.desktop.options import COLOR_SCHEMES, parse_args
        from app.desktop.startup import process_started_at
        from app.ui.qt.collector import GuiThreadCollector
        from app.ui.qt.scheme import SchemeFollower

    options = parse_args(argv if argv is not None else sys.argv[1:])
    if options.integration_requested:
        from app.desktop.integration import run_integration_commands

        return run_integration_commands(options)
    configure_logging(logging.INFO)
    if QApplication.instance() is None:
        # Decide before Qt does: without a display Qt aborts the process (a core dump).
        display = check_display()
        if display.problem:
            print(display.problem, file=sys.stderr)
            return NO_WINDOW_EXIT
        if display.platform:
            os.environ["QT_QPA_PLATFORM"] = display.platform
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Responder Console")
    app.setDesktopFileName("responder-console")
    app.setQuitOnLastWindowClosed(False)
    app.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, False)
    instance = claim_instance(options)
    if isinstance(instance, int):
        return instance  # this user's console already runs on this data: it was raised
    # Cycles are collected on this thread between events, never inside Qt's dispatch.
    GuiThreadCollector(app).start()
    # Light or dark as the system is (and becomes), unless the rep chose one.
    scheme = SchemeFollower(app, COLOR_SCHEMES[options.color_scheme], parent=app)
    scheme.setObjectName("colorScheme")
    # qasync.run works on Python 3.11 and 3.12 (asyncio.run's loop_factory is 3.12+ only).
    try:
        result: int = qasync.run(
            run_console(
                app,
                options,
                instance.listener.raise_requested,
                launched_at=process_started_at(fallback=called_at),
            )
        )
    finally:
        instance.release()
    return result
