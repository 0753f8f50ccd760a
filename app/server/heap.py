"""The server process's heap and Python's cycle collector.

A full (oldest-generation) collection walks every container object the process holds. Right
after start-up that is some 200,000 objects that live as long as the process — modules,
FastAPI's routes and pydantic's validators, SQLAlchemy's mappers — and a storm's allocations
(a batch of a hundred mentions, forty streams' frames) trip a full collection every two or
three seconds. Each one stopped the whole process for 80–130 ms, and every claim, stream and
health check waiting meanwhile carried that stall: it was most of a storm's claim p99 (see
bench/bench_storm.py). Freezing the start-up heap moves it out of the collector's sight; what
the process allocates afterwards is still collected as usual (full collections of 3–20 ms)."""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def freeze_startup_heap() -> int:
    """Collect once, then move every object alive now out of later collections; return how
    many objects the collector no longer walks. Call it once, when start-up is done."""
    gc.collect()  # garbage made by start-up is freed, not frozen for ever
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.info("froze %d start-up objects out of later full collections", frozen)
    return frozen
