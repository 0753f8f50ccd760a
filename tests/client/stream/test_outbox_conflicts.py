"""Offline actions carry the version they were made against. On reconnect, one the server refuses
as stale stops as a conflict, and every later action of the same mention (a reply too) is held
until the rep decides: do it anyway (against the current version) or drop it. Other mentions'
actions flush as usual; the rep's own queued actions in a row do not conflict with each other.

The story: Ana, offline, snoozes and then resolves her mention and writes a reply; meanwhile a
manager releases it and Dana claims it. Ana reconnects: her snooze is refused, her resolve and
her reply are held, and she reads "dana-… claimed this mention while you were offline"."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.client.composer.cool_off import CoolOff
from app.client.composer.cooling import ConflictChoice, CoolingState
from app.client.composer.policy import CoolOffPolicy
from app.client.connection.api import ResponderApi
from app.client.connection.events import Backoff, ConnectionState
from app.client.stream.decisions import decision_for
from app.client.stream.session import ActionResult, ConsoleSession
from app.client.stream.store import ActionKind, LocalStore, OutboxEntry, OutboxStatus
from app.client.stream.words import pending_words
from app.client.worker import BlockingWorker
from app.models.enums import EventType
from app.models.schemas import EventPublic, ReplyPublic
from app.tone import check_reply
from tests.client.netcut import NetworkCut, network_between
from tests.client.waiting import until, until_true
from tests.support.composer import FakeClock, team_rep
from tests.support.live_server import LiveServer, mention_json

REPLY = "So sorry about the wait! I'm checking your order now; please DM us the details."


@pytest.fixture(scope="module")
def brand(live_server: LiveServer) -> int:
    """One brand account (two would leave the server unsure which one replies)."""
    return live_server.add_brand_account("versions-brand")


@pytest.fixture
def link(live_server: LiveServer, brand: int) -> Iterator[NetworkCut]:
    with network_between(live_server.base_url) as cut:
        yield cut


@contextlib.asynccontextmanager
async def console(
    link: NetworkCut, token: str, user_id: int, cache: Path, clock: FakeClock
) -> AsyncIterator[tuple[ConsoleSession, CoolOff]]:
    """The session and the cool-off of one console, on one local store (as the app has them)."""
    worker = BlockingWorker("versions-test")
    store = LocalStore(cache)
    session = ConsoleSession(
        ResponderApi(link.base_url, token, timeout=3),
        store,
        worker,
        backoff=Backoff(initial=0.05, maximum=0.3),
    )
    cool_off_api = ResponderApi(link.base_url, token, timeout=3)
    cool_off = CoolOff(store, worker, cool_off_api, user_id=lambda: user_id, clock=clock)
    await session.open()
    await cool_off.load()
    task = asyncio.create_task(session.run())
    try:
        await until_true(
            session.connection_changed, lambda: session.state is ConnectionState.ONLINE
        )
        yield session, cool_off
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await session.aclose()
        await cool_off_api.aclose()
        store.close()
        worker.shutdown()


async def go_offline(session: ConsoleSession, link: NetworkCut) -> None:
    link.cut()
    await until_true(session.connection_changed, lambda: session.state is ConnectionState.OFFLINE)


async def reconnect(session: ConsoleSession, link: NetworkCut) -> None:
    link.connect()
    session.reconnect_now()
    await until_true(session.connection_changed, lambda: session.state is ConnectionState.ONLINE)


def _entry(session: ConsoleSession, mention_id: int, kind: ActionKind) -> OutboxEntry | None:
    return next(
        (e for e in session.outbox_entries if e.mention_id == mention_id and e.kind is kind), None
    )


def _status(session: ConsoleSession, mention_id: int, kind: ActionKind) -> OutboxStatus | None:
    entry = _entry(session, mention_id, kind)
    return entry.status if entry is not None else None


def _server(live_server: LiveServer, mention_id: int) -> dict[str, Any]:
    mention: dict[str, Any] = live_server.get(f"/api/v1/mentions/{mention_id}")
    return mention


def _post(live_server: LiveServer, path: str, token: str, body: object) -> None:
    response = httpx.post(
        f"{live_server.base_url}/api/v1{path}",
        json=body,
        headers=live_server.headers(token),
        timeout=10,
    )
    assert response.is_success, response.text


async def test_a_conflict_holds_the_mentions_later_actions_until_the_rep_decides(
    live_server: LiveServer, link: NetworkCut, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    ana_id, ana_token = live_server.create_user(f"ana-{tag}")
    _, dana_token = live_server.create_user(f"dana-{tag}")
    _, mia_token = live_server.create_user(f"mia-{tag}", role="manager")
    [mine, other] = live_server.ingest(
        [mention_json(f"v-{tag}-1", "My parcel is late"), mention_json(f"v-{tag}-2", "Hi")]
    )
    clock = FakeClock()
    cache = tmp_path / "ana.sqlite3"
    async with console(link, ana_token, ana_id, cache, clock) as (session, cool_off):
        for mention_id in (mine, other):
            assert (await session.claim(mention_id)).result is ActionResult.DONE
        row = session.row(mine)
        assert row is not None

        await go_offline(session, link)
        assert (await session.snooze(mine, 30)).result is ActionResult.QUEUED
        assert (await session.resolve(mine)).result is ActionResult.QUEUED
        assert (await session.snooze(other, 30)).result is ActionResult.QUEUED
        await cool_off.send(mine, str(uuid.uuid4()), REPLY, row.version, check_reply(REPLY))
        clock.advance(25)  # the reply falls due while Ana is offline

        # Meanwhile: the manager releases Ana's mention and Dana claims it.
        _post(live_server, f"/mentions/{mine}/release", mia_token, {})
        live_server.claim(mine, dana_token)

        notices: list[str] = []
        session.notice.connect(notices.append)
        await reconnect(session, link)
        await until_true(
            session.outbox_changed,
            lambda: (
                _status(session, mine, ActionKind.SNOOZE) is OutboxStatus.CONFLICT
                and _entry(session, other, ActionKind.SNOOZE) is None
            ),
        )
        # The other mention's action went through; this one's resolve was not even sent.
        assert _server(live_server, other)["status"] == "snoozed"
        assert _status(session, mine, ActionKind.RESOLVE) is OutboxStatus.PENDING
        server_side = _server(live_server, mine)
        assert server_side["status"] == "assigned"
        assert server_side["replies"] == []
        assert any(f"dana-{tag} claimed this mention while you were offline" in n for n in notices)
        marked = session.row(mine)
        assert marked is not None
        assert pending_words(marked.pending_action) == ("your action needs your decision")

        decision = decision_for(session.outbox_entries, mine, me=ana_id, is_manager=False)
        assert decision is not None
        assert decision.sentence == (
            f"dana-{tag} claimed this mention while you were offline. Your snooze was not sent. "
            f"Only dana-{tag} or a manager can snooze it now. "
            "Your reply and your resolve after it wait until you decide."
        )
        assert not decision.can_do_anyway
        assert decision.held == 2

        # The reply is due but waits behind the conflict; nothing leaves.
        held = await cool_off.tick()
        assert held.behind_action
        assert held.left == []

        # Ana drops the snooze: the resolve goes and stops in turn (made against the old
        # version too); the reply still waits.
        report = await session.decide(decision.seq, do_anyway=False)
        assert [e.kind for e in report.conflicts] == [ActionKind.RESOLVE]
        assert _entry(session, mine, ActionKind.SNOOZE) is None
        assert (await cool_off.tick()).behind_action
        then = decision_for(session.outbox_entries, mine, me=ana_id, is_manager=False)
        assert then is not None
        assert then.sentence.startswith(f"dana-{tag} claimed this mention while you were offline.")
        assert then.held == 1

        # She drops that too: the reply leaves, and the server's 409 stops it in the composer.
        await session.decide(then.seq, do_anyway=False)
        left = await cool_off.tick()
        assert left.left == []
        [stopped] = left.conflicts
        assert stopped.state is CoolingState.CONFLICT
        assert f"dana-{tag}" in (stopped.detail or "")
        after = _server(live_server, mine)
        assert (after["status"], after["replies"]) == ("assigned", [])


async def test_do_it_anyway_sends_against_the_current_version(
    live_server: LiveServer, link: NetworkCut, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    ana_id, ana_token = live_server.create_user(f"ana-{tag}")
    _, mia_token = live_server.create_user(f"mia-{tag}", role="manager")
    [mine] = live_server.ingest([mention_json(f"w-{tag}", "Where is my refund?")])
    async with console(link, ana_token, ana_id, tmp_path / "a.sqlite3", FakeClock()) as (
        session,
        _cool_off,
    ):
        assert (await session.claim(mine)).result is ActionResult.DONE
        await go_offline(session, link)
        assert (await session.resolve(mine, follow_up_in_days=3)).result is ActionResult.QUEUED
        # Meanwhile the manager snoozes it (it stays Ana's).
        _post(live_server, f"/mentions/{mine}/snooze", mia_token, {"minutes": 60})

        await reconnect(session, link)
        await until_true(
            session.outbox_changed,
            lambda: _status(session, mine, ActionKind.RESOLVE) is OutboxStatus.CONFLICT,
        )
        decision = decision_for(session.outbox_entries, mine, me=ana_id, is_manager=False)
        assert decision is not None
        assert decision.sentence == (
            "This mention was snoozed while you were offline. Your resolve was not sent."
        )
        assert decision.can_do_anyway
        assert _server(live_server, mine)["status"] == "snoozed"

        report = await session.decide(decision.seq, do_anyway=True)

        assert [e.kind for e in report.sent] == [ActionKind.RESOLVE]
        assert session.outbox_entries == []
        resolved = _server(live_server, mine)
        assert resolved["status"] == "resolved"
        assert resolved["follow_up_at"] is not None


async def test_my_own_queued_actions_in_a_row_do_not_conflict(
    live_server: LiveServer, link: NetworkCut, tmp_path: Path
) -> None:
    """A claim then a resolve made offline on the same cached version: the claim moves the
    version on, and the resolve is sent against the claim's result, not refused by it."""
    tag = uuid.uuid4().hex[:6]
    ana_id, ana_token = live_server.create_user(f"ana-{tag}")
    [fresh] = live_server.ingest([mention_json(f"r-{tag}", "Thanks, all sorted!")])
    async with console(link, ana_token, ana_id, tmp_path / "r.sqlite3", FakeClock()) as (
        session,
        _cool_off,
    ):
        await go_offline(session, link)
        assert (await session.claim(fresh)).result is ActionResult.QUEUED
        assert (await session.resolve(fresh)).result is ActionResult.QUEUED
        await reconnect(session, link)
        await until_true(session.outbox_changed, lambda: session.outbox_entries == [])
        assert _server(live_server, fresh)["status"] == "resolved"


