"""Settings every test shares: Qt offscreen, no real keyring unless a test sets one."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")


# --- Python's cycle collector and Qt -------------------------------------------------------
# Windows and panels built in a test are often kept alive only by reference cycles (slots that
# capture their owner), so the *cyclic* collector frees them, at whatever moment an allocation
# trips its threshold: inside the event pass pytest-qt makes before and after each test, or on
# another thread. Destroying a widget tree while Qt dispatches events to it crashes the worker
# (a segfault seen in CI, in pytestqt's _process_events at the next test's setup). So while a
# test runs in a process that has a QApplication, the collector waits, and it runs once between
# tests, on this thread, where nothing is being dispatched.


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    pinned = _qt_app_exists()
    if pinned:
        gc.collect(0)  # the last test ended with a full collection (below): only the young
        gc.disable()
    try:
        yield
    finally:
        qt = pinned or _qt_app_exists()
        if qt:
            # Windows the test closed with deleteLater go now, deleted by Qt itself (not by
            # the wrapper's collector, which once took a window down under its menu bar's
            # event filter), then the cycles left behind.
            core = sys.modules["PySide6.QtCore"]
            core.QCoreApplication.sendPostedEvents(None, core.QEvent.Type.DeferredDelete)
            gc.enable()
        last_of_its_file = nextitem is None or _file_of(nextitem) != _file_of(item)
        if qt or last_of_its_file:
            gc.collect()
        if last_of_its_file:
            # The file's module-scoped servers and windows are gone: what is left lives on
            # (imports, caches), out of the collector's sight as after collection (below).
            gc.freeze()


def _file_of(item: pytest.Item) -> str:
    return item.nodeid.partition("::")[0]


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection imported (the app, FastAPI, pydantic, PySide6, the fuzzer: some 400,000
    objects) lives as long as the run: out of the collector's sight with it, so the
    collection between tests (above) looks only at what the tests made. It took about half a
    second each time on an idle machine, twice per test, and several seconds on a busy one:
    workers spent a third of a CI run collecting between tests."""
    gc.collect()
    gc.freeze()


def _qt_app_exists() -> bool:
    widgets = sys.modules.get("PySide6.QtWidgets")
    return widgets is not None and widgets.QApplication.instance() is not None


# --- The end of a run with a QApplication ----------------------------------------------------
# At interpreter exit PySide's own clean-up deletes every QObject that Python still owns, one
# wrapper after another, in no useful order. Widgets built in tests often stay owned by
# Python while a parent holds them in C++ (a button added to a layout before the layout had a
# widget), so that clean-up deleted a pane and then its button again: "shared QObject was
# deleted directly" and a malloc abort (exit 134) after a green run, with PySide6 6.12 on
# Python 3.12. So the windows go first, deleted by Qt itself while the application lives, and
# the cycles that hold other Qt objects are collected; PySide's clean-up then finds little.


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _qt_app_exists():
        return
    widgets = sys.modules["PySide6.QtWidgets"]
    core = sys.modules["PySide6.QtCore"]
    for window in widgets.QApplication.topLevelWidgets():
        window.close()
        window.deleteLater()
    core.QCoreApplication.sendPostedEvents(None, core.QEvent.Type.DeferredDelete)
    gc.unfreeze()  # every cycle may go now, frozen between files or not (above)
    gc.collect()
