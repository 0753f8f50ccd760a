"""The tray remote control, driven through its menu (offscreen there is no tray, so the menu
is the same object the tray would show) and the Duty-menu fallback, against a real server."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.models.enums import Duty
from app.models.schemas import CoveragePublic
from app.ui.shell.actions import Menu
from app.ui.team.tray import NO_TRAY_NOTE, coverage_pixmap, coverage_sentence
from tests.support.live_server import LiveServer
from tests.ui.team_harness import TeamTestConsole

Factory = Callable[[str, str], TeamTestConsole]


def _action(menu: QMenu, text: str) -> QAction:
    for action in menu.actions():
        if action.text().replace("&", "") == text:
            return action
    raise AssertionError(f"no {text!r} in {[a.text() for a in menu.actions()]}")


def _submenu(menu: QMenu, prefix: str) -> QMenu:
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu) and action.text().replace("&", "").startswith(prefix):
            return sub
    raise AssertionError(f"no submenu {prefix!r} in {[a.text() for a in menu.actions()]}")


def _duty_on_server(server: LiveServer, user_id: int) -> str:
    users = httpx.get(f"{server.base_url}/api/v1/users", headers=server.headers(), timeout=10)
    users.raise_for_status()
    return str(next(u["duty"] for u in users.json()["data"] if u["id"] == user_id))


def test_my_duty_toggle_in_the_tray_menu_changes_duty_on_the_server(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    rep_id, rep_token = live_server.create_user("tray-rep", teams=["support"])
    console = team_console_factory(live_server.base_url, rep_token)
    menu = console.window.notifier.menu  # what the tray's contextMenu() is

    _action(menu, "On duty").trigger()
    console.wait_until(
        console.bridge.viewerChanged,
        lambda: (
            console.session.viewer.user is not None
            and console.session.viewer.user.duty is Duty.ON_DUTY
        ),
    )
    assert _duty_on_server(live_server, rep_id) == "on_duty"
    assert _action(menu, "On duty").isChecked()
    # Coverage follows the duty change: one person on duty is "thin", and the icon says so.
    console.wait_until(
        console.team_bridge.coverageChanged, lambda: console.team.remote.level == "thin"
    )
    assert "Thin: 1 on duty (tray-rep)" in console.team.remote.coverage_action.text()

    _action(menu, "Away").trigger()
    console.wait_until(
        console.bridge.viewerChanged,
        lambda: (
            console.session.viewer.user is not None
            and console.session.viewer.user.duty is Duty.AWAY
        ),
    )
    assert _duty_on_server(live_server, rep_id) == "away"
    # A rep has no "Everyone's duty" and cannot send broadcasts.
    assert not console.team.remote.everyone_menu.menuAction().isVisible()
    assert not console.team.remote.send_action.isVisible()


def test_a_manager_switches_someone_elses_duty_from_the_tray_submenu(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    _, boss_token = live_server.create_user("tray-boss", role="manager")
    rep_id, _ = live_server.create_user("tray-zoe", teams=["billing"])
    console = team_console_factory(live_server.base_url, boss_token)
    remote = console.team.remote
    assert remote.everyone_menu.menuAction().isVisible()
    console.wait_until(console.team_bridge.rosterChanged, lambda: bool(remote.person_actions))

    everyone = _submenu(console.window.notifier.menu, "Everyone's duty")
    zoe = _submenu(everyone, "tray-zoe")
    _action(zoe, "On duty").trigger()

    console.wait_until(
        console.team_bridge.rosterChanged,
        lambda: remote.person_action(rep_id, Duty.ON_DUTY).isChecked(),
    )
    assert _duty_on_server(live_server, rep_id) == "on_duty"
    # Coverage is the server's own event, after the duty change's: the line follows it.
    console.wait_until(
        console.team_bridge.coverageChanged,
        lambda: "tray-zoe" in remote.coverage_action.text(),
    )


def test_without_a_tray_the_same_actions_are_in_the_duty_menu_and_the_app_says_so_once(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # offscreen
    _, boss_token = live_server.create_user("menu-boss", role="manager")
    console = team_console_factory(live_server.base_url, boss_token)
    team = console.team
    duty_menu = console.window.menu(Menu.DUTY)
    assert duty_menu is not None
    texts = [a.text().replace("&", "") for a in duty_menu.actions()]
    for wanted in ("On duty", "Away", "Off duty", "Everyone's duty", "Send a broadcast…"):
        assert wanted in texts
    assert any(
        t.startswith("Covered") or t.startswith("Thin") or t.startswith("Nobody") for t in texts
    )
    assert team.notes_said == [NO_TRAY_NOTE]
    assert console.window.statusBar().currentMessage() == NO_TRAY_NOTE
    # No tray: closing the window must quit, not hide it somewhere unreachable.
    assert console.window.close_to_tray is None
    # Once means once: the same console (same local cache) started again says nothing.
    console.close()
    again = TeamTestConsole(console.loop, live_server.base_url, boss_token, console.cache_path)
    try:
        assert again.team.notes_said == []
    finally:
        again.close()


def test_the_icon_shows_each_coverage_level_differently(qapp: object) -> None:
    images = {level: coverage_pixmap(level).toImage() for level in ("covered", "thin", "nobody")}
    centre = {level: image.pixelColor(32, 32).name() for level, image in images.items()}
    corner = {level: image.pixelColor(10, 52).alpha() for level, image in images.items()}
    assert len(set(centre.values())) == 3  # three colours…
    assert len(set(corner.values())) >= 2  # …and different shapes (the square fills the corner)


def test_close_to_tray_hides_the_window_and_quit_really_quits(
    live_server: LiveServer, team_console_factory: Factory
) -> None:
    _, token = live_server.create_user("tray-closer")
    console = team_console_factory(live_server.base_url, token)
    window = console.window
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    told: list[str] = []

    def hide_to_tray() -> bool:  # what close_to_tray_policy decides where a tray exists
        told.append("note")
        return True

    window.close_to_tray = hide_to_tray
    console.inside(window.close)
    assert window.isHidden()
    assert closed == []  # still running: alerts and broadcasts keep coming
    assert told == ["note"]
    console.inside(window.show)
    console.inside(window.quit)  # the Quit action and the tray's Quit
    assert closed == [True]
    assert told == ["note"]


def test_nobody_on_duty_is_said_once() -> None:
    nobody = CoveragePublic(
        covered=False, level="nobody", on_duty=[], teams=[], managers_on_duty=[]
    )
    assert coverage_sentence(nobody) == "Nobody on duty"
