"""The Qt-free storm board against a real server: a burst of mentions makes a storm whose
storm.alert reaches a manager's board (and not a rep's, whose board reads the open storms when
it connects); a manager claims a group for herself and shares the rest with a team on duty; a
holding statement goes out as one personalised reply per customer through a demo brand
account (replies "post" locally) and its progress, followed from events and a paced read,
reaches done."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.client.stream.actions import ActionResult
from app.client.stream.session import ConsoleSession
from app.client.team import storm_words as words
from app.client.team.desk import TeamDesk
from app.models.enums import Duty, MentionStatus
from tests.client.team.storm_world import burst, storm_server
from tests.client.team.team_session import team_session as shared_session
from tests.client.waiting import until, until_true
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.slow


@pytest.fixture
def storm_world(tmp_path: Path) -> Iterator[LiveServer]:
    """A fresh server per test: each burst makes its own storm (and its storm.alert)."""
    with storm_server(tmp_path) as server:
        yield server


def team_session(
    server: LiveServer, token: str, cache: Path
) -> contextlib.AbstractAsyncContextManager[tuple[ConsoleSession, TeamDesk]]:
    return shared_session(server, token, cache, request_timeout=10)


def _set_cool_off(server: LiveServer, team: str, seconds: int) -> None:
    teams = server.get("/api/v1/teams")["data"]
    team_id = next(t["id"] for t in teams if t["name"] == team)
    response = httpx.put(
        f"{server.base_url}/api/v1/teams/{team_id}/cool-off",
        json={"seconds": seconds, "heated_seconds": seconds},
        headers=server.headers(),
        timeout=10,
    )
    response.raise_for_status()


def _duty(server: LiveServer, user_id: int, duty: Duty) -> None:
    response = httpx.put(
        f"{server.base_url}/api/v1/users/{user_id}/duty",
        json={"duty": duty.value},
        headers=server.headers(),
        timeout=10,
    )
    response.raise_for_status()


async def test_a_storm_alerts_managers_and_claims_go_to_me_and_to_a_team(
    storm_world: LiveServer, tmp_path: Path
) -> None:
    server = storm_world
    boss_id, boss_token = server.create_user("sc-boss", role="manager", teams=["sc-ops"])
    rep_a, rep_a_token = server.create_user("sc-ana", teams=["sc-care"])
    rep_b, _ = server.create_user("sc-ben", teams=["sc-care"])
    for rep_id in (rep_a, rep_b):
        _duty(server, rep_id, Duty.ON_DUTY)

    async with team_session(server, boss_token, tmp_path / "boss.sqlite3") as (_, boss):
        board = boss.storms
        ids = await asyncio.to_thread(burst, server, "sc")
        alert = await until(board.alert, lambda a: a.alert == "started", 30)
        assert alert.title == "Storm started on all brand accounts"
        assert set(alert.storm.mention_ids) <= set(ids)
        assert [s.id for s in board.open_storms()] == [alert.storm.id]
        # The alert came at the mention that tipped it; the storm as it is now:
        storm = await board.load(alert.storm.id)
        assert storm is not None
        assert storm.groups, "the detector groups a storm's mentions"

        # A rep hears no storm.alert; her board reads the open storms when it connects.
        async with team_session(server, rep_a_token, tmp_path / "rep.sqlite3") as (_, rep):
            assert storm.id in {s.id for s in rep.storms.open_storms()}
            assert rep.storms.alerts == []

            # The boss claims the first group for herself …
            group = storm.groups[0]
            mine = await board.claim(storm.id, group_id=group.id)
            assert mine.outcome.result is ActionResult.DONE, mine.outcome.message
            assert mine.result is not None
            assert set(group.mention_ids) <= set(mine.result.claimed)
            assert mine.outcome.message.startswith(f"{len(mine.result.claimed)} mentions claimed")
            assert "for you" in mine.outcome.message
            # … and the rep's board hears of it (storm.updated "claimed").
            await until_true(
                rep.storms.updated,
                lambda: (s := rep.storms.storm(storm.id)) is not None and s.claimed_by is not None,
            )

            # The rest is shared with a team: round-robin over its members on duty.
            shared = await board.claim(storm.id, team="sc-care")
            assert shared.outcome.result is ActionResult.DONE, shared.outcome.message
            assert shared.result is not None
            rest = set(storm.mention_ids) - set(group.mention_ids)
            assert rest <= set(shared.result.claimed)
            assert "for team sc-care" in shared.outcome.message
            owners = {
                server.get(f"/api/v1/mentions/{m}")["assignee_id"] for m in shared.result.claimed
            }
            assert owners == {rep_a, rep_b}
            for mention_id in group.mention_ids[:3]:
                assert server.get(f"/api/v1/mentions/{mention_id}")["assignee_id"] == boss_id

            # Claiming the whole storm now skips what colleagues hold, naming them.
            again = await board.claim(storm.id)
            assert again.result is not None
            assert set(again.result.claimed) <= set(mine.result.claimed)  # hers already
            assert rest <= {skip.id for skip in again.result.skipped}
            assert "skipped (already" in again.outcome.message

            # A rep may not claim for someone else: the server's sentence comes back.
            refused = await rep.storms.claim(storm.id, user_id=boss_id)
            assert refused.outcome.result is ActionResult.FAILED
            assert refused.outcome.message


async def test_a_holding_statement_goes_to_each_customer_and_its_progress_reaches_done(
    storm_world: LiveServer, tmp_path: Path
) -> None:
    server = storm_world
    _, boss_token = server.create_user("hs-boss", role="manager", teams=["hs-ops"])
    _set_cool_off(server, "hs-ops", 0)
    async with team_session(server, boss_token, tmp_path / "boss.sqlite3") as (session, boss):
        board = boss.storms
        board.min_poll_s = 2.0
        ids = await asyncio.to_thread(burst, server, "hs", names=("Ana", "Ben <b>Bold</b>"))
        alert = await until(board.alert, lambda a: a.alert == "started", 30)
        storm = alert.storm
        loop = asyncio.get_running_loop()
        reads: list[float] = []
        board.progress_changed.connect(lambda _p: reads.append(loop.time()))

        sent = await board.send_statement(storm.id, "Hi {name}, we know: the app is down.")
        assert sent.outcome.result is ActionResult.DONE, sent.outcome.message
        assert sent.result is not None
        going = set(sent.result.replies)
        assert going, sent.outcome.message
        assert sent.result.broadcast_id is not None  # "also tell the team" by default
        assert sent.outcome.message.startswith(f"Holding statement queued as {len(going)} repl")

        done = await until(board.progress_changed, words.progress_done, 90)
        assert done.total == len(going)
        assert done.sent == len(going), done
        assert words.progress_words(done, board.clock()) == f"All {len(going)} sent"
        # Paced: never two reads of the progress within min_poll_s.
        gaps = [b - a for a, b in itertools.pairwise(reads)]
        assert all(gap >= board.min_poll_s - 0.05 for gap in gaps), gaps
        # Once done, the storm is read again: its answered mentions are no longer open.
        await until_true(
            board.updated, lambda: (s := board.storm(storm.id)) is not None and s.open < storm.open
        )
        assert not board.following(storm.id)

        # Each customer got the statement with their own name.
        for mention_id in storm.mention_ids[:2]:
            detail = server.get(f"/api/v1/mentions/{mention_id}")
            bodies = [r["body"] for r in detail.get("replies", [])]
            name = detail["author"]["display_name"]
            assert any(f"Hi {name}, we know" in body for body in bodies), bodies
        statuses = {server.get(f"/api/v1/mentions/{m}")["status"] for m in storm.mention_ids[:5]}
        assert statuses <= {MentionStatus.REPLIED.value, MentionStatus.ASSIGNED.value}
        assert session.row(ids[0]) is not None
