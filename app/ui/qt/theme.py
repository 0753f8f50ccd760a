"""The console's named colours: one table of roles with a light and a dark column. Widgets ask
for a role (`color(Role.URGENT)`, `name(Role.ERROR_TEXT)` in a style sheet), never for a hex
value. The dark column is used when the palette is dark (its window colour has a lightness
below the middle), so the console follows the system's light or dark appearance.

The dark column keeps a colour where it is a fill carrying its own text colour (pills, badges,
the urgent banner) or sits on its own canvas (tray icons, the overview's white plots); colours
drawn as text on the window, and light banners, get a variant readable on a dark window."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication


class Role(StrEnum):
    # the stream: network badges, status pills, urgency, the demo marker
    NETWORK_MASTODON = "network_mastodon"
    NETWORK_BLUESKY = "network_bluesky"
    NETWORK_X = "network_x"
    NETWORK_FEED = "network_feed"
    NETWORK_WEBHOOK = "network_webhook"
    NETWORK_DEMO = "network_demo"
    STATUS_NEW = "status_new"
    STATUS_ASSIGNED = "status_assigned"
    STATUS_HANDOFF = "status_handoff"
    STATUS_REPLIED = "status_replied"
    STATUS_RESOLVED = "status_resolved"
    STATUS_SNOOZED = "status_snoozed"
    PILL_UNKNOWN = "pill_unknown"
    PILL_TEXT = "pill_text"
    DEMO = "demo"
    URGENT = "urgent"  # the priority bar and number of an urgent mention, the badge dot
    URGENT_TEXT = "urgent_text"  # "⚠ 3 urgent unassigned" in the status bar
    # banners: background and text
    OFFLINE_BANNER = "offline_banner"
    OFFLINE_BANNER_TEXT = "offline_banner_text"
    NOTICE_BANNER = "notice_banner"
    NOTICE_BANNER_TEXT = "notice_banner_text"
    COVERAGE_BANNER = "coverage_banner"
    COVERAGE_BANNER_TEXT = "coverage_banner_text"
    # broadcast severities: background and text (contrast ratio ≥ 7:1 for each pair)
    BROADCAST_INFO = "broadcast_info"
    BROADCAST_INFO_TEXT = "broadcast_info_text"
    BROADCAST_IMPORTANT = "broadcast_important"
    BROADCAST_IMPORTANT_TEXT = "broadcast_important_text"
    BROADCAST_URGENT = "broadcast_urgent"
    BROADCAST_URGENT_TEXT = "broadcast_urgent_text"
    # sentences in dialogs and lists
    ERROR_TEXT = "error_text"  # refused, failed, a team with nobody on duty
    DONE_TEXT = "done_text"  # saved, acknowledged
    PENDING_TEXT = "pending_text"  # acknowledgements still owed
    DUTY_ON = "duty_on"
    DUTY_AWAY = "duty_away"
    DUTY_OFF = "duty_off"
    # the tray and window icons
    APP_ICON = "app_icon"
    ICON_MARK = "icon_mark"  # the white letter, tick, cross and outlines
    ICON_MARK_ON_THIN = "icon_mark_on_thin"  # the "!" on the amber triangle
    COVERAGE_COVERED = "coverage_covered"
    COVERAGE_THIN = "coverage_thin"
    COVERAGE_NOBODY = "coverage_nobody"
    COVERAGE_UNKNOWN = "coverage_unknown"
    TRAY_URGENT_BADGE = "tray_urgent_badge"
    TRAY_UNREAD_BADGE = "tray_unread_badge"
    # the manager overview's plots (always drawn on white)
    CHART_TEXT = "chart_text"
    CHART_NOTE = "chart_note"
    CHART_URGENT = "chart_urgent"
    CHART_RAISED = "chart_raised"
    CHART_ROUTINE = "chart_routine"
    CHART_MEDIAN = "chart_median"
    CHART_P90 = "chart_p90"
    CHART_VOLUME = "chart_volume"
    CHART_MEMBERS = "chart_members"
    CHART_COVERED = "chart_covered"
    CHART_GAP = "chart_gap"


# role: (light, dark)
_TABLE: dict[Role, tuple[str, str]] = {
    Role.NETWORK_MASTODON: ("#6364FF", "#6364FF"),
    Role.NETWORK_BLUESKY: ("#1185FE", "#1185FE"),
    Role.NETWORK_X: ("#4D4D4D", "#4D4D4D"),
    Role.NETWORK_FEED: ("#D86B00", "#D86B00"),
    Role.NETWORK_WEBHOOK: ("#5A6B7B", "#5A6B7B"),
    Role.NETWORK_DEMO: ("#8A5A9E", "#8A5A9E"),
    Role.STATUS_NEW: ("#1E7FD8", "#1E7FD8"),
    Role.STATUS_ASSIGNED: ("#2E8B57", "#2E8B57"),
    Role.STATUS_HANDOFF: ("#B8860B", "#B8860B"),
    Role.STATUS_REPLIED: ("#5F6FA8", "#5F6FA8"),
    Role.STATUS_RESOLVED: ("#6B6B6B", "#6B6B6B"),
    Role.STATUS_SNOOZED: ("#8E6BBF", "#8E6BBF"),
    Role.PILL_UNKNOWN: ("#777777", "#777777"),
    Role.PILL_TEXT: ("#FFFFFF", "#FFFFFF"),
    Role.DEMO: ("#A0522D", "#A0522D"),
    Role.URGENT: ("#D32F2F", "#D32F2F"),
    Role.URGENT_TEXT: ("#C62828", "#EF5350"),
    Role.OFFLINE_BANNER: ("#FFF4CE", "#4A3B00"),
    Role.OFFLINE_BANNER_TEXT: ("#3B2F00", "#FFF4CE"),
    Role.NOTICE_BANNER: ("#FDE7E9", "#5F1119"),
    Role.NOTICE_BANNER_TEXT: ("#5F1119", "#FDE7E9"),
    Role.COVERAGE_BANNER: ("#7F0000", "#7F0000"),
    Role.COVERAGE_BANNER_TEXT: ("#FFFFFF", "#FFFFFF"),
    Role.BROADCAST_INFO: ("#E3F2FD", "#0B3558"),
    Role.BROADCAST_INFO_TEXT: ("#0B3558", "#E3F2FD"),
    Role.BROADCAST_IMPORTANT: ("#FFE0B2", "#4E2600"),
    Role.BROADCAST_IMPORTANT_TEXT: ("#4E2600", "#FFE0B2"),
    Role.BROADCAST_URGENT: ("#B71C1C", "#B71C1C"),
    Role.BROADCAST_URGENT_TEXT: ("#FFFFFF", "#FFFFFF"),
    Role.ERROR_TEXT: ("#B71C1C", "#EF9A9A"),
    Role.DONE_TEXT: ("#1B5E20", "#A5D6A7"),
    Role.PENDING_TEXT: ("#8A1C1C", "#EF9A9A"),
    Role.DUTY_ON: ("#1B5E20", "#81C784"),
    Role.DUTY_AWAY: ("#8A5300", "#FFB74D"),
    Role.DUTY_OFF: ("#616161", "#BDBDBD"),
    Role.APP_ICON: ("#1E5AA8", "#1E5AA8"),
    Role.ICON_MARK: ("#FFFFFF", "#FFFFFF"),
    Role.ICON_MARK_ON_THIN: ("#212121", "#212121"),
    Role.COVERAGE_COVERED: ("#2E7D32", "#2E7D32"),
    Role.COVERAGE_THIN: ("#F9A825", "#F9A825"),
    Role.COVERAGE_NOBODY: ("#C62828", "#C62828"),
    Role.COVERAGE_UNKNOWN: ("#757575", "#757575"),
    Role.TRAY_URGENT_BADGE: ("#1A1A1A", "#1A1A1A"),
    Role.TRAY_UNREAD_BADGE: ("#1565C0", "#1565C0"),
    Role.CHART_TEXT: ("#202020", "#202020"),
    Role.CHART_NOTE: ("#606060", "#606060"),
    Role.CHART_URGENT: ("#C62828", "#C62828"),
    Role.CHART_RAISED: ("#F9A825", "#F9A825"),
    Role.CHART_ROUTINE: ("#90A4AE", "#90A4AE"),
    Role.CHART_MEDIAN: ("#1565C0", "#1565C0"),
    Role.CHART_P90: ("#EF6C00", "#EF6C00"),
    Role.CHART_VOLUME: ("#1565C0", "#1565C0"),
    Role.CHART_MEMBERS: ("#CFD8DC", "#CFD8DC"),
    Role.CHART_COVERED: ("#2E7D32", "#2E7D32"),
    Role.CHART_GAP: ("#D32F2F", "#D32F2F"),
}

_colours: dict[tuple[Role, bool], QColor] = {}


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether `palette` (default: the application's) is a dark one."""
    if palette is None:
        palette = QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def name(role: Role, palette: QPalette | None = None) -> str:
    """The role's colour as "#RRGGBB", for style sheets."""
    light, dark = _TABLE[role]
    return dark if is_dark(palette) else light


def color(role: Role, palette: QPalette | None = None) -> QColor:
    """The role's colour (painting code passes the palette it paints with); a copy, so the
    caller may change its alpha."""
    dark = is_dark(palette)
    colour = _colours.get((role, dark))
    if colour is None:
        colour = _colours[(role, dark)] = QColor(_TABLE[role][1 if dark else 0])
    return QColor(colour)


def text_style(role: Role) -> str:
    """A style sheet colouring a label's text with `role`."""
    return f"color: {name(role)};"
