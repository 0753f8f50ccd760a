"""The rota editor against a real server: a manager opens a team's rota from the roster, adds
shifts in the table, a mistyped time is refused in the dialog, and what is saved is the team's
rota on the server; a refused change is said where the manager sees it. Renders the dialog to a
PNG (set RESPONDER_SHOTS_DIR to keep it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from PySide6.QtWidgets import QComboBox, QLineEdit

from app.models.team_schemas import RotaShiftCreate, RotaUpdate
from app.ui.manager.rota_dialog import RotaDialog
from tests.support.live_server import LiveServer
from tests.ui.team_harness import TeamTestConsole
from tests.ui.test_screens import assert_labels_fit, save, shots_dir

Factory = Callable[[str, str], TeamTestConsole]


def _team_id(server: LiveServer, name: str) -> int:
    response = httpx.get(f"{server.base_url}/api/v1/teams", headers=server.headers(), timeout=10)
    response.raise_for_status()
    return next(int(t["id"]) for t in response.json()["data"] if t["name"] == name)


def _fill(dialog: RotaDialog, row: int, weekday: int, start: str, end: str, person: int) -> None:
    day = dialog.table.cellWidget(row, 0)
    begin, finish = dialog.table.cellWidget(row, 1), dialog.table.cellWidget(row, 2)
    who = dialog.table.cellWidget(row, 3)
    assert isinstance(day, QComboBox)
    assert isinstance(who, QComboBox)
    assert isinstance(begin, QLineEdit)
    assert isinstance(finish, QLineEdit)
    day.setCurrentIndex(weekday)
    begin.setText(start)
    finish.setText(end)
    who.setCurrentIndex(who.findData(person))


def test_a_manager_edits_a_team_rota(
    live_server: LiveServer, team_console_factory: Factory, tmp_path: Path
) -> None:
    _, maya_token = live_server.create_user("Maya", role="manager", teams=["support"])
    ana_id, _ = live_server.create_user("Ana", teams=["support"])
    ben_id, _ = live_server.create_user("Ben", teams=["support"])
    support = _team_id(live_server, "support")
    maya = team_console_factory(live_server.base_url, maya_token)
    maya.wait_until(maya.team_bridge.rosterChanged, lambda: maya.desk.watch.roster is not None)

    dialog = maya.run(maya.team.manager.rota_dialog(support))
    assert dialog is not None
    assert dialog.table.rowCount() == 0  # no rota yet

    def edit() -> RotaUpdate:
        _fill(dialog, dialog.add_shift(), 0, "9:00", "17:00", ana_id)
        _fill(dialog, dialog.add_shift(), 0, "17:00", "25:00", ben_id)
        dialog._accept_if_valid()
        assert "Shift 2: the end '25:00'" in dialog.problem.text()
        assert not dialog.result()
        _fill(dialog, 1, 4, "22:00", "06:00", ben_id)  # Friday night, past midnight
        assert dialog.problem.text() == ""  # a corrected time clears the complaint
        dialog.resize(620, 360)
        assert_labels_fit(dialog)
        save(dialog, shots_dir(tmp_path) / "team-rota-editor.png")
        return dialog.rota_update()

    update = maya.inside(edit)
    assert [(s.weekday, s.start, s.end, s.user_id) for s in update.shifts] == [
        (0, "09:00", "17:00", ana_id),
        (4, "22:00", "06:00", ben_id),
    ]
    assert maya.run(maya.team.manager.save_rota(support, update))
    saved = httpx.get(
        f"{live_server.base_url}/api/v1/teams/{support}/rota",
        headers=live_server.headers(),
        timeout=10,
    ).json()
    assert [(s["weekday"], s["start"], s["end"], s["user"]["id"]) for s in saved["shifts"]] == [
        (0, "09:00", "17:00", ana_id),
        (4, "22:00", "06:00", ben_id),
    ]

    again = maya.run(maya.team.manager.rota_dialog(support))
    assert again is not None
    assert again.table.rowCount() == 2  # the editor opens on what was saved

    nobody = RotaUpdate(
        shifts=[RotaShiftCreate(weekday=0, start="09:00", end="10:00", user_id=999)]
    )
    assert not maya.run(maya.team.manager.save_rota(support, nobody))
    assert any("rota was not saved" in n for n in maya.window._notices)
