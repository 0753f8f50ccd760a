"""The overview reads who is on duty fresh from the server: a duty change made a moment ago
counts even when the console's own roster (kept by events) has not heard of it yet; that roster
stands in only when the server cannot be asked."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from app.client.connection.api import ResponderApi
from app.client.manager.overview import load_overview, on_duty_by_team
from app.models.team_schemas import RosterPublic
from tests.support.live_server import LiveServer

# What the console knew before the duty change reached it: nobody in any team.
STALE = RosterPublic(at=datetime(2026, 12, 1, 8, 0, tzinfo=UTC), teams=[])


async def test_a_duty_change_a_moment_ago_counts(live_server: LiveServer) -> None:
    _, boss_token = live_server.create_user("ov-boss", role="manager", teams=["ov-care"])
    noor_id, noor_token = live_server.create_user("ov-noor", teams=["ov-care"])
    async with httpx.AsyncClient(base_url=live_server.base_url) as noor:
        response = await noor.put(
            f"/api/v1/users/{noor_id}/duty",
            json={"duty": "on_duty"},
            headers=live_server.headers(noor_token),
        )
    assert response.status_code == 200
    async with ResponderApi(live_server.base_url, boss_token) as api:
        overview = await load_overview(api, [], STALE, datetime.now(UTC))
    assert ("ov-care", 1, 2) in overview.on_duty_by_team
    assert overview.problems == []


async def test_the_consoles_roster_stands_in_when_the_server_cannot_be_asked() -> None:
    async with ResponderApi(None, None) as offline:  # unbound: every call raises Offline
        overview = await load_overview(offline, [], STALE, datetime.now(UTC))
    assert overview.on_duty_by_team == on_duty_by_team(STALE)
    assert not any("on duty" in problem for problem in overview.problems)
