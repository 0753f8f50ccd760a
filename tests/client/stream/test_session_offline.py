"""The console session offline: actions queue in the outbox, flush in order on reconnect, and a
claim somebody else won meanwhile is shown to the rep, never dropped."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from app.client.connection.api import ResponderApi
from app.client.connection.events import Backoff, ConnectionState
from app.client.stream.session import ActionResult, ConsoleSession
from app.client.stream.store import LocalStore, OutboxStatus
from app.client.worker import BlockingWorker
from tests.client.netcut import NetworkCut, network_between
from tests.client.waiting import until_true
from tests.support.live_server import LiveServer, mention_json


@contextlib.asynccontextmanager
async def running_session(base_url: str, token: str, cache: Path) -> AsyncIterator[ConsoleSession]:
    worker = BlockingWorker("test-store")
    store = LocalStore(cache)
    session = ConsoleSession(
        ResponderApi(base_url, token, timeout=3),
        store,
        worker,
        backoff=Backoff(initial=0.05, maximum=0.3),
    )
    await session.open()
    task = asyncio.create_task(session.run())
    try:
        yield session
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await session.aclose()
        store.close()
        worker.shutdown()


async def online(session: ConsoleSession) -> None:
    await until_true(session.connection_changed, lambda: session.state is ConnectionState.ONLINE)


@pytest.fixture
def link(live_server: LiveServer) -> Iterator[NetworkCut]:
    with network_between(live_server.base_url) as cut:
        yield cut


async def test_offline_claims_flush_in_order_and_conflicts_are_kept(
    live_server: LiveServer, link: NetworkCut, tmp_path: Path
) -> None:
    dana_id, dana_token = live_server.create_user("dana-offline", role="rep")
    _, lee_token = live_server.create_user("lee-offline", role="rep")
    ids = live_server.ingest(
        [mention_json(f"off-{i}", f"Offline test mention {i}") for i in range(3)]
    )
    async with running_session(link.base_url, dana_token, tmp_path / "c.sqlite3") as session:
        await online(session)
        assert all(session.row(i) is not None for i in ids)

        link.cut()
        await until_true(
            session.connection_changed, lambda: session.state is ConnectionState.OFFLINE
        )
        lost = await session.claim(ids[0])
        kept = await session.claim(ids[1])
        assert (lost.result, kept.result) == (ActionResult.QUEUED, ActionResult.QUEUED)
        queued_row = session.row(ids[0])
        assert queued_row is not None
        assert queued_row.pending_action == "claim"
        # Reading and searching still work from the cache.
        assert session.row(ids[2]) is not None

        # Meanwhile Lee, online, takes the first mention.
        async with ResponderApi(live_server.base_url, lee_token) as lee:
            current = await lee.mention(ids[0])
            await lee.claim(ids[0], current.version)

        notices: list[str] = []
        session.notice.connect(notices.append)
        link.connect()
        session.reconnect_now()
        await until_true(
            session.outbox_changed,
            lambda: not any(e.status is OutboxStatus.PENDING for e in session.outbox_entries),
        )
        [conflict] = session.outbox_entries
        assert conflict.mention_id == ids[0]
        assert conflict.status is OutboxStatus.CONFLICT
        assert conflict.current_owner == "lee-offline"
        assert any("lee-offline claimed this mention while you were offline" in n for n in notices)

        def owners_known() -> bool:
            first, second = session.row(ids[0]), session.row(ids[1])
            return (
                first is not None
                and second is not None
                and first.assignee_name == "lee-offline"
                and second.assignee_id == dana_id
            )

        await until_true(session.rows_changed, owners_known)
        second_row = session.row(ids[1])
        assert second_row is not None
        assert second_row.pending_action is None

        # The rep has read it: only then does it leave the outbox.
        await session.decide(conflict.seq, do_anyway=False)
        assert session.outbox_entries == []


async def test_claim_online_and_lost_race_says_who(live_server: LiveServer, tmp_path: Path) -> None:
    _, ana_token = live_server.create_user("ana-online", role="rep")
    _, bo_token = live_server.create_user("bo-online", role="rep")
    [free, taken] = live_server.ingest(
        [mention_json("on-1", "Please help"), mention_json("on-2", "Anyone there?")]
    )
    async with running_session(live_server.base_url, ana_token, tmp_path / "a.sqlite3") as ana:
        await online(ana)
        done = await ana.claim(free)
        assert done.result is ActionResult.DONE
        async with ResponderApi(live_server.base_url, bo_token) as bo:
            seen = await bo.mention(taken)
            await bo.claim(taken, seen.version)
        # Ana clicks before Bo's claim reached her console: her cached version is stale.
        notices: list[str] = []
        ana.notice.connect(notices.append)
        outcome = await ana.claim(taken)
        assert outcome.result is ActionResult.CONFLICT
        assert "bo-online has it now" in outcome.message
        # Said once (by the outcome, to the rep who clicked), and not kept in the outbox as
        # something still to read ("Outbox: 1 needs your decision")
        assert notices == []
        assert ana.outbox_entries == []

        def bo_owns_it() -> bool:
            row = ana.row(taken)
            return row is not None and row.assignee_name == "bo-online"

        await until_true(ana.rows_changed, bo_owns_it)


async def test_a_claim_racing_the_reconnect_flush_is_told_done(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """The flush a stream starts when it comes back online runs while the rep clicks Claim:
    whichever sends the claim, the rep is told it is done (not "waits to be sent" for a claim
    the server already took), and it is sent once."""
    _, cy_token = live_server.create_user("cy-online", role="rep")
    [mention_id] = live_server.ingest([mention_json("on-race-1", "Is anyone there?")])
    async with running_session(live_server.base_url, cy_token, tmp_path / "c.sqlite3") as cy:
        await online(cy)
        reconnect_flush = asyncio.create_task(cy._flush_outbox())  # as on coming back online
        done = await cy.claim(mention_id)
        flushed = await reconnect_flush
        assert done.result is ActionResult.DONE, done.message
        assert flushed.sent == []  # the claim's own flush sent it, once
        assert cy.outbox_entries == []