async def test_a_reply_due_after_a_colleague_resolved_asks_and_keeps_it_resolved(
    live_server: LiveServer, link: NetworkCut, tmp_path: Path
) -> None:
    """What a rep expects: a colleague closed the case on purpose, so the late reply (written
    offline, handed over on reconnect) stops for the rep's word; sent anyway, it reaches the
    customer and the mention stays resolved."""
    tag = uuid.uuid4().hex[:6]
    ana_id, ana_token = live_server.create_user(f"ana-{tag}")
    _, mia_token = live_server.create_user(f"mia-{tag}", role="manager")
    [mine] = live_server.ingest([mention_json(f"z-{tag}", "Is my order on its way?")])
    clock = FakeClock()
    async with console(link, ana_token, ana_id, tmp_path / "z.sqlite3", clock) as (
        session,
        cool_off,
    ):
        assert (await session.claim(mine)).result is ActionResult.DONE
        row = session.row(mine)
        assert row is not None
        link.cut()
        reply = await cool_off.send(mine, str(uuid.uuid4()), REPLY, row.version, check_reply(REPLY))
        assert reply.held is None  # offline: it counts down here
        _post(live_server, f"/mentions/{mine}/resolve", mia_token, {})
        clock.advance(25)
        link.connect()

        first = await cool_off.tick()

        assert first.left == [], first
        [stopped] = first.conflicts
        assert f"mia-{tag} resolved this mention" in (stopped.detail or "")
        assert _server(live_server, mine)["replies"] == []
        anyway = await cool_off.choose(reply.seq, ConflictChoice.SEND_ANYWAY)
        assert anyway is not None
        assert anyway.held is not None  # the server holds it for the cool-off from now
        clock.advance(20)
        assert len((await cool_off.tick()).left) == 1
        after = _server(live_server, mine)
        assert after["status"] == "resolved"
        assert [r["body"] for r in after["replies"]] == [REPLY]


