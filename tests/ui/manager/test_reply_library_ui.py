"""The manager's "Replies & cool-off" dialog in a running console (real server, offscreen Qt,
qasync loop): a manager adds, edits and deletes a canned reply through the dialog and a rep's
composer offers it; a team's cool-off set in the dialog persists on the server; a refused value
shows the server's sentence; a rep has no such menu entry. The dialog is rendered to PNGs
(RESPONDER_SHOTS_DIR keeps them, default: the test's tmp dir)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QPushButton

from app.client.composer.policy import CoolOffPolicy
from app.client.composer.service import ComposerService
from app.models.enums import Role
from app.ui.composer.panel import ComposerPanel
from app.ui.manager.reply_library_dialog import ReplyLibraryDialog
from app.ui.manager.reply_library_menu import ReplyLibraryMenu
from app.ui.qt import theme
from tests.support.composer import FakeClock, api_get
from tests.support.live_server import LiveServer
from tests.support.qt_loop import as_qt_event, qloop
from tests.ui.console import Console

__all__ = ["qloop"]


@dataclass
class Desk:
    """One person's running console with its composer and the reply-library menu entry."""

    console: Console
    service: ComposerService
    panel: ComposerPanel
    menu: ReplyLibraryMenu

    def run(self, awaitable: Any, timeout: float = 15.0) -> Any:
        return self.console.run(awaitable, timeout)

    def inside(self, act: Callable[[], None]) -> None:
        """Keystrokes and clicks are delivered while the loop runs, as in the console."""
        self.run(as_qt_event(act))

    def open_dialog(self) -> ReplyLibraryDialog:
        self.inside(self.menu.action.trigger)
        dialog = self.menu.dialog
        assert dialog is not None
        assert dialog.isVisible()
        assert dialog.last_task is not None
        self.run(dialog.last_task)
        return dialog

    def click(self, dialog: ReplyLibraryDialog, button: QPushButton) -> None:
        assert button.isEnabled()
        self.inside(lambda: QTest.mouseClick(button, Qt.MouseButton.LeftButton))
        assert dialog.last_task is not None
        self.run(dialog.last_task)
        self.run(asyncio.gather(*self.menu._tasks.tasks))  # the composer's reload after a save

    def canned_titles(self) -> list[str]:
        actions = self.panel.canned_menu.actions()
        return [a.text().split("\t")[0] for a in actions if not a.isSeparator()]


@dataclass
class Team:
    id: int
    name: str


@pytest.fixture
def team(live_server: LiveServer) -> Team:
    name = f"Support-{uuid.uuid4().hex[:5]}"
    created = httpx.post(
        f"{live_server.base_url}/api/v1/teams",
        json={"name": name},
        headers=live_server.headers(),
        timeout=10,
    )
    created.raise_for_status()
    return Team(int(created.json()["id"]), name)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    path = Path(os.environ.get("RESPONDER_SHOTS_DIR", str(tmp_path)))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def desks(
    qloop: asyncio.AbstractEventLoop, live_server: LiveServer, team: Team, tmp_path: Path
) -> Iterator[Callable[[str], Desk]]:
    opened: list[Desk] = []

    def open_desk(role: str) -> Desk:
        name = f"{role}-{uuid.uuid4().hex[:5]}"
        _, token = live_server.create_user(name, role=role, teams=[team.name])
        console = Console(
            qloop,
            live_server.base_url,
            token,
            tmp_path / f"{name}.sqlite3",
            composer=lambda session, store, worker: ComposerService(
                session,
                store,
                worker,
                device=f"{name}-desk",
                clock=FakeClock(),
                policy=CoolOffPolicy(20, 60),
                save_delay=0.01,
            ),
            manager_menus=True,
        )
        service, panel, menu = (
            console.composer_service,
            console.ui.composer,
            console.ui.reply_library,
        )
        assert service is not None
        assert panel is not None
        assert menu is not None
        console.run(service.refresh())
        desk = Desk(console, service, panel, menu)
        opened.append(desk)
        return desk

    try:
        yield open_desk
    finally:
        for desk in opened:
            desk.run(desk.menu.aclose())
            desk.run(desk.panel.aclose())
            desk.run(desk.service.aclose())
            desk.console.close()


