"""Run one write transaction whole — begin to commit — in a single worker thread.

For endpoints many consoles hit at once (acknowledging a broadcast, answering a handoff):
when the commit needs a thread of its own, a burst larger than the thread pool can leave every
thread waiting for SQLite's write lock while the lock holder waits for a thread to commit in,
until the busy timeout turns the requests into 503s."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
from sqlalchemy.orm import Session

from app.server.db import Database

T = TypeVar("T")


def _write(db: Database, work: Callable[[Session], T]) -> T:
    with db.write() as session:
        return work(session)


async def in_write_transaction(db: Database, work: Callable[[Session], T]) -> T:
    """`work(session)` inside `db.write()` on a worker thread; committed when it returns,
    rolled back (nothing half-applied) when it raises."""
    return await anyio.to_thread.run_sync(_write, db, work)
