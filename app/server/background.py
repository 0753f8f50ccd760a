"""Processes that do the server's background reading (ingest planning, storm reading): they
yield the CPU to the server process and never outlive it."""

from __future__ import annotations

import os
import threading
import time

PARENT_CHECK_SECONDS = 1.0
# How much lower than the server process background processes run (a Unix nice increment):
# when both cores are busy, the requests' threads and the database get the CPU first.
BACKGROUND_NICENESS = 5


def start_background_process(parent: int) -> None:
    """A pool process's initializer: yield the CPU to the server process (this is background
    work; a claim or a stream answered meanwhile is a person waiting), and end when the server
    process is gone."""
    if hasattr(os, "nice"):
        os.nice(BACKGROUND_NICENESS)
    _end_with(parent)


def _end_with(parent: int) -> None:
    """End when the server process is gone, even one killed without a goodbye (kill -9) —
    never linger as an orphan holding memory."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)  # a schedule: nothing signals a parent's death
        os._exit(0)

    threading.Thread(target=watch, name="watch-server", daemon=True).start()
