"""Planning webhook batches (reading each text, scoring, building rows and event payloads) in
other processes, so the server process keeps its CPU — and its GIL — for requests.

Reading a text is the slow part of ingest (about a millisecond for a long post), all of it
Python: in the server's own threads a batch of a hundred holds the GIL for tens of
milliseconds, and every claim answered meanwhile waits for it. A batch of at least
`POOL_MIN_ITEMS` mentions is split, balanced by text length, over a pool of `processes`
processes (spawned on first use); a smaller one, or any batch when the pool is off or broken,
is planned in the calling thread. Either way the plan is the same (services/ingest.py)."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime

from app.models.schemas import MentionCreate
from app.server.background import start_background_process
from app.server.services.ingest import IngestPlan, PlannedMention, plan_mention
from app.tone.priority import read_mention

log = logging.getLogger(__name__)

POOL_MIN_ITEMS = 20  # below this, shipping the texts to another process does not pay


def plan_part(items: Sequence[MentionCreate], now: datetime) -> list[PlannedMention]:
    """Read and plan `items` (in a pool process, or in the caller's thread)."""
    return [plan_mention(item, read_mention(item.text), now=now) for item in items]


def _balanced(items: Sequence[MentionCreate], parts: int) -> list[list[int]]:
    """Item indexes in `parts` groups of about equal text length (longest placed first)."""
    groups: list[list[int]] = [[] for _ in range(parts)]
    loads = [0] * parts
    for index in sorted(range(len(items)), key=lambda i: -len(items[i].text)):
        lightest = loads.index(min(loads))
        groups[lightest].append(index)
        loads[lightest] += len(items[index].text) + 200  # a short text still costs something
    return [sorted(group) for group in groups if group]


class IngestPlanner:
    """Where webhook batches are planned: a process pool for large ones (see the module)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=start_background_process,
                    initargs=(os.getpid(),),
                )
            return self._pool

    def plan(self, items: Sequence[MentionCreate], *, now: datetime) -> IngestPlan:
        """The batch's plan (blocking: call it from a worker thread, before the write
        transaction)."""
        if self.processes < 1 or len(items) < POOL_MIN_ITEMS:
            return IngestPlan.of(plan_part(items, now))
        groups = _balanced(items, self.processes)
        try:
            pool = self._executor()
            futures: list[Future[list[PlannedMention]]] = [
                pool.submit(plan_part, [items[i] for i in group], now) for group in groups
            ]
            planned: list[PlannedMention | None] = [None] * len(items)
            for group, future in zip(groups, futures, strict=True):
                for index, mention in zip(group, future.result(), strict=True):
                    planned[index] = mention
        except BrokenProcessPool:
            log.warning("the ingest planning processes died; planning in the server process")
            self._forget_pool()
            return IngestPlan.of(plan_part(items, now))
        return IngestPlan.of([m for m in planned if m is not None])

    def _forget_pool(self, *, wait: bool = False) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=True)

    def close(self) -> None:
        """End the pool's processes (waits for a batch being planned: milliseconds)."""
        self._forget_pool(wait=True)
