"""The cool-off with an injected clock, against a real server process. Send hands the reply to
the server at once, which holds it (never sent before its due time); the console's countdown
follows the server's due time and the reply leaves the console exactly when it ends; a restart
mid-countdown resumes it (no skip, no repeat); cancel at the last moment cancels it on the
server; heat lengthens it and refuses "send now"; "send now" never goes below the team's
cool-off; a reply sent offline is handed over on reconnect and the composer says when the
server's hold moved its due time; a crash whose answer was lost never sends it twice.

The server runs on the real clock, the console on the test's: the server's due times are read
through `due_in_seconds` and their changes, so both agree on what is left."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from app.client.composer import display
from app.client.composer.cool_off import CoolOff
from app.client.composer.policy import CoolOffPolicy, SendRefused
from app.client.connection.api import ResponderApi
from app.client.stream.store import LocalStore, OutboxStatus
from app.client.worker import BlockingWorker
from app.tone import check_reply
from tests.support.composer import COMPLAINT, FakeClock, Rep, api_post, reply_states, team_rep

CALM = (
    "I'm so sorry your order is late, that's really frustrating. I'm checking with the "
    "warehouse now; could you DM us your order number so we can fix this?"
)
HEATED = "AS I ALREADY SAID, you should have read the delivery terms!!!"
UNREACHABLE = "http://127.0.0.1:9"  # a closed port: the console is offline


@asynccontextmanager
async def console(
    rep: Rep,
    cache: Path,
    clock: FakeClock,
    policy: CoolOffPolicy | None = None,
    *,
    server_url: str | None = None,
) -> AsyncIterator[CoolOff]:
    """One run of the console's cool-off: open the store, load the outbox; close on exit
    (a restart is leaving this block and entering it again with the same cache file).
    `server_url`: where the console looks for its server (a closed port: offline)."""
    store = LocalStore(cache)
    worker = BlockingWorker("cool-off-test")
    api = ResponderApi(server_url or rep.server.base_url, rep.token, timeout=5)
    cool_off = CoolOff(store, worker, api, user_id=lambda: rep.user_id, clock=clock, policy=policy)
    await cool_off.load()
    try:
        yield cool_off
    finally:
        await api.aclose()
        worker.shutdown()
        store.close()


async def test_reply_leaves_exactly_when_due_and_restart_resumes(rep: Rep, tmp_path: Path) -> None:
    clock = FakeClock()
    cache = tmp_path / "console.sqlite3"
    mention_id, version = rep.new_mention()
    client_id = str(uuid.uuid4())
    async with console(rep, cache, clock) as cool_off:
        reply = await cool_off.send(
            mention_id, client_id, CALM, version, check_reply(CALM, mention=COMPLAINT)
        )
        assert reply.due_at == clock.now + timedelta(seconds=20)
        assert not reply.heated
        assert reply.held is not None  # the server has it at once, and holds it
        assert reply.held.due_in_seconds == 20
        assert reply_states(rep, mention_id) == ["queued"]
        clock.advance(12)
        assert (await cool_off.tick()).left == []
        assert cool_off.for_mention(mention_id) is not None
    # the console quits (or crashes) 12 s in; 3 s later it starts again
    clock.advance(3)
    async with console(rep, cache, clock) as cool_off:
        resumed = cool_off.for_mention(mention_id)
        assert resumed is not None
        assert resumed.remaining(clock.now) == pytest.approx(5.0)  # resumed, not restarted
        clock.advance(4.999)
        assert (await cool_off.tick()).left == []
        assert reply_states(rep, mention_id) == ["queued"]  # held there, not sent
        clock.advance(0.001)
        left = (await cool_off.tick()).left
        assert [r.client_id for r, _ in left] == [client_id]
        assert (await cool_off.tick()).left == []  # never repeats
    async with console(rep, cache, clock) as cool_off:
        assert cool_off.replies == []
        clock.advance(60)
        assert (await cool_off.tick()).left == []
    replies = rep.replies(mention_id)
    assert [r["client_id"] for r in replies] == [client_id]
    assert replies[0]["body"] == CALM


async def test_cancel_at_the_last_moment_keeps_it_from_leaving(rep: Rep, tmp_path: Path) -> None:
    clock = FakeClock()
    mention_id, version = rep.new_mention()
    async with console(rep, tmp_path / "c.sqlite3", clock) as cool_off:
        reply = await cool_off.send(
            mention_id, str(uuid.uuid4()), CALM, version, check_reply(CALM, mention=COMPLAINT)
        )
        clock.advance(19.999)
        cancelled = await cool_off.cancel(reply.seq)
        assert cancelled.body == CALM
        assert reply_states(rep, mention_id) == ["cancelled"]
        clock.advance(1)
        assert (await cool_off.tick()).left == []
        with pytest.raises(SendRefused, match="already left"):
            await cool_off.cancel(reply.seq)
    async with console(rep, tmp_path / "c.sqlite3", clock) as cool_off:
        assert cool_off.replies == []
        assert (await cool_off.tick()).left == []
    assert reply_states(rep, mention_id) == ["cancelled"]  # never sent


async def test_edit_during_countdown_and_send_now(rep: Rep, tmp_path: Path) -> None:
    clock = FakeClock()
    mention_id, version = rep.new_mention()
    async with console(rep, tmp_path / "c.sqlite3", clock) as cool_off:
        reply = await cool_off.send(
            mention_id, str(uuid.uuid4()), CALM, version, check_reply(CALM, mention=COMPLAINT)
        )
        edited_text = CALM + " Thanks for your patience."
        edited = await cool_off.edit(
            reply.seq, edited_text, check_reply(edited_text, mention=COMPLAINT)
        )
        assert edited.due_at == reply.due_at  # an edit never shortens or restarts it
        assert [r["body"] for r in rep.replies(mention_id)] == [edited_text]  # on the server
        clock.advance(2)
        hurried = await cool_off.send_now(reply.seq, check_reply(edited_text, mention=COMPLAINT))
        # The team's cool-off (20 s, the default) from the reply's arrival still holds it.
        assert hurried.remaining(clock.now) == pytest.approx(18)
        assert hurried.notice is not None
        assert "not sooner" in hurried.notice
        assert (await cool_off.tick()).left == []
        clock.advance(18)
        left = (await cool_off.tick()).left
        assert len(left) == 1
        with pytest.raises(SendRefused, match="already left"):
            await cool_off.edit(reply.seq, "x", check_reply("x"))
    assert [r["body"] for r in rep.replies(mention_id)] == [edited_text]


async def test_heat_lengthens_the_cool_off_and_refuses_send_now(rep: Rep, tmp_path: Path) -> None:
    clock = FakeClock()
    heated_report = check_reply(HEATED, mention=COMPLAINT)
    assert heated_report.take_a_breath
    rep = team_rep(rep.server, 10, 45)  # the console's policy is its team's
    mention_id, version = rep.new_mention()
    policy = CoolOffPolicy(seconds=10, heated_seconds=45)
    async with console(rep, tmp_path / "c.sqlite3", clock, policy) as cool_off:
        reply = await cool_off.send(mention_id, str(uuid.uuid4()), HEATED, version, heated_report)
        assert reply.heated
        assert reply.remaining(clock.now) == pytest.approx(45)
        with pytest.raises(SendRefused, match="heated or blaming"):
            await cool_off.send_now(reply.seq, heated_report)
        # calmed down: the text is fixed, send now is allowed again
        calm = await cool_off.edit(reply.seq, CALM, check_reply(CALM, mention=COMPLAINT))
        assert calm.remaining(clock.now) == pytest.approx(45)  # never shortened by an edit
        hurried = await cool_off.send_now(reply.seq, check_reply(CALM, mention=COMPLAINT))
        # The heated rest is skipped; the team's 10 s from its arrival is not.
        assert hurried.remaining(clock.now) == pytest.approx(10)
        assert (await cool_off.tick()).left == []
        clock.advance(10)
        assert len((await cool_off.tick()).left) == 1
        # an edit that adds heat to a calm countdown lengthens it to the heated cool-off
        other_id, other_version = rep.new_mention()
        calm_reply = await cool_off.send(
            other_id, str(uuid.uuid4()), CALM, other_version, check_reply(CALM, mention=COMPLAINT)
        )
        assert calm_reply.remaining(clock.now) == pytest.approx(10)
        hot = await cool_off.edit(calm_reply.seq, HEATED, heated_report)
        # counted by the server from its own now: a few real milliseconds after the console's
        assert hot.remaining(clock.now) == pytest.approx(45, abs=1)
        assert hot.held is not None
        assert hot.held.due_in_seconds == pytest.approx(45, abs=1)


async def test_a_hostile_customer_lengthens_the_cool_off(rep: Rep, tmp_path: Path) -> None:
    clock = FakeClock()
    hostile = "You are useless liars. WORST COMPANY EVER. I will sue you idiots!!!"
    mention_id, version = rep.new_mention(hostile)
    calm_report = check_reply(CALM, mention=hostile)
    assert calm_report.mention_hostile
    async with console(rep, tmp_path / "c.sqlite3", clock) as cool_off:
        reply = await cool_off.send(mention_id, str(uuid.uuid4()), CALM, version, calm_report)
        assert reply.remaining(clock.now) == pytest.approx(60)


async def test_empty_and_over_limit_replies_are_refused_before_the_outbox(
    rep: Rep, tmp_path: Path
) -> None:
    clock = FakeClock()
    mention_id, version = rep.new_mention()
    async with console(rep, tmp_path / "c.sqlite3", clock) as cool_off:
        with pytest.raises(SendRefused, match="empty"):
            await cool_off.send(mention_id, str(uuid.uuid4()), "  \n\t ", version, check_reply(""))
        long_text = "Sorry about that. " * 40
        with pytest.raises(SendRefused, match="500"):
            await cool_off.send(
                mention_id, str(uuid.uuid4()), long_text, version, check_reply(long_text)
            )
        assert cool_off.replies == []


async def test_crash_after_the_server_took_it_never_sends_twice(rep: Rep, tmp_path: Path) -> None:
    """The reply reached the server but its answer never reached the console (it died, or the
    network dropped the answer): the outbox still has it, not yet held. The restart hands it
    over again with the same client_id: the server returns the reply it has, so it is held
    once and sent once."""
    clock = FakeClock()
    mention_id, version = rep.new_mention()
    client_id = str(uuid.uuid4())
    cache = tmp_path / "c.sqlite3"
    async with console(rep, cache, clock, server_url=UNREACHABLE) as cool_off:
        kept = await cool_off.send(
            mention_id, client_id, CALM, version, check_reply(CALM, mention=COMPLAINT)
        )
        assert kept.held is None  # no answer: it stays in the outbox
    body = {"client_id": client_id, "body": CALM, "base_version": version}
    posted = await asyncio.to_thread(
        api_post, rep.server, f"/mentions/{mention_id}/replies", rep.token, body
    )
    assert posted.status_code == 202
    async with console(rep, cache, clock) as cool_off:
        assert (await cool_off.tick()).left == []
        resumed = cool_off.for_mention(mention_id)
        assert resumed is not None
        assert resumed.held is not None
        assert resumed.held.id == posted.json()["id"]
        clock.advance(20)
        left = (await cool_off.tick()).left
        assert len(left) == 1
    assert [r["client_id"] for r in rep.replies(mention_id)] == [client_id]
    store = LocalStore(cache)
    try:
        assert store.outbox([OutboxStatus.PENDING]) == []
    finally:
        store.close()


async def test_a_reply_sent_offline_is_held_the_team_minimum_from_reconnect(
    rep: Rep, tmp_path: Path
) -> None:
    """Sent offline, the reply counts down here; its countdown ends before the network is back.
    On reconnect the server holds it the team's cool-off from its arrival: the countdown shows
    the new due time and the composer says why, in a sentence."""
    clock = FakeClock()
    mention_id, version = rep.new_mention()
    cache = tmp_path / "c.sqlite3"
    async with console(rep, cache, clock, server_url=UNREACHABLE) as cool_off:
        reply = await cool_off.send(
            mention_id, str(uuid.uuid4()), CALM, version, check_reply(CALM, mention=COMPLAINT)
        )
        clock.advance(30)
        assert (await cool_off.tick()).offline
        waiting = cool_off.for_mention(mention_id)
        assert waiting is not None
        assert waiting.remaining(clock.now) == 0
    assert rep.replies(mention_id) == []
    async with console(rep, cache, clock) as cool_off:
        report = await cool_off.tick()
        assert report.left == []
        held = cool_off.for_mention(mention_id)
        assert held is not None
        assert held.held is not None
        assert held.due_at == clock.now + timedelta(seconds=20)
        assert held.notice is not None
        assert "team's cool-off" in held.notice
        shown = display.countdown(held, clock.now, heated_now=False)
        assert shown.text.startswith("Sending in 20 s")
        assert held.notice in shown.text
        assert reply_states(rep, mention_id) == ["queued"]
        clock.advance(20)
        assert [r.seq for r, _ in (await cool_off.tick()).left] == [reply.seq]
