"""Every action of the console's window declared once: an enum of actions, each with its text,
keyboard shortcut and help line, and the menus as lists of enum members. The window builds its
menus from these lists, the shell creates each QAction from its row, and Help ▸ Keyboard
shortcuts lists the rows that have keys. Nothing finds a menu or an action by its title.

None of the shortcuts shadows a common system or editing shortcut (`RESERVED`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from app.client.stream.actions import MentionAction
from app.models.enums import Duty
from app.ui.stream.filter import FILTER_TITLES, FilterMode


class Action(StrEnum):
    # with keys, in the order Help ▸ Keyboard shortcuts lists them
    CLAIM = "claim"
    RELEASE = "release"
    RESOLVE = "resolve"
    SNOOZE = "snooze"
    OPEN_LINK = "open_link"
    COPY_LINK = "copy_link"
    SEARCH = "search"
    FOCUS_STREAM = "focus_stream"
    FOCUS_REPLY = "focus_reply"
    FILTER_UNASSIGNED = "filter_unassigned"
    FILTER_MINE = "filter_mine"
    FILTER_TEAM = "filter_team"
    FILTER_HANDED = "filter_handed"
    FILTER_ALL = "filter_all"
    SORT_PRIORITY = "sort_priority"
    RECONNECT = "reconnect"
    SHORTCUTS = "shortcuts"
    QUIT = "quit"
    # without keys
    SIGN_IN = "sign_in"
    DUTY_ON = "duty_on"
    DUTY_AWAY = "duty_away"
    DUTY_OFF = "duty_off"
    REPLY_LIBRARY = "reply_library"
    ROUTING = "routing"
    TEAM_ADMIN = "team_admin"
    TAG_LISTS = "tag_lists"
    ROSTER_DOCK = "roster_dock"
    FOLLOWUPS_DOCK = "followups_dock"
    ACKS_DOCK = "acks_dock"
    OVERVIEW = "overview"
    STORM_VIEW = "storm_view"
    MY_PAGING = "my_paging"
    TAG_SELECTED = "tag_selected"
    ASSIGN_SELECTED = "assign_selected"
    HAND_OFF_SELECTED = "hand_off_selected"

    @property
    def text(self) -> str:
        return _SPECS[self].text

    @property
    def keys(self) -> str:
        """QKeySequence portable text; "" for none."""
        return _SPECS[self].keys

    @property
    def help(self) -> str:
        """One line: listed with the keys in Help ▸ Keyboard shortcuts; an action without
        keys shows it as its status tip."""
        return _SPECS[self].help

    @property
    def checkable(self) -> bool:
        return _SPECS[self].checkable


@dataclass(frozen=True, slots=True)
class ActionSpec:
    text: str
    keys: str = ""
    help: str = ""
    checkable: bool = False


_SPECS: dict[Action, ActionSpec] = {
    Action.CLAIM: ActionSpec("&Claim", "Ctrl+Shift+M", "Claim the selected mention (make it mine)"),
    Action.RELEASE: ActionSpec(
        "Re&lease", "Ctrl+Shift+G", "Release it (give it back to the queue)"
    ),
    Action.RESOLVE: ActionSpec("Resol&ve", "Ctrl+Shift+D", "Resolve it (done)"),
    Action.SNOOZE: ActionSpec(
        "S&nooze for an hour", "Ctrl+Shift+L", "Snooze it for an hour (later)"
    ),
    Action.OPEN_LINK: ActionSpec(
        "&Open in browser", "Ctrl+Shift+O", "Open the selected mention's post in the browser"
    ),
    Action.COPY_LINK: ActionSpec(
        "Copy lin&k", "Ctrl+Shift+K", "Copy the link to the selected mention's post"
    ),
    Action.SEARCH: ActionSpec("&Search", "Ctrl+F", "Search the stream"),
    Action.FOCUS_STREAM: ActionSpec(
        "Go to the s&tream", "Ctrl+Shift+J", "Move the focus to the stream"
    ),
    Action.FOCUS_REPLY: ActionSpec(
        "Go to the &reply editor", "Ctrl+Shift+R", "Move the focus to the reply editor"
    ),
    Action.FILTER_UNASSIGNED: ActionSpec(
        FILTER_TITLES[FilterMode.UNASSIGNED], "Ctrl+1", "Show unassigned mentions"
    ),
    Action.FILTER_MINE: ActionSpec(FILTER_TITLES[FilterMode.MINE], "Ctrl+2", "Show my mentions"),
    Action.FILTER_TEAM: ActionSpec(
        FILTER_TITLES[FilterMode.TEAM], "Ctrl+3", "Show my team's mentions"
    ),
    Action.FILTER_HANDED: ActionSpec(
        FILTER_TITLES[FilterMode.HANDED_TO_ME], "Ctrl+4", "Show mentions handed to me"
    ),
    Action.FILTER_ALL: ActionSpec(FILTER_TITLES[FilterMode.ALL], "Ctrl+5", "Show all mentions"),
    Action.SORT_PRIORITY: ActionSpec(
        "Highest &priority first",
        "Ctrl+Shift+P",
        "Highest priority first / newest first (toggle)",
        checkable=True,
    ),
    Action.RECONNECT: ActionSpec("&Reconnect now", "F5", "Reconnect to the server now"),
    Action.SHORTCUTS: ActionSpec("&Keyboard shortcuts", "F1", "Show this list of shortcuts"),
    Action.QUIT: ActionSpec("&Quit", "Ctrl+Q", "Quit the console"),
    Action.SIGN_IN: ActionSpec(
        "S&ign in…", help="Enter another access token for the team server (checked first)"
    ),
    Action.DUTY_ON: ActionSpec("On duty", checkable=True),
    Action.DUTY_AWAY: ActionSpec("Away", checkable=True),
    Action.DUTY_OFF: ActionSpec("Off duty", checkable=True),
    Action.REPLY_LIBRARY: ActionSpec(
        "Replies && c&ool-off…",
        help="Edit canned replies, the playbook and each team's cool-off",
    ),
    Action.ROUTING: ActionSpec(
        "Routing && response ti&mes…",
        help="How each team's new mentions are handed out, and its first-response targets",
    ),
    Action.TEAM_ADMIN: ActionSpec(
        "&Teams…", help="Create teams, rename them and choose their members (admins)"
    ),
    Action.TAG_LISTS: ActionSpec(
        "Tag &lists…", help="Each team's tags, and whether its mentions may carry only those"
    ),
    Action.ROSTER_DOCK: ActionSpec("Roster"),
    Action.FOLLOWUPS_DOCK: ActionSpec("Follow-ups"),
    Action.ACKS_DOCK: ActionSpec("Broadcasts"),
    Action.OVERVIEW: ActionSpec("Manager &overview…"),
    Action.STORM_VIEW: ActionSpec(
        "Stor&ms…", help="The open storms: their groups, claims and a holding statement"
    ),
    Action.MY_PAGING: ActionSpec(
        "My &paging…",
        help="Where on-call pages reach you (e-mail, chat, SMS, push), your quiet hours, your zone",
    ),
    Action.TAG_SELECTED: ActionSpec(
        "&Tag selected…", help="Add tags to every selected mention (one request)"
    ),
    Action.ASSIGN_SELECTED: ActionSpec(
        "Assi&gn selected…", help="Give every selected mention to a colleague (managers)"
    ),
    Action.HAND_OFF_SELECTED: ActionSpec(
        "&Hand off selected…", help="Hand every selected mention to a person or a team (managers)"
    ),
}

SHORTCUTS: tuple[Action, ...] = tuple(action for action in Action if action.keys)

# Keys that are not window actions: the stream's own moves and the reply editor's keys (its
# panel binds them; tests/ui/shell/test_shortcuts_help.py checks they are really there).
# Listed after the actions in Help ▸ Keyboard shortcuts.
STREAM_KEYS: tuple[tuple[str, str], ...] = (
    ("J / K, Down / Up", "Next / previous mention in the stream (the detail follows)"),
    ("Shift+Down / Shift+Up", "Select more mentions (Ctrl or Shift click too)"),
)
COMPOSER_KEYS: tuple[tuple[str, str], ...] = (
    ("Ctrl+Enter", "Send the reply (after the cool-off), in the reply editor"),
    ("Alt+1 … Alt+9", "Insert canned reply 1 to 9, in the reply editor"),
)

FILTER_ACTIONS: dict[Action, FilterMode] = {
    Action.FILTER_UNASSIGNED: FilterMode.UNASSIGNED,
    Action.FILTER_MINE: FilterMode.MINE,
    Action.FILTER_TEAM: FilterMode.TEAM,
    Action.FILTER_HANDED: FilterMode.HANDED_TO_ME,
    Action.FILTER_ALL: FilterMode.ALL,
}
MENTION_ACTIONS: dict[Action, MentionAction] = {
    Action.CLAIM: MentionAction.CLAIM,
    Action.RELEASE: MentionAction.RELEASE,
    Action.RESOLVE: MentionAction.RESOLVE,
    Action.SNOOZE: MentionAction.SNOOZE,
}
DUTY_ACTIONS: dict[Action, Duty] = {
    Action.DUTY_ON: Duty.ON_DUTY,
    Action.DUTY_AWAY: Duty.AWAY,
    Action.DUTY_OFF: Duty.OFF_DUTY,
}
# Act on every selected mention in one request (managers: assign and hand off).
SELECTION_ACTIONS = (Action.TAG_SELECTED, Action.ASSIGN_SELECTED, Action.HAND_OFF_SELECTED)
MANAGER_SELECTION_ACTIONS = (Action.ASSIGN_SELECTED, Action.HAND_OFF_SELECTED)
# Act on the selected mention's post; disabled while it has no link.
LINK_ACTIONS = (Action.OPEN_LINK, Action.COPY_LINK)
# The docks' show/hide entries are the docks' own toggle actions, titled with these rows.
DOCK_ACTIONS = (Action.ROSTER_DOCK, Action.FOLLOWUPS_DOCK, Action.ACKS_DOCK)


class Menu(StrEnum):
    CONSOLE = "console"
    MENTION = "mention"
    VIEW = "view"
    DUTY = "duty"
    HELP = "help"


class Section(StrEnum):
    """A run of entries a feature supplies as it changes (the team's remote control)."""

    TEAM_REMOTE = "team_remote"
    PAGE_REMOTE = "page_remote"  # a page waiting for me: what arrived, acknowledge it


SEPARATOR = None
MenuItem = Action | Section | None


@dataclass(frozen=True, slots=True)
class MenuSpec:
    menu: Menu
    title: str
    items: tuple[MenuItem, ...]


# The menu bar, left to right. An action or section a console does not have (a test console
# without the team features) is left out, and so is a separator with nothing to separate.
MENUS: tuple[MenuSpec, ...] = (
    MenuSpec(
        Menu.CONSOLE,
        "&Console",
        (
            Action.RECONNECT,
            Action.SIGN_IN,
            Action.REPLY_LIBRARY,
            Action.ROUTING,
            Action.TAG_LISTS,
            SEPARATOR,
            Action.TEAM_ADMIN,
            Action.QUIT,
        ),
    ),
    MenuSpec(
        Menu.MENTION,
        "&Mention",
        (*MENTION_ACTIONS, SEPARATOR, *SELECTION_ACTIONS, SEPARATOR, *LINK_ACTIONS),
    ),
    MenuSpec(
        Menu.VIEW,
        "&View",
        (
            *FILTER_ACTIONS,
            SEPARATOR,
            Action.SORT_PRIORITY,
            SEPARATOR,
            Action.SEARCH,
            Action.FOCUS_STREAM,
            Action.FOCUS_REPLY,
            SEPARATOR,
            *DOCK_ACTIONS,
            Action.STORM_VIEW,
            Action.OVERVIEW,
        ),
    ),
    MenuSpec(
        Menu.DUTY,
        "&Duty",
        (
            Section.PAGE_REMOTE,
            SEPARATOR,
            *DUTY_ACTIONS,
            SEPARATOR,
            Section.TEAM_REMOTE,
            SEPARATOR,
            Action.MY_PAGING,
        ),
    ),
    MenuSpec(Menu.HELP, "&Help", (Action.SHORTCUTS,)),
)

# The stream's context menu.
CONTEXT_MENU: tuple[Action, ...] = (*MENTION_ACTIONS, *SELECTION_ACTIONS, *LINK_ACTIONS)

# Shortcuts desktops and editors reserve; ours may reuse one only with the same meaning
# (Ctrl+F search, Ctrl+Q quit, F1 help, F5 refresh).
RESERVED = frozenset(
    {
        "Ctrl+C",
        "Ctrl+V",
        "Ctrl+X",
        "Ctrl+Z",
        "Ctrl+Y",
        "Ctrl+A",
        "Ctrl+S",
        "Ctrl+W",
        "Ctrl+P",
        "Ctrl+N",
        "Ctrl+O",
        "Ctrl+T",
        "Ctrl+Shift+Z",
        "Ctrl+Shift+U",
        "Ctrl+Shift+E",
        "Ctrl+Shift+S",
        "Ctrl+Shift+C",
        "Ctrl+Shift+V",
        "Alt+F4",
        "Alt+Tab",
        "Ctrl+Alt+T",
        "Ctrl+Alt+Del",
        "Ctrl+Alt+L",
        "Ctrl+Shift+Q",
    }
)


def create_action(action: Action, parent: QObject | None = None) -> QAction:
    """The QAction of one row: its text, keys (for the whole window), check box and tip."""
    made = QAction(action.text, parent)
    if action.keys:
        made.setShortcut(QKeySequence(action.keys))
        made.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    elif action.help:
        made.setStatusTip(action.help)
    made.setCheckable(action.checkable)
    return made
