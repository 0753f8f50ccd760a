"""The server process's heap and Python's cycle collector.

A full (oldest-generation) collection walks every container object the process holds. Right
after start-up that is some 200,000 objects that live as long as the process — modules,
FastAPI's routes and pydantic's validators, SQLAlchemy's mappers — and a storm's allocations
(a batch of a hundred mentions, forty streams' frames) trip a full collection every two or
three seconds. Each one stopped the whole process for 80–130 ms, and every claim, stream and
health check waiting meanwhile carried that stall: it was most of a storm's claim p99 (see
bench/bench_storm.py). Freezing the start-up heap moves it out of the collector's sight; what
the process allocates afterwards is still collected as usual (full collections of 3–20 ms).

A library loaded late for good — the storm detector's text libraries (nltk, datasketch and
the parts of scipy they pull in), loaded when the detector first reads a post — is as
long-lived as start-up's modules: `load_for_good` freezes it too, in a process whose start-up
heap was frozen. Left in sight it was some 100,000 objects, and every full collection of a
storm walked them again: 70–120 ms each, every few seconds."""

from __future__ import annotations

import gc
import importlib
import logging
import sys
import threading
from types import ModuleType

log = logging.getLogger(__name__)

_startup_frozen = False
_loading = threading.Lock()
_loaded: dict[str, ModuleType] = {}  # modules `load_for_good` has finished loading


def freeze_startup_heap() -> int:
    """Collect once, then move every object alive now out of later collections; return how
    many objects the collector no longer walks. Call it once, when start-up is done."""
    global _startup_frozen
    gc.collect()  # garbage made by start-up is freed, not frozen for ever
    gc.freeze()
    _startup_frozen = True
    frozen = gc.get_freeze_count()
    log.info("froze %d start-up objects out of later full collections", frozen)
    return frozen


def load_for_good(name: str) -> ModuleType:
    """Import module `name`, which the process keeps until it ends; in a process whose
    start-up heap is frozen, freeze what the import made with it (the young garbage is
    collected first: only the young generations, no full walk). Import such a module only
    through here, or its first import escapes the freeze."""
    loaded = _loaded.get(name)  # only once wholly imported (sys.modules has it earlier)
    if loaded is not None:
        return loaded
    with _loading:
        if name in _loaded:
            return _loaded[name]
        before = gc.get_freeze_count()
        already = name in sys.modules
        module = importlib.import_module(name)
        if _startup_frozen and not already:
            gc.collect(1)
            gc.freeze()
            log.info("froze %d objects of %s, loaded late", gc.get_freeze_count() - before, name)
        _loaded[name] = module
        return module
