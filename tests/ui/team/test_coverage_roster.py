"""Coverage gaps reach an off-duty manager's console (banner and tray message); the roster
shows who is on per team since when; follow-ups due are listed and can be marked done."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from app.models.enums import Duty
from app.ui.team.tray import COVERAGE_LOOK
from tests.support.live_server import LiveServer, mention_json
from tests.ui.team_harness import TeamTestConsole

Factory = Callable[[str, str], TeamTestConsole]

URGENT = "This is dangerous, my child got hurt, lawsuit and press coming"


def test_a_coverage_gap_alerts_an_off_duty_manager(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    _, boss_token = live_server.create_user("cv-boss", role="manager")
    boss = team_console_factory(live_server.base_url, boss_token)
    assert boss.session.viewer.user is not None
    assert boss.session.viewer.user.duty is Duty.OFF_DUTY
    assert boss.team.coverage_banner.isHidden()

    live_server.ingest([mention_json("cv-1", URGENT)])
    boss.wait_until(boss.team_bridge.coverageGap, lambda: boss.team.coverage_banner.isVisible())
    text = boss.team.coverage_banner.label.text()
    assert text.startswith("Urgent, nobody on duty — An urgent mention arrived and nobody is")
    assert ": @" in text  # it names the mention: its author and the start of its text
    assert "dangerous, my child got hurt" in text
    assert "Urgent, nobody on duty" in boss.window.notifier.alerts_shown
    assert boss.team.remote.level == "nobody"
    assert COVERAGE_LOOK["nobody"][1] in boss.team.remote.coverage_action.text()


def test_the_roster_shows_who_is_on_per_team_and_a_manager_can_switch_duty(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    _, boss_token = live_server.create_user("ro-boss", role="manager")
    ivy_id, ivy_token = live_server.create_user("ro-ivy", teams=["communications"])
    boss = team_console_factory(live_server.base_url, boss_token)
    ivy = team_console_factory(live_server.base_url, ivy_token)
    ivy.act(ivy.session.set_duty(Duty.ON_DUTY))
    view = boss.team.roster_view
    assert view.can_manage

    def ivy_row() -> tuple[str, str, str] | None:
        for index in range(view.tree.topLevelItemCount()):
            group = view.tree.topLevelItem(index)
            assert group is not None
            for child_index in range(group.childCount()):
                child = group.child(child_index)
                assert child is not None
                if child.text(0) == "ro-ivy":
                    return group.text(0), child.text(1), child.text(2)
        return None

    boss.wait_until(
        boss.team_bridge.rosterChanged, lambda: (row := ivy_row()) is not None and "On" in row[1]
    )
    row = ivy_row()
    assert row is not None
    assert row[0].startswith("communications — 1 on duty")
    assert row[2].startswith("since ")

    view.dutyRequested.emit(ivy_id, Duty.AWAY.value)  # what the context menu does
    boss.wait_until(
        boss.team_bridge.rosterChanged, lambda: (r := ivy_row()) is not None and "Away" in r[1]
    )
    ivy.wait_until(
        ivy.bridge.viewerChanged,
        lambda: ivy.session.viewer.user is not None and ivy.session.viewer.user.duty is Duty.AWAY,
    )


def test_follow_ups_are_listed_and_marked_done(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    jo_id, jo_token = live_server.create_user("fu-jo", teams=["support"])
    mention_id = live_server.ingest([mention_json("fu-1", "Thanks, I will try that")])[0]
    headers = live_server.headers(jo_token)
    base = f"{live_server.base_url}/api/v1/mentions/{mention_id}"
    detail = httpx.get(base, headers=headers, timeout=10).json()
    claimed = httpx.post(
        f"{base}/claim", json={"version": detail["version"]}, headers=headers, timeout=10
    )
    claimed.raise_for_status()
    resolved = httpx.post(
        f"{base}/resolve", json={"follow_up_in_days": 2}, headers=headers, timeout=10
    )
    resolved.raise_for_status()

    jo = team_console_factory(live_server.base_url, jo_token)
    view = jo.team.followups_view
    assert view.tree.topLevelItemCount() == 1, jo.desk.watch.followups
    assert view.heading.text().startswith("0 follow-up(s) due now, 1 upcoming")
    assert jo.team.followups_dock.isHidden()  # nothing due yet: the list waits in View
    item = view.tree.topLevelItem(0)
    assert item is not None
    assert item.text(2) == "fu-jo"

    view.done_button.click()
    jo.wait_until(jo.team_bridge.followupsChanged, lambda: view.tree.topLevelItemCount() == 0)
    assert jo_id > 0
