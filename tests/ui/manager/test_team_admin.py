"""The admins' Teams dialog against a real server: an admin creates a team and adds a member
through the dialog, the server lists the member and the roster shows them; a duplicate name is
refused with the server's sentence in the dialog; a manager who is not an admin has no entry.
Renders the dialog to a PNG (set RESPONDER_SHOTS_DIR to keep it)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
from PySide6.QtWidgets import QMenu

from app.ui.manager.team_admin_dialog import TeamAdminDialog
from tests.support.live_server import LiveServer
from tests.ui.team_harness import TeamTestConsole
from tests.ui.test_screens import assert_labels_fit, save, shots_dir

Factory = Callable[[str, str], TeamTestConsole]


def _server_members(server: LiveServer, team: str) -> list[str]:
    response = httpx.get(f"{server.base_url}/api/v1/teams", headers=server.headers(), timeout=10)
    response.raise_for_status()
    found = next(t for t in response.json()["data"] if t["name"] == team)
    return sorted(m["name"] for m in found["members"])


def _roster_names(console: TeamTestConsole, team: str) -> list[str]:
    roster = console.desk.watch.roster
    for group in roster.teams if roster is not None else []:
        if group.team == team:
            return sorted(m.user.name for m in (*group.on_duty, *group.away, *group.off_duty))
    return []


def _open(console: TeamTestConsole) -> TeamAdminDialog:
    dialog = console.inside(console.ui.team_admin.open)
    console.run(asyncio.gather(*dialog.running))
    return dialog


def test_an_admin_creates_a_team_and_adds_a_member(
    live_server: LiveServer, team_console_factory: Factory, tmp_path: Path
) -> None:
    ana_id, _ = live_server.create_user("Ana Lopez", teams=["support"])
    admin = team_console_factory(live_server.base_url, live_server.admin_token)
    assert admin.ui.team_admin.action.isVisible()
    console_menu = next(
        a.menu() for a in admin.window.menuBar().actions() if a.text().replace("&", "") == "Console"
    )
    assert isinstance(console_menu, QMenu)
    assert admin.ui.team_admin.action in console_menu.actions()
    dialog = _open(admin)
    listed = [dialog.team_list.item(i).text() for i in range(dialog.team_list.count())]
    assert any(text.startswith("support (") for text in listed), listed

    dialog.new_name.setText("vip desk")
    dialog.new_description.setText("Key accounts and press")
    dialog.new_zone.setText("Europe/Berlin")
    created = admin.run(dialog.create_team())
    assert created.done, created.message
    assert dialog.problem.text() == "Team vip desk created."
    assert dialog.name_edit.text() == "vip desk"  # the new team is the one shown
    assert dialog.zone_edit.text() == "Europe/Berlin"

    dialog.person_box.setCurrentIndex(dialog.person_box.findData(ana_id))
    added = admin.act(dialog.add_chosen())
    assert added is not None
    assert added.done, added.message
    assert [dialog.member_list.item(i).text() for i in range(dialog.member_list.count())] == [
        "Ana Lopez"
    ]
    assert _server_members(live_server, "vip desk") == ["Ana Lopez"]
    admin.wait_until(
        admin.team_bridge.rosterChanged, lambda: _roster_names(admin, "vip desk") == ["Ana Lopez"]
    )
    tree = admin.team.roster_view.tree
    groups = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    labels = [group.text(0) for group in groups if group is not None]
    assert any(label.startswith("vip desk —") for label in labels), labels

    dialog.name_edit.setText("vip desk & press")
    renamed = admin.act(dialog.save_team())
    assert renamed is not None
    assert renamed.done, renamed.message
    assert _server_members(live_server, "vip desk & press") == ["Ana Lopez"]

    def shoot() -> None:
        dialog.resize(760, 500)
        assert_labels_fit(dialog)
        save(dialog, shots_dir(tmp_path) / "team-admin.png")

    admin.inside(shoot)

    dialog.member_list.setCurrentRow(0)
    removed = admin.act(dialog.remove_selected())
    assert removed is not None
    assert removed.done, removed.message
    assert _server_members(live_server, "vip desk & press") == []


def test_a_duplicate_team_name_shows_the_server_sentence(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    live_server.create_user("Dee", teams=["stores"])
    admin = team_console_factory(live_server.base_url, live_server.admin_token)
    dialog = _open(admin)
    dialog.new_name.setText("stores")
    refused = admin.run(dialog.create_team())
    assert not refused.done
    assert dialog.problem.text() == (
        "The team was not created: A team named 'stores' already exists."
    )
    assert dialog.new_name.text() == "stores"  # nothing typed is lost

    dialog.new_name.setText("legal")
    dialog.new_zone.setText("Mars/Olympus")
    bad_zone = admin.run(dialog.create_team())
    assert not bad_zone.done
    assert "Mars/Olympus" in dialog.problem.text()


def test_a_manager_who_is_not_admin_has_no_teams_entry(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    _, token = live_server.create_user("Maya", role="manager", teams=["support"])
    maya = team_console_factory(live_server.base_url, token)
    assert not maya.ui.team_admin.action.isVisible()
    assert not maya.ui.team_admin.action.isEnabled()
