"""The storm view over a real server: a burst of mentions raises the banner on a manager's
console; from the view she claims a group for herself and shares the rest with a team on duty
(the server's owners follow; the manager overview lists the storm); a holding statement is
confirmed with its count and goes out as individual replies through a demo brand account while
the progress bar fills to "All n sent"."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from app.client.team import storm_words as words
from app.models.enums import Duty
from tests.client.team.storm_world import burst, storm_server
from tests.support.live_server import LiveServer
from tests.ui.team_harness import TeamTestConsole

pytestmark = pytest.mark.slow

Factory = Callable[[str, str], TeamTestConsole]


@pytest.fixture
def storm_world(tmp_path: Path) -> Iterator[LiveServer]:
    with storm_server(tmp_path) as server:
        yield server


def _put(server: LiveServer, path: str, body: dict[str, object]) -> None:
    response = httpx.put(
        f"{server.base_url}{path}", json=body, headers=server.headers(), timeout=10
    )
    response.raise_for_status()


def _stormy_console(server: LiveServer, factory: Factory, name: str) -> TeamTestConsole:
    """A manager's console that has seen a storm start (its banner up)."""
    _, token = server.create_user(name, role="manager", teams=[f"{name}-ops"])
    teams = server.get("/api/v1/teams")["data"]
    ops = next(t["id"] for t in teams if t["name"] == f"{name}-ops")
    _put(server, f"/api/v1/teams/{ops}/cool-off", {"seconds": 0, "heated_seconds": 0})
    console = factory(server.base_url, token)
    burst(server, name, names=("Ana", "Ben"))
    console.wait_until(
        console.team_bridge.stormsChanged, lambda: console.team.storm_banner.isVisible(), 30
    )
    # The server's storm.alert: the desktop notification and the tray's storm line.
    assert "Storm started on all brand accounts" in console.window.notifier.alerts_shown
    assert "Storm on all brand accounts: " in console.team.remote.tooltip(0)
    return console


def test_claim_a_group_for_me_and_the_rest_for_a_team_from_the_storm_view(
    storm_world: LiveServer, team_console_factory: Factory
) -> None:
    server = storm_world
    reps = [server.create_user(n, teams=["cl-care"])[0] for n in ("cl-ana", "cl-ben")]
    for rep in reps:
        _put(server, f"/api/v1/users/{rep}/duty", {"duty": Duty.ON_DUTY.value})
    boss = _stormy_console(server, team_console_factory, "clboss")
    view = boss.team.storm_view
    boss.inside(boss.team.storm_banner.button.click)
    boss.wait_until(boss.team_bridge.stormUpdated, lambda: view.storm is not None)
    assert view.storm is not None
    boss.run(boss.quiet())
    assert view.storm.groups
    group = view.storm.groups[0]

    boss.inside(lambda: view.choose_group(group.id))
    assert view.claim_scope.text() == f"Claim “{group.label}”:"
    boss.inside(view.claim_me.click)
    boss.wait_until(boss.team_bridge.stormUpdated, lambda: view.owner.text() == "Claimed by clboss")
    me = boss.session.viewer.user_id
    for mention_id in group.mention_ids:
        assert server.get(f"/api/v1/mentions/{mention_id}")["assignee_id"] == me

    boss.wait_until(boss.team_bridge.teamsChanged, lambda: view.teams.findText("cl-care") >= 0)
    boss.inside(lambda: view.choose_group(-1))  # the whole storm
    boss.inside(lambda: view.teams.setCurrentIndex(view.teams.findText("cl-care")))
    boss.inside(view.claim_team.click)
    boss.wait_until(
        boss.team_bridge.stormUpdated, lambda: view.owner.text() == "Shared with cl-care"
    )
    rest = set(view.storm.mention_ids) - set(group.mention_ids)
    owners = {server.get(f"/api/v1/mentions/{m}")["assignee_id"] for m in rest}
    assert owners == set(reps)

    # The manager overview lists the storm of the week, shared with the team.
    overview = boss.run(boss.team.manager.show_overview())
    lines = overview.storms.text().splitlines()
    assert lines[0] == "Storms in the past week: 1"
    assert "storm on all brand accounts" in lines[1]
    assert "; shared with cl-care" in lines[1]


def test_a_holding_statement_is_confirmed_with_its_count_and_its_progress_fills(
    storm_world: LiveServer, team_console_factory: Factory
) -> None:
    boss = _stormy_console(storm_world, team_console_factory, "hsboss")
    asked: list[str] = []

    async def yes(question: str) -> bool:
        asked.append(question)
        return True

    desk = boss.team.storms
    desk.confirm = yes
    view = boss.inside(lambda: desk.open_view())
    boss.wait_until(boss.team_bridge.stormUpdated, lambda: view.storm is not None)
    boss.run(boss.quiet())
    panel = view.statement
    # Canned replies come from the composer's list (none on a fresh server).
    assert panel.canned_menu.actions()[0].text() == words.NO_CANNED
    boss.inside(lambda: panel.editor.setPlainText("Hi {name}, we know the app is down."))
    assert panel.preview.text() in (
        "Hi Ana, we know the app is down.",
        "Hi Ben, we know the app is down.",
    )
    count = panel.targets.count
    assert count >= 30
    assert panel.send_button.text() == f"Send to {count} customers"
    assert panel.broadcast.isChecked()

    boss.inside(panel.send_button.click)
    boss.wait_until(
        boss.team_bridge.stormProgress,
        lambda: panel.progress_label.text().startswith("All "),
        90,
    )
    assert asked == [words.confirm_words(count, True, view.storm)]  # type: ignore[arg-type]
    assert f"as {count} individual replies" in asked[0]
    assert panel.progress_bar.value() == panel.progress_bar.maximum()
    assert view.storm is not None
    assert view.storm.statement == "Hi {name}, we know the app is down."
