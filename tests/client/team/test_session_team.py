"""The "my team" filter knows every member of my teams, whatever their duty: an off-duty
teammate's mentions are still my team's."""

from __future__ import annotations

from pathlib import Path

from tests.client.stream.test_session_offline import online, running_session
from tests.client.waiting import until_true
from tests.support.live_server import LiveServer


async def test_my_team_includes_off_duty_teammates(live_server: LiveServer, tmp_path: Path) -> None:
    me_id, me_token = live_server.create_user("ria-team", role="rep", teams=["billing"])
    mate_id, _ = live_server.create_user("sol-team", role="rep", teams=["billing"])
    outsider_id, _ = live_server.create_user("uma-team", role="rep", teams=["legal"])

    async with running_session(live_server.base_url, me_token, tmp_path / "cache.sqlite3") as s:
        await online(s)
        await until_true(s.viewer_changed, lambda: mate_id in s.viewer.team_member_ids)
        assert me_id in s.viewer.team_member_ids
        assert outsider_id not in s.viewer.team_member_ids
