"""The ingest planner (app/server/ingest_planner.py): a large batch planned in its processes is
the plan the server process would make — same mentions, rows and payloads, in order, a repeat
dropped — a small one never leaves the calling thread, and the processes end with the server
even when it is killed."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.models.schemas import MentionCreate
from app.server.background import BACKGROUND_NICENESS
from app.server.db import open_database
from app.server.ingest_planner import POOL_MIN_ITEMS, IngestPlanner, plan_part
from app.server.services.ingest import IngestPlan
from tests.support.live_server import mention_json, start_live_server
from tests.support.text_reads import TextReads, text_reads

pytestmark = pytest.mark.slow

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _batch(size: int) -> list[MentionCreate]:
    items = []
    for i in range(size):
        text = f"Order {i} never arrived, I want a refund!" if i % 3 else "Love it, thanks"
        if i % 10 == 9:
            text = "The blender arrived broken and support hung up on me. " * 60
        items.append(
            MentionCreate.model_validate(
                {
                    "network": "mastodon",
                    "external_id": f"p-{i % (size - 1)}",  # the last one repeats the first
                    "author": {"handle": f"@c{i}", "followers": 10 * i},
                    "text": text,
                }
            )
        )
    return items


@contextmanager
def _reads_here(tmp_path: Path) -> Iterator[TextReads]:
    """The texts read in this process while the block runs (the tone's audit events)."""
    db = open_database(f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    try:
        with text_reads(db) as reads:
            yield reads
    finally:
        db.dispose()


@pytest.fixture
def planner() -> Iterator[IngestPlanner]:
    planner = IngestPlanner(2)
    yield planner
    planner.close()


def test_a_large_batch_planned_in_processes_is_the_same_plan(
    planner: IngestPlanner, tmp_path: Path
) -> None:
    items = _batch(60)
    here = IngestPlan.of(plan_part(items, NOW))
    with _reads_here(tmp_path) as reads:
        there = planner.plan(items, now=NOW)
    assert reads.lengths == []  # not one text read in this process
    assert there.keys == here.keys
    assert len(there.mentions) == 59  # the repeat is dropped, the first one kept
    assert [m.key for m in there.mentions] == [m.key for m in here.mentions]
    assert [m.row for m in there.mentions] == [m.row for m in here.mentions]
    assert [m.payload for m in there.mentions] == [m.payload for m in here.mentions]


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="Unix priorities")
def test_the_planning_processes_yield_the_cpu_to_the_server(planner: IngestPlanner) -> None:
    planner.plan(_batch(POOL_MIN_ITEMS), now=NOW)
    pool = planner._executor()
    # Asked in the pool's processes themselves: a process runs its initializer before any task
    # (the pool may still be starting one when the batch is done).
    asked = [pool.submit(os.getpriority, os.PRIO_PROCESS, 0) for _ in range(4)]
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    assert {future.result(timeout=30) for future in asked} == {min(mine + BACKGROUND_NICENESS, 19)}


def test_a_small_batch_is_planned_in_the_calling_thread(
    planner: IngestPlanner, tmp_path: Path
) -> None:
    items = _batch(POOL_MIN_ITEMS - 1)
    with _reads_here(tmp_path) as reads:
        plan = planner.plan(items, now=NOW)
    assert len(reads.lengths) == len(items)
    assert len(plan.mentions) == len(items) - 1


def test_without_processes_every_batch_is_planned_here(tmp_path: Path) -> None:
    items = _batch(POOL_MIN_ITEMS * 2)
    planner = IngestPlanner(0)
    with _reads_here(tmp_path) as reads:
        plan = planner.plan(items, now=NOW)
    assert len(reads.lengths) == len(items)
    assert plan.keys == [(i.network.value, i.external_id) for i in items]


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_planning_processes_end_with_a_killed_server(tmp_path: Path) -> None:
    with start_live_server(tmp_path) as server:
        ids = server.ingest(
            [mention_json(f"k-{i}", f"Order {i} is late, refund me") for i in range(40)]
        )
        assert len(ids) == 40
        planners = _children(server.process.pid)
        assert len(planners) >= 2  # the pool's processes (and its resource tracker)
        server.process.kill()  # kill -9: no shutdown runs
        server.process.wait(timeout=10)
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in planners) and time.monotonic() < deadline:
            time.sleep(0.1)  # polling other processes: nothing to await
        assert [pid for pid in planners if _alive(pid)] == []
