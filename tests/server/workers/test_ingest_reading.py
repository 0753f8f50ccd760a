"""The ingest worker reads each mention's text before its write transaction (the demo source
played through a real worker on SQLite), so a long mention never holds the database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app.connectors.demo import DemoConnector
from app.models.tables import Mention
from app.server.clock import system_clock
from app.server.db import Database
from app.server.demo import ensure_demo_account
from app.server.workers.ingest import IngestSupervisor
from app.server.workers.locks import LocalLocks
from tests.connectors.helpers import FakeTime
from tests.server.workers.test_supervisor import _pool, _run_until_worker_ends, db
from tests.support.text_reads import text_reads

__all__ = ["db"]  # the fixture, shared with the supervisor's tests


async def test_the_worker_reads_each_text_outside_its_write_transaction(
    db: Database, tmp_path: Path
) -> None:
    account_id = ensure_demo_account(db, system_clock)
    fake = FakeTime()
    supervisor = IngestSupervisor(
        db, _pool(tmp_path, fake), LocalLocks(), clock=system_clock, sleep=fake.sleep
    )
    with text_reads(db) as reads:
        assert await _run_until_worker_ends(supervisor) == (account_id, "finished")
    total = len(DemoConnector().items)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Mention)) == total
    assert len(reads.lengths) == total  # each text read once
    assert not any(reads.in_write_transaction)  # and never inside a write transaction
    # Each read came before the write that stored it: no two reads between the same writes.
    assert reads.writes_begun_then == sorted(set(reads.writes_begun_then))
