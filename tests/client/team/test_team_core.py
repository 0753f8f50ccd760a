"""The Qt-free team core against a real server: broadcasts reach many live sessions and their
acknowledgements come back to the sender; off-duty sessions hold broadcasts until on duty;
handoff waiting times follow an injected clock."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.client.broadcasts.inbox import BroadcastInbox
from app.client.handoffs.board import Box, waiting_text
from app.client.manager.overview import hourly_by_priority
from app.client.stream.rows import MentionRow
from app.client.stream.session import ActionResult
from app.models.enums import Duty, MentionStatus, Network, Severity
from tests.client.team.team_session import team_session
from tests.client.waiting import until_true
from tests.support.live_server import LiveServer, mention_json


def test_hourly_counts_put_each_mention_in_its_hour_and_band() -> None:
    now = datetime(2026, 3, 27, 14, 20, tzinfo=UTC)

    def row(minutes_ago: int, priority: float) -> MentionRow:
        return MentionRow(
            id=minutes_ago,
            network=Network.MASTODON,
            author_handle="a",
            author_name="A",
            text="t",
            created_at=now - timedelta(minutes=minutes_ago),
            status=MentionStatus.NEW,
            assignee_id=None,
            assignee_name=None,
            version=1,
            priority=priority,
        )

    rows = [row(5, 80), row(10, 40), row(15, 5), row(70, 5), row(25 * 60, 90)]
    hourly = hourly_by_priority(rows, now)
    assert len(hourly.starts) == 24
    assert hourly.starts[-1] == datetime(2026, 3, 27, 14, 0, tzinfo=UTC)
    assert (hourly.urgent[-1], hourly.raised[-1], hourly.routine[-1]) == (1, 1, 1)
    assert hourly.routine[-2] == 1  # 13:10
    assert hourly.total == 4  # the one from yesterday is outside the day


def _shows_any(inbox: BroadcastInbox) -> bool:
    return bool(inbox.showing())


def test_waiting_text_reads_well() -> None:
    assert waiting_text(-3) == "0 s"
    assert waiting_text(45) == "45 s"
    assert waiting_text(12 * 60 + 5) == "12 min"
    assert waiting_text(3 * 3600 + 5 * 60) == "3 h 05 min"
    assert waiting_text(2 * 86400 + 4 * 3600) == "2 d 4 h"


async def test_a_broadcast_reaches_twelve_live_sessions_and_every_ack_returns(
    live_server: LiveServer, tmp_path: Path
) -> None:
    _, boss_token = live_server.create_user("core-boss", role="manager")
    tokens = [live_server.create_user(f"core-rep-{i}")[1] for i in range(12)]
    async with contextlib.AsyncExitStack() as stack:
        _, boss = await stack.enter_async_context(
            team_session(live_server, boss_token, tmp_path / "boss.sqlite3")
        )
        reps = [
            await stack.enter_async_context(
                team_session(live_server, token, tmp_path / f"rep-{i}.sqlite3")
            )
            for i, token in enumerate(tokens)
        ]
        for session, desk in reps:
            assert (await session.set_duty(Duty.ON_DUTY)).result is ActionResult.DONE
            await desk.idle()

        sent = await boss.broadcasts.send("Press statement at 15:00: no comments.", Severity.URGENT)
        assert sent.result is ActionResult.DONE
        broadcast_id = max(boss.broadcasts.broadcasts)
        for _, desk in reps:
            inbox = desk.broadcasts
            await until_true(inbox.banner_changed, functools.partial(_shows_any, inbox))
            assert inbox.showing()[0].id == broadcast_id
        await asyncio.gather(*(desk.broadcasts.acknowledge(broadcast_id) for _, desk in reps))
        await until_true(
            boss.broadcasts.acks_changed,
            lambda: len(boss.broadcasts.broadcasts[broadcast_id].acks) == len(reps),
        )
        assert all(not desk.broadcasts.showing() for _, desk in reps)


async def test_off_duty_holds_broadcasts_until_coming_on_duty(
    live_server: LiveServer, tmp_path: Path
) -> None:
    _, boss_token = live_server.create_user("hold-boss", role="manager")
    _, rep_token = live_server.create_user("hold-rep")
    async with (
        team_session(live_server, boss_token, tmp_path / "b.sqlite3") as (_, boss),
        team_session(live_server, rep_token, tmp_path / "r.sqlite3") as (rep_session, rep),
    ):
        await boss.broadcasts.send("Held until on duty", Severity.IMPORTANT)
        await until_true(
            rep.broadcasts.acks_changed,
            lambda: any(b.text == "Held until on duty" for b in rep.broadcasts.broadcasts.values()),
        )
        assert rep.broadcasts.showing() == []
        assert rep.broadcasts.unread_count() >= 1
        alerts: list[str] = []
        rep.broadcasts.alert.connect(lambda b: alerts.append(b.text))
        await rep_session.set_duty(Duty.ON_DUTY)
        await until_true(rep.broadcasts.banner_changed, lambda: bool(rep.broadcasts.showing()))
        await rep.idle()
        assert "Held until on duty" in [b.text for b in rep.broadcasts.showing()]
        assert alerts  # told once on coming on duty


async def test_handoff_waiting_time_follows_the_injected_clock(
    live_server: LiveServer, tmp_path: Path
) -> None:
    _, ann_token = live_server.create_user("clock-ann")
    bo_id, _ = live_server.create_user("clock-bo")
    mention_id = live_server.ingest([mention_json("clock-1", "Where is my refund?")])[0]
    async with team_session(live_server, ann_token, tmp_path / "a.sqlite3") as (session, desk):
        await until_true(session.rows_changed, lambda: session.row(mention_id) is not None)
        outcome = await desk.handoffs.hand_off(mention_id, to_user_id=bo_id, note="Refund")
        assert outcome.result is ActionResult.DONE, outcome.message
        (handoff,) = desk.handoffs.box(Box.FROM_ME)
        desk.handoffs.clock = lambda: handoff.created_at + timedelta(minutes=7, seconds=30)
        assert desk.handoffs.waiting_seconds(handoff) == 450
        assert waiting_text(desk.handoffs.waiting_seconds(handoff)) == "7 min"
        both = await desk.handoffs.hand_off(mention_id, to_user_id=bo_id, to_team="support")
        assert both.result is ActionResult.FAILED
        assert "one person or one team" in both.message
