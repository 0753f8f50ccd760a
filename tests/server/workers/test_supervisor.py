"""The ingest supervisor in this process on a real SQLite database, with an injected clock: the
demo source played through a worker (every mention stored once, the cursor saved with them, a
restart resumes instead of replaying) and an account without its secret put in `error`."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.connectors import Connector, RateControl, connector_for
from app.connectors.demo import DemoConnector
from app.models.enums import EventType, Network
from app.models.tables import Account, Event, Mention
from app.server.clock import system_clock
from app.server.db import Database, open_database
from app.server.demo import ensure_demo_account
from app.server.migrate import upgrade_to_head
from app.server.secrets import SecretStore
from app.server.services.accounts import create_account
from app.server.workers.ingest import IngestSupervisor
from app.server.workers.locks import LocalLocks
from app.server.workers.pool import ConnectorPool
from tests.connectors.helpers import FakeTime


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    upgrade_to_head(database)
    yield database
    database.dispose()


def _pool(tmp_path: Path, fake: FakeTime) -> ConnectorPool:
    def build(network: Network, base_url: str, secret: str, **kwargs: Any) -> Connector:
        if Network(network) is Network.DEMO:
            return DemoConnector(interval=4.0, clock=fake.clock, sleep=fake.sleep)
        return connector_for(network, base_url, secret, **kwargs)

    store = SecretStore(tmp_path / "secrets.json", environ={})
    return ConnectorPool(store, RateControl(clock=fake.clock, sleep=fake.sleep), factory=build)


async def _run_until_worker_ends(supervisor: IngestSupervisor) -> tuple[int, str]:
    ended: asyncio.Future[tuple[int, str]] = asyncio.get_running_loop().create_future()

    def on_end(account_id: int, outcome: str) -> None:
        if not ended.done():
            ended.set_result((account_id, outcome))

    supervisor.on_worker_end = on_end
    task = asyncio.create_task(supervisor.run())
    try:
        return await asyncio.wait_for(ended, timeout=30)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_demo_is_played_once_and_a_restart_resumes(db: Database, tmp_path: Path) -> None:
    account_id = ensure_demo_account(db, system_clock)
    fake = FakeTime()
    first = IngestSupervisor(
        db, _pool(tmp_path, fake), LocalLocks(), clock=system_clock, sleep=fake.sleep
    )
    assert await _run_until_worker_ends(first) == (account_id, "finished")

    total = len(DemoConnector().items)
    with db.read() as session:
        stored = session.scalars(select(Mention)).all()
        account = session.get(Account, account_id)
        assert account is not None
        assert account.cursor == str(total)
    assert len(stored) == total
    assert all(m.is_demo and m.account_id == account_id for m in stored)
    assert fake.sleeps.count(4.0) == total - DemoConnector().first_batch  # the demo's pace

    again = IngestSupervisor(
        db, _pool(tmp_path, fake), LocalLocks(), clock=system_clock, sleep=fake.sleep
    )
    assert await _run_until_worker_ends(again) == (account_id, "finished")
    with db.read() as session:
        assert session.scalar(select(func.count(Mention.id))) == total


async def test_an_account_without_its_secret_is_in_error(db: Database, tmp_path: Path) -> None:
    with db.write() as session:
        account_id = create_account(
            session,
            network=Network.MASTODON,
            name="acme",
            base_url="http://127.0.0.1:9",
            secret_ref="ACME",
            options={},
            now=system_clock(),
        ).id
    fake = FakeTime()
    supervisor = IngestSupervisor(
        db, _pool(tmp_path, fake), LocalLocks(), clock=system_clock, sleep=fake.sleep
    )
    assert await _run_until_worker_ends(supervisor) == (account_id, "error")
    with db.read() as session:
        account = session.get(Account, account_id)
        assert account is not None
        assert account.state == "error"
        assert "RESPONDER_SECRET_ACME" in (account.error or "")
        states = [
            e.payload["account"]["state"]
            for e in session.scalars(
                select(Event).where(Event.type == str(EventType.ACCOUNT_UPDATED))
            )
        ]
    assert states == ["ok", "error"]