def _shot(desk: Desk, dialog: ReplyLibraryDialog, path: Path) -> None:
    desk.inside(QApplication.processEvents)
    assert dialog.grab().save(str(path))
    assert path.stat().st_size > 4000


def test_manager_adds_a_canned_reply_that_reaches_a_reps_composer(
    desks: Callable[[str], Desk], team: Team, live_server: LiveServer, shots: Path
) -> None:
    manager, rep = desks("manager"), desks("rep")
    title = f"Late delivery {uuid.uuid4().hex[:4]}"
    assert title not in rep.canned_titles()
    dialog = manager.open_dialog()
    # every field is reachable with Tab and named for a screen reader
    for field in (
        dialog.entry_list,
        dialog.kind_box,
        dialog.title_edit,
        dialog.body_edit,
        dialog.role_box,
        dialog.team_box,
        dialog.cool_team_box,
        dialog.seconds_box,
        dialog.heated_box,
    ):
        assert field.accessibleName()
        assert field.focusPolicy() & Qt.FocusPolicy.TabFocus
    manager.inside(dialog.new_button.click)
    assert dialog.title_edit.hasFocus() or QApplication.focusWidget() is dialog.title_edit

    # an empty form is refused in the dialog, before the server is asked
    manager.click(dialog, dialog.save_entry_button)
    assert dialog.message.text() == "Give the entry a title."
    assert dialog.message.styleSheet() == theme.text_style(theme.Role.ERROR_TEXT)

    manager.inside(lambda: QTest.keyClicks(dialog.title_edit, title))
    manager.inside(
        lambda: QTest.keyClicks(
            dialog.body_edit, "I'm sorry your parcel is late, I've asked the courier to hurry."
        )
    )
    dialog.role_box.setCurrentIndex(dialog.role_box.findData(Role.REP))
    dialog.team_box.setCurrentIndex(dialog.team_box.findData(team.name))
    manager.click(dialog, dialog.save_entry_button)
    assert dialog.message.text().startswith(f"Saved “{title}” for reps of team {team.name}")
    assert dialog.editing is not None
    canned_id = dialog.editing
    current = dialog.entry_list.currentItem()
    assert current is not None
    assert title in current.text()
    _shot(manager, dialog, shots / "reply-library-entries.png")

    # the manager's own composer reloaded when the dialog saved
    assert title in manager.canned_titles()
    # the rep's composer offers it once it reloads its list (as on every (re)connect)
    rep.run(rep.service.refresh())
    assert title in rep.canned_titles()
    body = [c.body for c in rep.service.canned if c.title == title]
    assert body == ["I'm sorry your parcel is late, I've asked the courier to hurry."]

    # edit: widen it to every team, retitle it
    dialog.title_edit.setText(f"{title} (all teams)")
    dialog.team_box.setCurrentIndex(dialog.team_box.findData(None))
    manager.click(dialog, dialog.save_entry_button)
    on_server = api_get(live_server, "/canned", live_server.admin_token)["data"]
    assert isinstance(on_server, list)
    saved = next(e for e in on_server if e["id"] == canned_id)
    assert (saved["title"], saved["team"], saved["role"]) == (f"{title} (all teams)", None, "rep")

    # unsaved edits are not dropped silently: the first New only warns, the second discards
    dialog.title_edit.setText("Half-typed title")
    manager.inside(dialog.new_button.click)
    assert dialog.message.text().startswith("“Half-typed title” has unsaved changes")
    assert (dialog.editing, dialog.title_edit.text()) == (canned_id, "Half-typed title")
    manager.inside(dialog.new_button.click)
    assert dialog.title_edit.text() == ""
    assert not dialog.delete_button.isEnabled()  # a new entry: nothing to delete
    row = next(
        r
        for r in range(dialog.entry_list.count())
        if dialog.entry_list.item(r).data(Qt.ItemDataRole.UserRole) == canned_id
    )
    manager.inside(lambda: dialog.entry_list.setCurrentRow(row))
    assert dialog.title_edit.text() == f"{title} (all teams)"

    # delete it: the first press asks, the second deletes it from the server and the composer
    manager.click(dialog, dialog.delete_button)
    assert dialog.message.text().startswith(f"Press Delete again to remove “{title} (all teams)”")
    assert dialog.delete_button.text() == "Confirm &delete"
    assert any(title in t for t in manager.canned_titles())
    manager.click(dialog, dialog.delete_button)
    assert dialog.message.text() == f"Deleted “{title} (all teams)”."
    on_server = api_get(live_server, "/canned", live_server.admin_token)["data"]
    assert isinstance(on_server, list)
    assert all(e["id"] != canned_id for e in on_server)
    assert not any(title in t for t in manager.canned_titles())


