"""Follow-ups reach the console while it runs: resolving with "check back in n days" (from this
console or another) lists the check-back at once, mine for a rep and everyone's for a manager."""

from __future__ import annotations

from pathlib import Path

from app.client.connection.api import ResponderApi
from app.client.stream.session import ActionResult
from tests.client.team.team_session import team_session
from tests.client.waiting import until_true
from tests.support.live_server import LiveServer, mention_json


async def test_resolving_with_a_check_back_lists_the_follow_up_at_once(
    live_server: LiveServer, tmp_path: Path
) -> None:
    _, rep_token = live_server.create_user("fu-live-rep", role="rep")
    _, boss_token = live_server.create_user("fu-live-boss", role="manager")
    mention_id = live_server.ingest([mention_json("fu-live-1", "Still broken after the update")])[0]
    async with (
        team_session(live_server, rep_token, tmp_path / "rep.sqlite3") as (session, desk),
        team_session(live_server, boss_token, tmp_path / "boss.sqlite3") as (_, boss_desk),
    ):
        assert desk.watch.followups == []
        assert (await session.claim(mention_id)).result is ActionResult.DONE
        outcome = await session.resolve(mention_id, follow_up_in_days=2)
        assert outcome.result is ActionResult.DONE, outcome.message

        await until_true(
            desk.watch.followups_changed,
            lambda: any(f.mention.id == mention_id for f in desk.watch.followups),
        )
        (followup,) = desk.watch.followups
        assert not followup.due
        assert followup.owner is not None
        assert followup.owner.name == "fu-live-rep"
        # The manager's console lists everyone's follow-ups, this one too.
        await until_true(
            boss_desk.watch.followups_changed,
            lambda: any(f.mention.id == mention_id for f in boss_desk.watch.followups),
        )

        # Done elsewhere (the web, another console): it leaves the list here too.
        async with ResponderApi(live_server.base_url, rep_token) as api:
            await api.complete_followup(mention_id)
        await until_true(desk.watch.followups_changed, lambda: desk.watch.followups == [])
