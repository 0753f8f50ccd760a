"""No reply over a colleague's: a reply sent while the console is offline falls due there;
meanwhile a colleague answers the customer. On reconnect, handing it to the server meets a 409,
which is re-checked against the mention: the reply stops as a conflict showing the colleague's
reply, with discard / send anyway / hand off. When only the rep's own actions moved the mention
on, the reply is simply handed over. (Online, Send hands a reply over at once: the server holds
it for its cool-off, so a colleague's later reply no longer meets it in the console.)"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.client.composer.cool_off import CoolOff
from app.client.composer.cooling import ConflictChoice, CoolingState
from app.client.connection.api import ResponderApi
from app.client.stream.store import LocalStore
from app.client.worker import BlockingWorker
from app.tone import check_reply
from tests.client.netcut import NetworkCut, network_between
from tests.support.composer import COMPLAINT, FakeClock, Rep, api_get, api_post
from tests.support.live_server import LiveServer

CALM = (
    "I'm so sorry about the delay, that's frustrating. I'm looking into it now; "
    "please DM us your order number."
)


@pytest.fixture
def link(live_server: LiveServer) -> Iterator[NetworkCut]:
    with network_between(live_server.base_url) as cut:
        yield cut


@asynccontextmanager
async def console_via(
    link: NetworkCut, rep: Rep, cache: Path, clock: FakeClock
) -> AsyncIterator[CoolOff]:
    store = LocalStore(cache)
    worker = BlockingWorker("conflict-test")
    api = ResponderApi(link.base_url, rep.token, timeout=3)
    cool_off = CoolOff(store, worker, api, user_id=lambda: rep.user_id, clock=clock)
    await cool_off.load()
    try:
        yield cool_off
    finally:
        await api.aclose()
        worker.shutdown()
        store.close()


def colleague_replies(live_server: LiveServer, mention_id: int, text: str) -> None:
    _, token = live_server.create_user(f"mia-{uuid.uuid4().hex[:6]}", role="manager")
    detail = httpx.get(
        f"{live_server.base_url}/api/v1/mentions/{mention_id}",
        headers=live_server.headers(token),
        timeout=10,
    ).json()
    posted = httpx.post(
        f"{live_server.base_url}/api/v1/mentions/{mention_id}/replies",
        json={"client_id": str(uuid.uuid4()), "body": text, "base_version": detail["version"]},
        headers=live_server.headers(token),
        timeout=10,
    )
    assert posted.status_code == 202, posted.text


async def _due_while_offline(
    cool_off: CoolOff, link: NetworkCut, clock: FakeClock, mention_id: int, version: int
) -> int:
    link.cut()
    reply = await cool_off.send(
        mention_id, str(uuid.uuid4()), CALM, version, check_reply(CALM, mention=COMPLAINT)
    )
    assert reply.held is None  # offline: it counts down here
    clock.advance(25)
    offline = await cool_off.tick()
    assert offline.offline
    assert offline.left == []
    waiting = cool_off.for_mention(mention_id)
    assert waiting is not None
    assert waiting.waiting_for_network
    assert waiting.state is CoolingState.COUNTING
    return reply.seq


async def test_due_offline_then_colleague_replied_is_a_conflict_with_choices(
    live_server: LiveServer, link: NetworkCut, rep: Rep, tmp_path: Path
) -> None:
    clock = FakeClock()
    mention_id, version = rep.new_mention()
    async with console_via(link, rep, tmp_path / "c.sqlite3", clock) as cool_off:
        seq = await _due_while_offline(cool_off, link, clock, mention_id, version)
        colleague_replies(live_server, mention_id, "Hi! Mia here, I've sorted your order out.")
        link.connect()
        result = await cool_off.tick()
        assert result.left == []
        [conflict] = result.conflicts
        assert conflict.state is CoolingState.CONFLICT
        assert conflict.colleague_replies[0].body == "Hi! Mia here, I've sorted your order out."
        assert "replied to this customer" in (conflict.detail or "")
        assert [r["body"] for r in rep.replies(mention_id)] == [
            "Hi! Mia here, I've sorted your order out."
        ]
        # the conflict is durable too: a restart shows it again, and never sends it by itself
    async with console_via(link, rep, tmp_path / "c.sqlite3", clock) as cool_off:
        kept = cool_off.for_mention(mention_id)
        assert kept is not None
        assert kept.state is CoolingState.CONFLICT
        assert kept.colleague_replies[0].author.startswith("mia-")
        clock.advance(100)
        assert (await cool_off.tick()).left == []
        sent_anyway = await cool_off.choose(seq, ConflictChoice.SEND_ANYWAY)
        assert sent_anyway is not None
        assert sent_anyway.force
        # handed over at once; the server holds it the team's cool-off from now, and says so
        assert sent_anyway.held is not None
        assert sent_anyway.notice is not None
        assert (await cool_off.tick()).left == []
        clock.advance(20)
        assert len((await cool_off.tick()).left) == 1
    bodies = [r["body"] for r in rep.replies(mention_id)]
    assert bodies == ["Hi! Mia here, I've sorted your order out.", CALM]


async def test_conflict_discard_and_hand_off(
    live_server: LiveServer, link: NetworkCut, rep: Rep, tmp_path: Path
) -> None:
    clock = FakeClock()
    first, first_version = rep.new_mention()
    second, second_version = rep.new_mention()
    async with console_via(link, rep, tmp_path / "c.sqlite3", clock) as cool_off:
        seq_first = await _due_while_offline(cool_off, link, clock, first, first_version)
        seq_second = (
            await cool_off.send(second, str(uuid.uuid4()), CALM, second_version, check_reply(CALM))
        ).seq
        clock.advance(25)
        await cool_off.tick()
        colleague_replies(live_server, first, "Sorted, Mia.")
        colleague_replies(live_server, second, "Sorted too, Mia.")
        link.connect()
        result = await cool_off.tick()
        assert len(result.conflicts) == 2
        assert await cool_off.choose(seq_first, ConflictChoice.DISCARD) is None
        await cool_off.choose(
            seq_second, ConflictChoice.HAND_OFF, to_team="billing", note="Can you check?"
        )
        assert cool_off.replies == []
    assert [r["body"] for r in rep.replies(first)] == ["Sorted, Mia."]
    detail: dict[str, Any] = await asyncio.to_thread(
        api_get, live_server, f"/mentions/{second}", rep.token
    )
    assert [h["to_team"] for h in detail["handoffs"]] == ["billing"]
    assert CALM in detail["handoffs"][0]["note"]


async def test_only_my_own_claim_moved_it_so_the_reply_goes_out(
    live_server: LiveServer, link: NetworkCut, rep: Rep, tmp_path: Path
) -> None:
    clock = FakeClock()
    mention_id, version = rep.new_mention(claim=False)  # written against version 1, unclaimed
    async with console_via(link, rep, tmp_path / "c.sqlite3", clock) as cool_off:
        link.cut()
        await cool_off.send(mention_id, str(uuid.uuid4()), CALM, version, check_reply(CALM))
        claimed = await asyncio.to_thread(
            api_post, live_server, f"/mentions/{mention_id}/claim", rep.token, {"version": version}
        )
        assert claimed.status_code == 200
        link.connect()
        result = await cool_off.tick()
        assert result.conflicts == []
        assert result.left == []  # held by the server against the new version
        clock.advance(20)
        assert len((await cool_off.tick()).left) == 1
    assert [r["body"] for r in rep.replies(mention_id)] == [CALM]


async def test_a_mention_that_is_gone_fails_with_the_draft_kept(
    rep: Rep, link: NetworkCut, tmp_path: Path
) -> None:
    clock = FakeClock()
    async with console_via(link, rep, tmp_path / "c.sqlite3", clock) as cool_off:
        failures: list[int] = []
        cool_off.failed.connect(lambda stopped: failures.append(stopped.seq))
        # handed over at Send: refused at once
        failed = await cool_off.send(999_999, str(uuid.uuid4()), CALM, 1, check_reply(CALM))
        assert failures == [failed.seq]
        clock.advance(20)
        assert (await cool_off.tick()).failed == []
        assert failed.state is CoolingState.FAILED
        assert "deleted upstream" in (failed.detail or "")
        assert failed.body == CALM
