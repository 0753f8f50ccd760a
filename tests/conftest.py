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
        gc.collect()
        gc.disable()
    try:
        yield
    finally:
        if pinned or _qt_app_exists():
            # Windows the test closed with deleteLater go now, deleted by Qt itself (not by
            # the wrapper's collector, which once took a window down under its menu bar's
            # event filter), then the cycles left behind.
            core = sys.modules["PySide6.QtCore"]
            core.QCoreApplication.sendPostedEvents(None, core.QEvent.Type.DeferredDelete)
            gc.enable()
            gc.collect()


def _qt_app_exists() -> bool:
    widgets = sys.modules.get("PySide6.QtWidgets")
    return widgets is not None and widgets.QApplication.instance() is not None
