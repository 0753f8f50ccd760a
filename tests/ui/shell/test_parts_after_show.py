"""The console's window is on the screen before its session and features exist (the desktop's
start-up, app/desktop/console.py): the features' parts added to the shown window then show as
in a console built in one go — the same menus and entries, the composer under the mention, the
team's banners, docks and tray section — and the stream's detail comes from the session."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from app.client.composer.service import ComposerService
from app.client.connection.api import ResponderApi
from app.client.stream.session import ConsoleSession
from app.client.stream.store import LocalStore
from app.client.team.desk import TeamDesk
from app.client.worker import BlockingWorker
from app.ui.composer.bridge import ComposerBridge
from app.ui.shell.actions import DOCK_ACTIONS
from app.ui.shell.build import ConsoleUi, build_console
from app.ui.shell.main_window import MainWindow
from app.ui.shell.session_bridge import SessionBridge
from app.ui.shell.window import build_window
from app.ui.team.bridge import TeamBridge


def _entries(menu: QMenu) -> list[str]:
    """A menu's entries as the rep reads them (submenus opened), separators as "—"."""
    entries: list[str] = []
    for action in menu.actions():
        if action.isSeparator():
            entries.append("—")
        elif action.menu() is not None:
            submenu = action.menu()
            assert isinstance(submenu, QMenu)
            entries.append(f"{action.text()} ▸ {_entries(submenu)}")
        else:
            entries.append(action.text())
    return entries


def _menus(window: MainWindow) -> list[tuple[str, list[str]]]:
    menus: list[tuple[str, list[str]]] = []
    for action in window.menuBar().actions():
        menu = action.menu()
        assert isinstance(menu, QMenu)
        menus.append((action.text(), _entries(menu)))
    return menus


class _Parts:
    """One console's Qt-free core on an unbound API (no server needed for its window)."""

    def __init__(self, path: Path) -> None:
        self.worker = BlockingWorker("parts-test-store")
        self.store = LocalStore(path)
        self.session = ConsoleSession(ResponderApi.unbound(), self.store, self.worker)
        self.composer = ComposerService(self.session, self.store, self.worker, device="test")

    def console(self, window: MainWindow | None) -> ConsoleUi:
        return build_console(
            SessionBridge(self.session),
            subtitle="demo",
            composer=ComposerBridge(self.composer),
            team=TeamBridge(TeamDesk.follow(self.session)),
            window=window,
        )

    async def aclose(self, ui: ConsoleUi) -> None:
        await ui.cancel_actions()
        await ui.aclose()
        await self.composer.aclose()
        await self.session.aclose()
        self.store.close()
        self.worker.shutdown()
        ui.window.close()
        ui.window.deleteLater()


def test_the_parts_added_to_a_shown_window_show_as_in_one_built_at_once(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        first = _Parts(tmp_path / "first.sqlite3")
        window = build_window(subtitle="demo", team=True, manager_menus=True)
        window.show()
        before = _menus(window)
        early_actions = {action for action in window.actions() if isinstance(action, QAction)}
        shown = first.console(window)
        at_once = _Parts(tmp_path / "at-once.sqlite3")
        built = at_once.console(None)
        built.window.show()
        try:
            assert shown.window is window
            # The same menus, entries and order as a console built in one go; the window
            # had them all but the tray's duty section and the docks' toggles already.
            assert _menus(window) == _menus(built.window)
            assert len(_menus(window)) == len(before)
            assert early_actions <= set(window.actions())
            # The composer is under the mention, visible as in the other console.
            assert shown.composer is not None
            assert built.composer is not None
            assert window.composer is shown.composer
            assert shown.composer.isVisibleTo(window) == built.composer.isVisibleTo(built.window)
            assert shown.composer.isVisibleTo(window)
            assert window.columns.mention_column.isAncestorOf(shown.composer)
            # The team's docks exist, hidden until asked for; their toggles are the actions'.
            assert shown.team is not None
            assert set(window.docks) == set(DOCK_ACTIONS)
            for action in DOCK_ACTIONS:
                assert window.dock(action).isHidden()
                assert window.action(action) is window.dock(action).toggleViewAction()
            # The team's banners are at the top of the window, above the filter bar.
            central = window.centralWidget()
            assert central is not None
            layout = central.layout()
            assert layout is not None
            top = [layout.itemAt(index) for index in range(4)]
            assert [item.widget() if item is not None else None for item in top] == [
                shown.team.page_banner,
                shown.team.broadcast_banner,
                shown.team.storm_banner,
                shown.team.coverage_banner,
            ]
            assert built.team is not None
            for name in (
                "page_banner",
                "broadcast_banner",
                "storm_banner",
                "coverage_banner",
                "handoff_panel",
            ):
                part, other = getattr(shown.team, name), getattr(built.team, name)
                assert part.isVisibleTo(window) == other.isVisibleTo(built.window), name
            # The selected mention's detail now comes from the session (empty cache: none).
            assert await window.stream._load_detail(1) is None
        finally:
            await first.aclose(shown)
            await at_once.aclose(built)

    qloop.run_until_complete(asyncio.wait_for(scenario(), 30))