def test_cool_off_set_in_the_dialog_persists_and_refusals_show_the_servers_sentence(
    desks: Callable[[str], Desk], team: Team, live_server: LiveServer, shots: Path
) -> None:
    manager = desks("manager")
    dialog = manager.open_dialog()
    dialog.tabs.setCurrentIndex(1)
    dialog.cool_team_box.setCurrentIndex(dialog.cool_team_box.findData(team.id))
    assert (dialog.seconds_box.value(), dialog.heated_box.value()) == (20, 60)  # the defaults

    dialog.seconds_box.setValue(30)
    dialog.heated_box.setValue(90)
    manager.click(dialog, dialog.save_cool_off_button)
    assert dialog.message.text() == (f"Team {team.name}: replies wait 30 s, 90 s when heated.")
    setting = api_get(live_server, f"/teams/{team.id}/cool-off", live_server.admin_token)
    assert (setting["seconds"], setting["heated_seconds"]) == (30, 90)
    # the manager is in the team: their composer's countdown follows at once
    assert manager.service.cool_off.policy.seconds == 30
    assert manager.service.cool_off.policy.heated_seconds == 90

    # heated shorter than normal: the server refuses, the dialog says its sentence
    dialog.seconds_box.setValue(120)
    dialog.heated_box.setValue(45)
    manager.click(dialog, dialog.save_cool_off_button)
    assert dialog.message.text() == (
        "Cool-off not saved: The heated cool-off cannot be shorter than the normal one "
        "(45 s < 120 s)."
    )
    assert dialog.message.styleSheet() == theme.text_style(theme.Role.ERROR_TEXT)
    _shot(manager, dialog, shots / "reply-library-cool-off-refused.png")
    setting = api_get(live_server, f"/teams/{team.id}/cool-off", live_server.admin_token)
    assert (setting["seconds"], setting["heated_seconds"]) == (30, 90)

    # approval for promises beyond a rep's authority: on, kept on the server, off again
    assert not dialog.approval_box.isChecked()
    dialog.heated_box.setValue(120)
    dialog.approval_box.setChecked(True)
    manager.click(dialog, dialog.save_cool_off_button)
    assert dialog.message.text() == (
        f"Team {team.name}: replies wait 120 s, 120 s when heated. Promises beyond a rep's "
        "authority need a manager's approval."
    )
    setting = api_get(live_server, f"/teams/{team.id}/cool-off", live_server.admin_token)
    assert setting["approval_required"] is True
    dialog.approval_box.setChecked(False)
    manager.click(dialog, dialog.save_cool_off_button)
    setting = api_get(live_server, f"/teams/{team.id}/cool-off", live_server.admin_token)
    assert setting["approval_required"] is False


def test_only_managers_see_the_menu_entry(desks: Callable[[str], Desk]) -> None:
    manager, rep = desks("manager"), desks("rep")

    def console_entries(desk: Desk) -> list[str]:
        menus = [
            a.menu() for a in desk.console.window.menuBar().actions() if a.text() == "&Console"
        ]
        menu = menus[0]
        assert isinstance(menu, QMenu)
        return [a.text() for a in menu.actions() if a.isVisible() and not a.isSeparator()]

    assert "Replies && c&ool-off…" in console_entries(manager)
    assert "Replies && c&ool-off…" not in console_entries(rep)
    assert not rep.menu.action.isEnabled()
    assert rep.menu.dialog is None
