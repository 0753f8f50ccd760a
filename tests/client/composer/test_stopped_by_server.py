"""A reply whose countdown ended in the console (it left for the network, as far as the console
knows) but which the team server stopped before sending — a manager resolved the mention while
it waited — comes back to the rep's outbox as the usual question (discard / send anyway / hand
off), through the server's `reply.updated` event; sent anyway, it is a new reply and the mention
stays resolved.

Against a real server process (its real clock holds the reply 2 s, the console's test clock
counts the same 2 s) with the console's session and composer core running."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from app.client.composer.cooling import ConflictChoice, CoolingReply, CoolingState
from app.client.composer.policy import CoolOffPolicy
from app.client.composer.service import ComposerService
from app.client.connection.api import ResponderApi
from app.client.connection.events import Backoff, ConnectionState
from app.client.stream.session import ConsoleSession
from app.client.stream.store import LocalStore
from app.client.worker import BlockingWorker
from app.tone import check_reply
from tests.client.waiting import until, until_true
from tests.support.composer import FakeClock, Rep, reply_states, team_rep
from tests.support.live_server import LiveServer

CALM = "Sorry for the wait! I'm checking with the warehouse now; could you DM us your order?"
HOLD = 2  # seconds: the console's countdown, and so the server's hold (the team asks none)


@asynccontextmanager
async def console(rep: Rep, cache: Path, clock: FakeClock) -> AsyncIterator[ComposerService]:
    """A console's session (its event stream running) and composer core."""
    store = LocalStore(cache)
    worker = BlockingWorker("stopped-test")
    session = ConsoleSession(
        ResponderApi(rep.server.base_url, rep.token, timeout=5),
        store,
        worker,
        backoff=Backoff(0.05, 0.3),
    )
    await session.open()
    composer = ComposerService(
        session, store, worker, device="stopped", clock=clock, policy=CoolOffPolicy(HOLD, HOLD)
    )
    await composer.start()
    runner = asyncio.create_task(session.run())
    try:
        await until_true(
            session.connection_changed, lambda: session.state is ConnectionState.ONLINE
        )
        composer.cool_off.policy = CoolOffPolicy(HOLD, HOLD)  # not the team's 0 s
        yield composer
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await composer.aclose()
        await session.aclose()
        worker.shutdown()
        store.close()


def _resolve_as_manager(server: LiveServer, mention_id: int) -> str:
    name = f"mia-{uuid.uuid4().hex[:6]}"
    _, token = server.create_user(name, role="manager")
    response = httpx.post(
        f"{server.base_url}/api/v1/mentions/{mention_id}/resolve",
        json={},
        headers=server.headers(token),
        timeout=10,
    )
    response.raise_for_status()
    return name


async def test_a_reply_stopped_after_it_left_the_console_comes_back_as_a_question(
    live_server: LiveServer, tmp_path: Path
) -> None:
    rep = team_rep(live_server, 0, 0)
    mention_id, version = rep.new_mention()
    clock = FakeClock()
    async with console(rep, tmp_path / "c.sqlite3", clock) as composer:
        cool_off = composer.cool_off
        report = check_reply(CALM)
        sent = await cool_off.send(mention_id, str(uuid.uuid4()), CALM, version, report)
        assert sent.held is not None
        manager = await asyncio.to_thread(_resolve_as_manager, live_server, mention_id)
        # The console's countdown ends: as far as it knows, the reply has left.
        clock.advance(HOLD)
        assert [r.client_id for r, _ in (await cool_off.tick()).left] == [sent.client_id]
        assert cool_off.for_mention(mention_id) is None
        # The server's hold ends too (its real clock): it stops the reply; the event brings
        # it back.
        question: CoolingReply = await until(
            cool_off.conflict, lambda r: r.mention_id == mention_id, limit=20
        )
        assert question.state is CoolingState.CONFLICT
        assert f"{manager} resolved this mention while your reply waited" in (question.detail or "")
        assert question.body == CALM
        assert await composer.in_flight(mention_id) is None  # nothing waits for the network
        assert reply_states(rep, mention_id) == ["stopped"]

        anyway = await cool_off.choose(question.seq, ConflictChoice.SEND_ANYWAY)
        assert anyway is not None
        assert anyway.held is not None
        assert anyway.held.client_id != sent.client_id
    assert reply_states(rep, mention_id)[0] == "stopped"
    assert len(reply_states(rep, mention_id)) == 2
    assert rep.replies(mention_id)[1]["body"] == CALM
    assert live_server.get(f"/api/v1/mentions/{mention_id}", rep.token)["status"] == "resolved"
