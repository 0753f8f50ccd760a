"""The managers' "Routing and response times" dialog in a running console against a real
server: a manager opens it from the Console menu, makes a team route (round robin, rules,
targets) and saves — the server holds it all and the dialog says so; bad input and the
server's refusal are said in the dialog with nothing typed lost; leaving a team with unsaved
edits asks once; the roster's team menu opens it on that team; a rep has no entry. Renders
the dialog to PNGs (set RESPONDER_SHOTS_DIR to keep them)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu

from app.models.enums import Network, PriorityLevel, RoutingMode
from app.ui.manager.routing_dialog import RoutingDialog
from tests.support.live_server import LiveServer
from tests.ui.team_harness import TeamTestConsole
from tests.ui.test_screens import assert_labels_fit, save, shots_dir

Factory = Callable[[str, str], TeamTestConsole]


def _team(server: LiveServer, zone: str = "Europe/Berlin") -> tuple[int, str]:
    name = f"Billing {uuid.uuid4().hex[:4]}"
    created = httpx.post(
        f"{server.base_url}/api/v1/teams",
        json={"name": name, "time_zone": zone},
        headers=server.headers(),
        timeout=10,
    )
    created.raise_for_status()
    return int(created.json()["id"]), name


def _server(server: LiveServer, team_id: int, what: str) -> dict[str, Any]:
    return dict(server.get(f"/api/v1/teams/{team_id}/{what}"))


def _settle(console: TeamTestConsole, dialog: RoutingDialog) -> None:
    while running := [t for t in dialog.running if not t.done()]:
        console.run(asyncio.gather(*running))


def _open(console: TeamTestConsole, team_id: int | None = None) -> RoutingDialog:
    routing = console.ui.routing
    assert routing is not None
    if team_id is None:
        console.inside(routing.action.trigger)
    else:
        console.inside(lambda: console.team.roster_view.routingRequested.emit(team_id))
    dialog = routing.dialog
    assert dialog is not None
    assert dialog.isVisible()
    _settle(console, dialog)
    return dialog


def _choose(console: TeamTestConsole, dialog: RoutingDialog, team_id: int) -> None:
    console.inside(lambda: dialog.team_box.setCurrentIndex(dialog.team_box.findData(team_id)))
    _settle(console, dialog)


def _save(console: TeamTestConsole, dialog: RoutingDialog) -> None:
    console.inside(lambda: QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton))
    _settle(console, dialog)


def test_a_manager_makes_a_team_route_with_targets(
    live_server: LiveServer, team_console_factory: Factory, tmp_path: Path
) -> None:
    team_id, team = _team(live_server)
    dana_id, token = live_server.create_user(f"Dana {team}", role="manager", teams=[team])
    dana = team_console_factory(live_server.base_url, token)
    routing = dana.ui.routing
    assert routing is not None
    assert routing.action.isVisible()
    console_menu = next(
        a.menu() for a in dana.window.menuBar().actions() if a.text().replace("&", "") == "Console"
    )
    assert isinstance(console_menu, QMenu)
    assert routing.action in console_menu.actions()

    dialog = _open(dana)
    _choose(dana, dialog, team_id)
    assert dialog.team_box.currentText() == team
    assert dialog.windowTitle() == f"Routing and response times — {team}"
    assert dialog.routing_state.text().startswith(f"{team} routes nothing yet")
    assert dialog.routes_check.isVisibleTo(dialog)
    assert not dialog.routes_check.isChecked()
    assert not dialog.rules_form.isEnabled()  # nothing to edit until the team is to route
    assert dialog.clock_line.text().startswith("Counted around the clock")
    assert "Europe/Berlin" in dialog.clock_line.text()
    out = shots_dir(tmp_path)
    dana.inside(lambda: assert_labels_fit(dialog))
    dana.inside(lambda: save(dialog, out / "routing-dialog-fresh.png"))

    def fill() -> None:
        dialog.routes_check.setChecked(True)
        dialog.mode_box.setCurrentIndex(dialog.mode_box.findData(RoutingMode.ROUND_ROBIN))
        dialog.capacity_box.setValue(3)
        dialog.languages_edit.setText("en, de")
        dialog.network_checks[Network.MASTODON].setChecked(True)
        dialog.network_checks[Network.BLUESKY].setChecked(True)
        dialog.keywords_edit.setText("refund, invoice, charged twice")
        dialog.priority_checks[PriorityLevel.URGENT].setChecked(True)
        dialog.priority_checks[PriorityLevel.HIGH].setChecked(True)
        dialog.minute_boxes[PriorityLevel.URGENT].setValue(15)
        dialog.minute_boxes[PriorityLevel.HIGH].setValue(60)
        dialog.minute_boxes[PriorityLevel.NORMAL].setValue(240)

    dana.inside(fill)
    assert dialog.rules_form.isEnabled()
    assert dialog.capacity_box.isEnabled()  # round robin hands out up to it
    assert dialog.mode_help.text().startswith("Each new mention goes to the next person")
    assert dialog.minute_words[PriorityLevel.NORMAL].text() == "= 4 h"
    assert dialog.minute_boxes[PriorityLevel.LOW].text() == "No target"
    assert dialog.unsaved()
    _save(dana, dialog)
    assert dialog.message.text() == f"Routing and response times of {team} saved: round robin."
    routing_now = _server(live_server, team_id, "routing")
    assert routing_now["saved"] is True
    assert routing_now["mode"] == "round_robin"
    assert routing_now["capacity"] == 3
    assert routing_now["languages"] == ["en", "de"]
    assert routing_now["networks"] == ["mastodon", "bluesky"]
    assert routing_now["keywords"] == ["refund", "invoice", "charged twice"]
    assert routing_now["priorities"] == ["urgent", "high"]
    targets = _server(live_server, team_id, "sla")
    assert targets["first_response_minutes"] == {"urgent": 15, "high": 60, "normal": 240}
    # Saved: the box is gone, the line says who saved it, nothing is left unsaved.
    assert not dialog.routes_check.isVisibleTo(dialog)
    assert dialog.routing_state.text().startswith("Routing saved ")
    assert f"by Dana {team}" in dialog.routing_state.text()
    assert not dialog.unsaved()
    dana.inside(lambda: assert_labels_fit(dialog))
    dana.inside(lambda: save(dialog, out / "routing-dialog-saved.png"))

    # A rota makes the targets count in its hours, in the team's zone.
    rota = httpx.put(
        f"{live_server.base_url}/api/v1/teams/{team_id}/rota",
        json={"shifts": [{"weekday": 0, "start": "09:00", "end": "17:00", "user_id": dana_id}]},
        headers=live_server.headers(),
        timeout=10,
    )
    assert rota.status_code == 200, rota.text
    dialog = _open(dana, team_id)
    assert dialog.clock_line.text().startswith("Counted in rota hours (Europe/Berlin)")


def test_bad_input_and_refusals_are_said_and_nothing_is_lost(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    team_id, team = _team(live_server)
    other_id, other = _team(live_server)
    _, token = live_server.create_user(f"Mo {team}", role="manager", teams=[team])
    mo = team_console_factory(live_server.base_url, token)
    dialog = _open(mo)
    _choose(mo, dialog, team_id)

    def typo() -> None:
        dialog.routes_check.setChecked(True)
        dialog.languages_edit.setText("en, English")
        dialog.keywords_edit.setText("refund")

    mo.inside(typo)
    _save(mo, dialog)
    assert dialog.message.text() == (
        "Languages are codes such as en, de or pt-BR: “english” is not one."
    )
    assert dialog.languages_edit.text() == "en, English"  # as typed
    assert _server(live_server, team_id, "routing")["saved"] is False

    # Leaving the team with unsaved edits asks once; choosing it again discards them.
    _choose(mo, dialog, other_id)
    assert dialog.team_box.currentData() == team_id
    assert dialog.message.text() == (
        f"{team} has unsaved changes: save them, or choose the team again to discard them."
    )
    assert dialog.keywords_edit.text() == "refund"
    _choose(mo, dialog, other_id)
    assert dialog.team_box.currentText() == other
    assert dialog.keywords_edit.text() == ""

    # So does the roster's team menu, opening the dialog on another team mid-edit.
    mo.inside(lambda: dialog.minute_boxes[PriorityLevel.LOW].setValue(480))
    assert _open(mo, team_id) is dialog
    assert dialog.team_box.currentData() == other_id
    assert dialog.minute_boxes[PriorityLevel.LOW].value() == 480
    assert dialog.message.text().startswith(f"{other} has unsaved changes")

    # A rep has no entry (nor the roster's team menu); should a dialog reach the server for
    # someone it refuses, its sentence is said and the form kept.
    _, rep_token = live_server.create_user(f"Rae {team}", teams=[team])
    rae = team_console_factory(live_server.base_url, rep_token)
    assert rae.ui.routing is not None
    assert not rae.ui.routing.action.isVisible()
    refused = _open(rae, team_id)
    mo_typed = "refund, chargeback"

    def rep_types() -> None:
        refused.routes_check.setChecked(True)
        refused.keywords_edit.setText(mo_typed)
        refused.minute_boxes[PriorityLevel.URGENT].setValue(10)

    rae.inside(rep_types)
    _save(rae, refused)
    assert refused.message.text() == "Nothing saved: Only a manager or an admin can do this."
    assert refused.keywords_edit.text() == mo_typed
    assert refused.minute_boxes[PriorityLevel.URGENT].value() == 10
    assert refused.unsaved()
    assert _server(live_server, team_id, "routing")["saved"] is False
