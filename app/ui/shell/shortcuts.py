"""Every keyboard shortcut of the console, declared once: the window binds them and the Help ▸
Keyboard shortcuts dialog lists them. None shadows a common system or editing shortcut."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Command(StrEnum):
    CLAIM = "claim"
    RELEASE = "release"
    RESOLVE = "resolve"
    SNOOZE = "snooze"
    SEARCH = "search"
    FOCUS_STREAM = "focus_stream"
    FILTER_UNASSIGNED = "filter_unassigned"
    FILTER_MINE = "filter_mine"
    FILTER_TEAM = "filter_team"
    FILTER_HANDED = "filter_handed"
    FILTER_ALL = "filter_all"
    SORT_PRIORITY = "sort_priority"
    RECONNECT = "reconnect"
    SHORTCUTS = "shortcuts"
    QUIT = "quit"


@dataclass(frozen=True, slots=True)
class Shortcut:
    command: Command
    keys: str  # QKeySequence portable text
    label: str


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut(Command.CLAIM, "Ctrl+Shift+M", "Claim the selected mention (make it mine)"),
    Shortcut(Command.RELEASE, "Ctrl+Shift+G", "Release it (give it back to the queue)"),
    Shortcut(Command.RESOLVE, "Ctrl+Shift+D", "Resolve it (done)"),
    Shortcut(Command.SNOOZE, "Ctrl+Shift+L", "Snooze it for an hour (later)"),
    Shortcut(Command.SEARCH, "Ctrl+F", "Search the stream"),
    Shortcut(Command.FOCUS_STREAM, "Ctrl+Shift+J", "Move the focus to the stream"),
    Shortcut(Command.FILTER_UNASSIGNED, "Ctrl+1", "Show unassigned mentions"),
    Shortcut(Command.FILTER_MINE, "Ctrl+2", "Show my mentions"),
    Shortcut(Command.FILTER_TEAM, "Ctrl+3", "Show my team's mentions"),
    Shortcut(Command.FILTER_HANDED, "Ctrl+4", "Show mentions handed to me"),
    Shortcut(Command.FILTER_ALL, "Ctrl+5", "Show all mentions"),
    Shortcut(
        Command.SORT_PRIORITY, "Ctrl+Shift+P", "Highest priority first / newest first (toggle)"
    ),
    Shortcut(Command.RECONNECT, "F5", "Reconnect to the server now"),
    Shortcut(Command.SHORTCUTS, "F1", "Show this list of shortcuts"),
    Shortcut(Command.QUIT, "Ctrl+Q", "Quit the console"),
)

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


def keys_for(command: Command) -> str:
    return next(s.keys for s in SHORTCUTS if s.command is command)