async def test_a_reply_held_while_a_colleague_resolves_is_stopped_for_the_reps_word(
    live_server: LiveServer, link: NetworkCut, tmp_path: Path
) -> None:
    """The same while the server holds the reply for its cool-off: the resolve comes during
    the countdown; when it falls due the server stops it (not sent), the event brings it back
    to the console as the same question; sent anyway, it is a new reply and the mention stays
    resolved."""
    tag = uuid.uuid4().hex[:6]
    ana = team_rep(live_server, 0, 0)  # the team asks no minimum: the console's 2 s rule
    _, mia_token = live_server.create_user(f"mia-{tag}", role="manager")
    [mine] = live_server.ingest([mention_json(f"h-{tag}", "Is my order on its way?")])
    async with console(link, ana.token, ana.user_id, tmp_path / "h.sqlite3", FakeClock()) as (
        session,
        cool_off,
    ):
        cool_off.policy = CoolOffPolicy(2, 2)
        following: set[asyncio.Task[bool]] = set()

        def follow(event: EventPublic) -> None:  # what the composer service does
            if event.type is EventType.REPLY_UPDATED:
                task = asyncio.create_task(
                    cool_off.follow(ReplyPublic.model_validate(event.payload["reply"]))
                )
                following.add(task)
                task.add_done_callback(following.discard)

        session.event_received.connect(follow)
        assert (await session.claim(mine)).result is ActionResult.DONE
        row = session.row(mine)
        assert row is not None
        stopped = asyncio.ensure_future(until(cool_off.conflict, lambda _reply: True))
        reply = await cool_off.send(mine, str(uuid.uuid4()), REPLY, row.version, check_reply(REPLY))
        assert reply.held is not None
        _post(live_server, f"/mentions/{mine}/resolve", mia_token, {})

        question = await stopped
        assert question.state is CoolingState.CONFLICT
        assert f"mia-{tag} resolved this mention while your reply waited" in (question.detail or "")
        assert question.client_id != reply.client_id  # spent on the stopped one
        assert [r["status"] for r in _server(live_server, mine)["replies"]] == ["stopped"]

        anyway = await cool_off.choose(question.seq, ConflictChoice.SEND_ANYWAY)
        assert anyway is not None
        assert anyway.held is not None
        assert anyway.held.client_id == question.client_id
        after = _server(live_server, mine)
        assert after["status"] == "resolved"
        assert [r["body"] for r in after["replies"]] == [REPLY, REPLY]
