"""The console's cycle collector runs on the GUI thread, from its timer, never on its own."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.ui.qt.collector import GuiThreadCollector


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


@pytest.fixture
def low_threshold() -> Iterator[None]:
    saved = gc.get_threshold()
    gc.set_threshold(10, 10, 10)
    yield
    gc.set_threshold(*saved)


def test_the_collector_waits_for_the_timer_then_frees_cycles(
    qtbot: QtBot, low_threshold: None
) -> None:
    collector = GuiThreadCollector(interval_ms=10)
    collector.start()
    try:
        assert not gc.isenabled()
        node = Node()
        freed = weakref.ref(node)
        del node
        # Far past the threshold: Python alone would have collected by now.
        _ = [Node() for _ in range(500)]
        assert freed() is not None
        qtbot.waitUntil(lambda: freed() is None, timeout=2000)
    finally:
        collector.stop()


def test_check_collects_only_when_a_generation_is_due(low_threshold: None) -> None:
    collector = GuiThreadCollector()
    collector.start()
    try:
        gc.collect()
        assert collector.check() == -1
        _ = [Node() for _ in range(50)]
        assert collector.check() >= 0
    finally:
        collector.stop()
