"""End to end: a rep's console (session + composer core) → the real team server → a real
Mastodon-API server (mastodon-mock). The reply waits its cool-off (the console's injected clock;
the server holds it the same time on its real one: the rep's team asks 5 s), survives a console
restart mid-countdown, leaves once, and appears exactly once, threaded under the customer's
post; the draft is forgotten only when the network confirms the post."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from app.client.composer.drafts import LocalDraft
from app.client.composer.policy import CoolOffPolicy
from app.client.composer.service import ComposerService, ReplyFate, ReplyOutcome
from app.client.connection.api import ResponderApi
from app.client.connection.events import Backoff, ConnectionState
from app.client.stream.session import ConsoleSession
from app.client.stream.store import LocalStore
from app.client.worker import BlockingWorker
from app.tone import check_reply
from tests.client.waiting import until_true
from tests.connectors.helpers import BRAND_TOKEN, MastodonMock
from tests.server.helpers import add_mastodon_account, events_from_now, is_account, is_mention
from tests.support.composer import FakeClock, team_rep
from tests.support.live_server import LiveServer

REPLY = (
    "I'm so sorry your order is late. I've asked the warehouse to trace it now; "
    "could you DM us your order number?"
)


@asynccontextmanager
async def console(
    server: LiveServer, token: str, cache: Path, clock: FakeClock
) -> AsyncIterator[ComposerService]:
    store = LocalStore(cache)
    worker = BlockingWorker("e2e-store")
    session = ConsoleSession(
        ResponderApi(server.base_url, token, timeout=5), store, worker, backoff=Backoff(0.05, 0.3)
    )
    await session.open()
    composer = ComposerService(
        session, store, worker, device="e2e", clock=clock, policy=CoolOffPolicy(5, 5)
    )
    await composer.start()
    runner = asyncio.create_task(session.run())
    try:
        await until_true(
            session.connection_changed, lambda: session.state is ConnectionState.ONLINE
        )
        yield composer
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await composer.aclose()
        await session.aclose()
        worker.shutdown()
        store.close()


async def test_exactly_one_threaded_reply_through_the_real_server(
    server: LiveServer, mastodon: MastodonMock, tmp_path: Path
) -> None:
    with events_from_now(server) as events:
        add_mastodon_account(server, mastodon.base_url, BRAND_TOKEN)
        events.wait(is_account("acme", "ok"))
        post = mastodon.post("alice", "@acme my order is three weeks late, terrible service")
        mention = events.wait(is_mention(post["id"])).data["payload"]["mention"]
    token = team_rep(server, 5, 5).token
    clock = FakeClock()
    cache = tmp_path / "console.sqlite3"
    mention_id = int(mention["id"])

    async with console(server, token, cache, clock) as composer:
        session = composer.session
        claimed = await session.claim(mention_id)
        assert claimed.result.value == "done", claimed.message
        row = session.row(mention_id)
        assert row is not None
        draft = await composer.drafts.open(mention_id, row.version)
        composer.drafts.typed(LocalDraft(mention_id, draft.client_id, REPLY, row.version))
        await composer.drafts.flush(mention_id)
        report = check_reply(REPLY, mention=row.text, network=row.network)
        await composer.cool_off.send(mention_id, draft.client_id, REPLY, row.version, report)
        clock.advance(2)
        assert (await composer.cool_off.tick()).left == []
    # the console quits 2 s into the countdown and starts again 1 s later
    clock.advance(1)
    async with console(server, token, cache, clock) as composer:
        waiting = composer.cool_off.for_mention(mention_id)
        assert waiting is not None
        assert waiting.remaining(clock.now) == pytest.approx(2)
        assert mastodon.context(post["id"])["descendants"] == []
        posted: asyncio.Future[ReplyOutcome] = asyncio.get_running_loop().create_future()

        def on_outcome(found: ReplyOutcome) -> None:
            if found.mention_id == mention_id and not posted.done():
                posted.set_result(found)

        composer.reply_outcome.connect(on_outcome)
        clock.advance(2)
        left = (await composer.cool_off.tick()).left
        assert len(left) == 1
        outcome = await asyncio.wait_for(posted, 30)
        assert outcome.fate is ReplyFate.POSTED, outcome.message
        assert (await composer.cool_off.tick()).left == []
        # the draft is forgotten once the network has the post
        assert (await composer.drafts.open(mention_id, 1)).body == ""

    descendants = mastodon.context(post["id"])["descendants"]
    assert len(descendants) == 1
    [status] = descendants
    assert status["in_reply_to_id"] == post["id"]
    assert "order number" in status["content"]
    assert outcome.url == status["url"]
    assert uuid.UUID(draft.client_id)
