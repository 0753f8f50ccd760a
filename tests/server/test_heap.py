"""The server's start-up heap is frozen out of the cycle collector's full walks (server/heap.py):
the full collections a storm trips stopped the whole process for 80–130 ms each."""

from __future__ import annotations

import gc
import re
import sys
import weakref
from pathlib import Path

import pytest

from app.server import heap
from app.server.heap import freeze_startup_heap, load_for_good
from tests.support.live_server import start_live_server


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cycle collector frees it


@pytest.fixture
def unfrozen_after(monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setattr(heap, "_startup_frozen", False)  # put back after the test
    yield None
    gc.unfreeze()  # this test process lives on: give its objects back to the collector


def _write_module(directory: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (directory / f"{name}.py").write_text("TABLE = [{'row': i} for i in range(1000)]\n")
    monkeypatch.syspath_prepend(str(directory))
    monkeypatch.delitem(sys.modules, name, raising=False)


def test_freezing_frees_garbage_first_and_keeps_new_objects_collectable(
    unfrozen_after: object,
) -> None:
    garbage = _Node()
    garbage_ref = weakref.ref(garbage)
    del garbage
    alive = _Node()

    frozen = freeze_startup_heap()

    assert garbage_ref() is None  # freed by the collection before the freeze, not frozen for ever
    assert frozen == gc.get_freeze_count() > 0
    assert not any(obj is alive for obj in gc.get_objects())  # out of the collector's walks
    later = _Node()
    later_ref = weakref.ref(later)
    del later
    gc.collect()
    assert later_ref() is None  # what comes after start-up is collected as usual


def test_a_server_process_freezes_its_heap_once_started(tmp_path: Path) -> None:
    with start_live_server(tmp_path) as server:
        server.get("/api/v1/health", server.admin_token)
        found = re.search(r"froze (\d+) start-up objects", server.log())
    assert found is not None, server.log()
    assert int(found.group(1)) > 10_000  # the modules, routes and mappers of a whole server


def test_a_library_loaded_late_is_frozen_with_the_start_up_heap(
    unfrozen_after: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze_startup_heap()
    _write_module(tmp_path, "late_library", monkeypatch)

    module = load_for_good("late_library")

    assert not any(obj is module.TABLE for obj in gc.get_objects())  # out of full collections
    assert load_for_good("late_library") is module  # loaded once


def test_without_a_frozen_start_up_a_late_library_stays_collectable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(heap, "_startup_frozen", False)  # as in a test's in-process app
    _write_module(tmp_path, "late_library_unfrozen", monkeypatch)
    frozen = gc.get_freeze_count()

    module = load_for_good("late_library_unfrozen")

    assert gc.get_freeze_count() == frozen
    assert any(obj is module.TABLE for obj in gc.get_objects())
