"""The console's window as it first shows: the stream (empty until the local cache is read), the
menus from the actions table and the status bar — put in the window's frame (furnish_window)
as soon as the frame is on the screen, built before the session, the composer and
the team features exist, so that it is on the screen while they load. app/ui/shell/build.py
adds their parts to it (MainWindow.add_parts) and wires them.

Only what that first paint needs is imported here: no feature, no client code that talks to the
server or the cache."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from app.ui.shell.actions import DOCK_ACTIONS, Action, create_action
from app.ui.shell.main_window import MainWindow, WindowParts
from app.ui.shell.notifier import UrgentNotifier
from app.ui.stream.stream import MentionStream

if TYPE_CHECKING:
    from app.models.schemas import MentionDetail

# Actions that exist only with a feature: the manager menus, the team's overview and docks.
MANAGER_MENU_ACTIONS = (
    Action.REPLY_LIBRARY,
    Action.ROUTING,
    Action.TEAM_ADMIN,
    Action.TAG_LISTS,
)
TEAM_ACTIONS = (Action.OVERVIEW, Action.STORM_VIEW, Action.MY_PAGING)
SHELL_ACTIONS = tuple(
    a for a in Action if a not in (*MANAGER_MENU_ACTIONS, *TEAM_ACTIONS, *DOCK_ACTIONS)
)


async def no_detail_yet(_mention_id: int) -> MentionDetail | None:
    """The detail pane's source until the session is there."""
    return None


def window_actions(*, team: bool, manager_menus: bool) -> dict[Action, QAction]:
    wanted = [
        *SHELL_ACTIONS,
        *(MANAGER_MENU_ACTIONS if manager_menus else ()),
        *(TEAM_ACTIONS if team else ()),
    ]
    return {action: create_action(action) for action in wanted}


def window_parts(*, team: bool, manager_menus: bool) -> WindowParts:
    """The stream, the tray notifier and the menus' actions; `team` and `manager_menus` say
    which of the features' actions the menus hold (the features come later)."""
    return WindowParts(
        stream=MentionStream(no_detail_yet),
        notifier=UrgentNotifier(),
        actions=window_actions(team=team, manager_menus=manager_menus),
    )


def build_window(*, subtitle: str, team: bool, manager_menus: bool) -> MainWindow:
    """The window with its stream, menus and status bar (see window_parts)."""
    return MainWindow(window_parts(team=team, manager_menus=manager_menus), subtitle=subtitle)


def furnish_window(window: MainWindow, *, team: bool, manager_menus: bool) -> None:
    """The same parts in a window built as a frame (MainWindow(subtitle=…)), on the screen
    already: the console shows its frame before this module is even imported."""
    window.furnish(window_parts(team=team, manager_menus=manager_menus))
