"""The console's named colours: one table of roles with a light and a dark column. Widgets ask
for a role (`color(Role.URGENT)`, `name(Role.ERROR_TEXT)` in a style sheet), never for a hex
value. The dark column is used when the palette is dark (its window colour has a lightness
below the middle), so the console follows the system's light or dark appearance.

The dark column keeps a colour where it is a fill carrying its own text colour (pills, badges,
the urgent banner) or sits on its own canvas (tray icons, the overview's white plots); colours
drawn as text on the window, and light banners, get a variant readable on a dark window."""

from __future__ import annotations

from enum import Enum, StrEnum

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
    STORM_BANNER = "storm_banner"
    STORM_BANNER_TEXT = "storm_banner_text"
    PAGE_BANNER = "page_banner"  # an on-call page waiting for my acknowledgement
    PAGE_BANNER_TEXT = "page_banner_text"
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
    CLOCK_SOON = "clock_soon"  # a response clock with little time left
    CLOCK_LATE = "clock_late"  # a response clock past its target
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
    TRAY_STORM_BADGE = "tray_storm_badge"  # the storm's diamond with a lightning bolt
    TRAY_PAGE_BADGE = "tray_page_badge"  # the bell of a waiting page (top left)
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
    # the reply composer: quiet and coloured sentences on the window
    SUBTLE_TEXT = "subtle_text"  # the account line, the character count
    COUNTER_NEAR = "counter_near"  # the count nearing the network's limit
    MESSAGE_TEXT = "message_text"  # the composer's messages (errors are ERROR_TEXT)
    # the composer's tinted boxes: background and text
    PROMPT_CRITICAL = "prompt_critical"
    PROMPT_CRITICAL_TEXT = "prompt_critical_text"
    PROMPT_WARNING = "prompt_warning"
    PROMPT_WARNING_TEXT = "prompt_warning_text"
    PROMPT_INFO = "prompt_info"
    PROMPT_INFO_TEXT = "prompt_info_text"
    BREATH = "breath"
    BREATH_TEXT = "breath_text"
    COUNTDOWN = "countdown"
    COUNTDOWN_TEXT = "countdown_text"
    CONFLICT = "conflict"
    CONFLICT_TEXT = "conflict_text"
    DRAFT_CONFLICT = "draft_conflict"
    DRAFT_CONFLICT_TEXT = "draft_conflict_text"
    QUOTE = "quote"  # a colleague's reply quoted in the conflict box
    QUOTE_TEXT = "quote_text"
    UNANSWERABLE = "unanswerable"
    UNANSWERABLE_TEXT = "unanswerable_text"
    # the reply editor's marked words: heat and blame get a background, all a wavy underline
    MARK = "mark"
    MARK_TEXT = "mark_text"
    MARK_CRITICAL_LINE = "mark_critical_line"
    MARK_WARNING_LINE = "mark_warning_line"


# role: (light, dark)
_TABLE: dict[Role, tuple[str, str]] = {
    Role.NETWORK_MASTODON: ("#5B5CE6", "#5B5CE6"),
    Role.NETWORK_BLUESKY: ("#0A6FD6", "#0A6FD6"),
    Role.NETWORK_X: ("#4D4D4D", "#4D4D4D"),
    Role.NETWORK_FEED: ("#B35900", "#B35900"),
    Role.NETWORK_WEBHOOK: ("#5A6B7B", "#5A6B7B"),
    Role.NETWORK_DEMO: ("#8A5A9E", "#8A5A9E"),
    Role.STATUS_NEW: ("#1A73C8", "#1A73C8"),
    Role.STATUS_ASSIGNED: ("#2A7D4F", "#2A7D4F"),
    Role.STATUS_HANDOFF: ("#8F6A00", "#8F6A00"),
    Role.STATUS_REPLIED: ("#5F6FA8", "#5F6FA8"),
    Role.STATUS_RESOLVED: ("#6B6B6B", "#6B6B6B"),
    Role.STATUS_SNOOZED: ("#7E5CAE", "#7E5CAE"),
    Role.PILL_UNKNOWN: ("#707070", "#707070"),
    Role.PILL_TEXT: ("#FFFFFF", "#FFFFFF"),
    Role.DEMO: ("#A0522D", "#A0522D"),
    Role.URGENT: ("#C62828", "#FF5A4F"),
    Role.URGENT_TEXT: ("#C62828", "#FF6B6B"),
    Role.OFFLINE_BANNER: ("#FFF4CE", "#4A3B00"),
    Role.OFFLINE_BANNER_TEXT: ("#3B2F00", "#FFF4CE"),
    Role.NOTICE_BANNER: ("#FDE7E9", "#5F1119"),
    Role.NOTICE_BANNER_TEXT: ("#5F1119", "#FDE7E9"),
    Role.COVERAGE_BANNER: ("#7F0000", "#7F0000"),
    Role.COVERAGE_BANNER_TEXT: ("#FFFFFF", "#FFFFFF"),
    Role.STORM_BANNER: ("#4A148C", "#4A148C"),
    Role.STORM_BANNER_TEXT: ("#FFFFFF", "#FFFFFF"),
    Role.PAGE_BANNER: ("#8A3B00", "#8A3B00"),
    Role.PAGE_BANNER_TEXT: ("#FFFFFF", "#FFFFFF"),
    Role.BROADCAST_INFO: ("#E3F2FD", "#0B3558"),
    Role.BROADCAST_INFO_TEXT: ("#0B3558", "#E3F2FD"),
    Role.BROADCAST_IMPORTANT: ("#FFE0B2", "#4E2600"),
    Role.BROADCAST_IMPORTANT_TEXT: ("#4E2600", "#FFE0B2"),
    Role.BROADCAST_URGENT: ("#B71C1C", "#B71C1C"),
    Role.BROADCAST_URGENT_TEXT: ("#FFFFFF", "#FFFFFF"),
    Role.ERROR_TEXT: ("#B71C1C", "#EF9A9A"),
    Role.DONE_TEXT: ("#1B5E20", "#A5D6A7"),
    Role.PENDING_TEXT: ("#8A1C1C", "#EF9A9A"),
    Role.CLOCK_SOON: ("#8A5300", "#FFB74D"),
    Role.CLOCK_LATE: ("#B71C1C", "#FF6B6B"),
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
    Role.TRAY_STORM_BADGE: ("#6A1B9A", "#6A1B9A"),
    Role.TRAY_PAGE_BADGE: ("#E65100", "#E65100"),
    Role.CHART_TEXT: ("#202020", "#202020"),
    Role.CHART_NOTE: ("#606060", "#606060"),
    Role.CHART_URGENT: ("#C62828", "#C62828"),
    Role.CHART_RAISED: ("#C77700", "#C77700"),
    Role.CHART_ROUTINE: ("#78909C", "#78909C"),
    Role.CHART_MEDIAN: ("#1565C0", "#1565C0"),
    Role.CHART_P90: ("#EF6C00", "#EF6C00"),
    Role.CHART_VOLUME: ("#1565C0", "#1565C0"),
    Role.CHART_MEMBERS: ("#CFD8DC", "#CFD8DC"),
    Role.CHART_COVERED: ("#2E7D32", "#2E7D32"),
    Role.CHART_GAP: ("#D32F2F", "#D32F2F"),
    Role.SUBTLE_TEXT: ("#555555", "#BDBDBD"),
    Role.COUNTER_NEAR: ("#7A5C00", "#FFD54F"),
    Role.MESSAGE_TEXT: ("#1F4E79", "#9CC8F0"),
    Role.PROMPT_CRITICAL: ("#FDE7E9", "#5F1119"),
    Role.PROMPT_CRITICAL_TEXT: ("#A4262C", "#FDE7E9"),
    Role.PROMPT_WARNING: ("#FFF4CE", "#4A3B00"),
    Role.PROMPT_WARNING_TEXT: ("#6B5000", "#FFF4CE"),
    Role.PROMPT_INFO: ("#EFF6FC", "#0B3558"),
    Role.PROMPT_INFO_TEXT: ("#1F4E79", "#E3F2FD"),
    Role.BREATH: ("#FFF4CE", "#4A3B00"),
    Role.BREATH_TEXT: ("#4A3A00", "#FFF4CE"),
    Role.COUNTDOWN: ("#E8F1FB", "#0B3558"),
    Role.COUNTDOWN_TEXT: ("#0B3A66", "#E8F1FB"),
    Role.CONFLICT: ("#FDE7E9", "#5F1119"),
    Role.CONFLICT_TEXT: ("#5F1119", "#FDE7E9"),
    Role.DRAFT_CONFLICT: ("#F3E8FD", "#3B1F5E"),
    Role.DRAFT_CONFLICT_TEXT: ("#3B1F5E", "#F3E8FD"),
    Role.QUOTE: ("#FFFFFF", "#1E1E1E"),
    Role.QUOTE_TEXT: ("#1A1A1A", "#E8E8E8"),
    Role.UNANSWERABLE: ("#FFF4CE", "#4A3B00"),
    Role.UNANSWERABLE_TEXT: ("#3B2F00", "#FFF4CE"),
    Role.MARK: ("#FDE7E9", "#5F1119"),
    Role.MARK_TEXT: ("#1A1A1A", "#FDE7E9"),
    Role.MARK_CRITICAL_LINE: ("#C62828", "#FF6B6B"),
    Role.MARK_WARNING_LINE: ("#8A6508", "#FFC107"),
}


class Surface(StrEnum):
    """What a role is drawn on when it is not another role: the palette's window (labels,
    dialogs, the status bar), its base (lists, the stream) and alternate rows, or the white
    canvas of the overview's plots."""

    WINDOW = "window"
    BASE = "base"
    ALTERNATE_BASE = "alternate_base"
    WHITE = "white"


class Contrast(float, Enum):
    """WCAG 2 contrast ratios: body text, and large text or graphics (icons, plot lines)."""

    TEXT = 4.5
    LARGE_OR_UI = 3.0


_PILLS = (
    Role.NETWORK_MASTODON,
    Role.NETWORK_BLUESKY,
    Role.NETWORK_X,
    Role.NETWORK_FEED,
    Role.NETWORK_WEBHOOK,
    Role.NETWORK_DEMO,
    Role.STATUS_NEW,
    Role.STATUS_ASSIGNED,
    Role.STATUS_HANDOFF,
    Role.STATUS_REPLIED,
    Role.STATUS_RESOLVED,
    Role.STATUS_SNOOZED,
    Role.PILL_UNKNOWN,
    Role.DEMO,
)
_PALETTE_SURFACES = (Surface.WINDOW, Surface.BASE, Surface.ALTERNATE_BASE)
_SENTENCES = (Role.ERROR_TEXT, Role.DONE_TEXT, Role.PENDING_TEXT)
_DUTIES = (Role.DUTY_ON, Role.DUTY_AWAY, Role.DUTY_OFF)
_CLOCKS = (Role.CLOCK_SOON, Role.CLOCK_LATE)
_MARKED_FILLS = (
    Role.APP_ICON,
    Role.URGENT,
    Role.COVERAGE_COVERED,
    Role.COVERAGE_NOBODY,
    Role.COVERAGE_UNKNOWN,
    Role.TRAY_URGENT_BADGE,
    Role.TRAY_UNREAD_BADGE,
    Role.TRAY_PAGE_BADGE,
    Role.TRAY_STORM_BADGE,
)
_PLOT_MARKS = (
    Role.CHART_URGENT,
    Role.CHART_RAISED,
    Role.CHART_ROUTINE,
    Role.CHART_MEDIAN,
    Role.CHART_P90,
    Role.CHART_VOLUME,
    Role.CHART_COVERED,
    Role.CHART_GAP,
)

_COMPOSER_BOXES = (
    (Role.PROMPT_CRITICAL_TEXT, Role.PROMPT_CRITICAL),
    (Role.PROMPT_WARNING_TEXT, Role.PROMPT_WARNING),
    (Role.PROMPT_INFO_TEXT, Role.PROMPT_INFO),
    (Role.BREATH_TEXT, Role.BREATH),
    (Role.COUNTDOWN_TEXT, Role.COUNTDOWN),
    (Role.CONFLICT_TEXT, Role.CONFLICT),
    (Role.DRAFT_CONFLICT_TEXT, Role.DRAFT_CONFLICT),
    (Role.QUOTE_TEXT, Role.QUOTE),
    (Role.UNANSWERABLE_TEXT, Role.UNANSWERABLE),
    (Role.MARK_TEXT, Role.MARK),
)
_COMPOSER_SENTENCES = (Role.SUBTLE_TEXT, Role.COUNTER_NEAR, Role.MESSAGE_TEXT)
_MARK_LINES = (Role.MARK_CRITICAL_LINE, Role.MARK_WARNING_LINE)

# Every foreground the console draws on a background, with the contrast it needs, in both
# columns (tests/ui/test_theme_contrast.py measures them all).
PAIRS: tuple[tuple[Role, Role | Surface, Contrast], ...] = (
    *((Role.PILL_TEXT, pill, Contrast.TEXT) for pill in _PILLS),
    (Role.URGENT, Surface.BASE, Contrast.TEXT),  # an urgent mention's priority number
    (Role.URGENT, Surface.ALTERNATE_BASE, Contrast.TEXT),
    (Role.URGENT_TEXT, Surface.WINDOW, Contrast.TEXT),
    (Role.OFFLINE_BANNER_TEXT, Role.OFFLINE_BANNER, Contrast.TEXT),
    (Role.NOTICE_BANNER_TEXT, Role.NOTICE_BANNER, Contrast.TEXT),
    (Role.COVERAGE_BANNER_TEXT, Role.COVERAGE_BANNER, Contrast.TEXT),
    (Role.STORM_BANNER_TEXT, Role.STORM_BANNER, Contrast.TEXT),
    (Role.PAGE_BANNER_TEXT, Role.PAGE_BANNER, Contrast.TEXT),
    (Role.BROADCAST_INFO_TEXT, Role.BROADCAST_INFO, Contrast.TEXT),
    (Role.BROADCAST_IMPORTANT_TEXT, Role.BROADCAST_IMPORTANT, Contrast.TEXT),
    (Role.BROADCAST_URGENT_TEXT, Role.BROADCAST_URGENT, Contrast.TEXT),
    *((role, surface, Contrast.TEXT) for role in _SENTENCES for surface in _PALETTE_SURFACES),
    *((role, surface, Contrast.TEXT) for role in _DUTIES for surface in _PALETTE_SURFACES),
    *((role, surface, Contrast.TEXT) for role in _CLOCKS for surface in _PALETTE_SURFACES),
    # Icons: big bold letters and counts, ticks and crosses.
    *((Role.ICON_MARK, fill, Contrast.LARGE_OR_UI) for fill in _MARKED_FILLS),
    (Role.ICON_MARK_ON_THIN, Role.COVERAGE_THIN, Contrast.LARGE_OR_UI),
    (Role.CHART_TEXT, Surface.WHITE, Contrast.TEXT),
    (Role.CHART_NOTE, Surface.WHITE, Contrast.TEXT),
    *((mark, Surface.WHITE, Contrast.LARGE_OR_UI) for mark in _PLOT_MARKS),
    (Role.CHART_COVERED, Role.CHART_MEMBERS, Contrast.LARGE_OR_UI),  # on-duty over team size
    # The composer: its sentences on the window, its boxes' text, the marks' wavy lines.
    *((role, Surface.WINDOW, Contrast.TEXT) for role in _COMPOSER_SENTENCES),
    *((text, back, Contrast.TEXT) for text, back in _COMPOSER_BOXES),
    *(
        (line, back, Contrast.LARGE_OR_UI)
        for line in _MARK_LINES
        for back in (Surface.BASE, Role.MARK)
    ),
)

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


def surface(which: Surface, palette: QPalette) -> QColor:
    """The colour `which` has in `palette`."""
    if which is Surface.WHITE:
        return QColor("#FFFFFF")
    roles = {
        Surface.WINDOW: QPalette.ColorRole.Window,
        Surface.BASE: QPalette.ColorRole.Base,
        Surface.ALTERNATE_BASE: QPalette.ColorRole.AlternateBase,
    }
    return palette.color(roles[which])


def contrast(first: QColor, second: QColor) -> float:
    """The WCAG 2 contrast ratio of two opaque colours (1 to 21)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(c) for c in (colour.redF(), colour.greenF(), colour.blueF()))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def text_style(role: Role, extra: str = "") -> str:
    """A style sheet colouring a label's text with `role` (and `extra` declarations)."""
    return f"color: {name(role)};{' ' + extra if extra else ''}"


def box_style(object_name: str, background: Role, text: Role) -> str:
    """A style sheet for a named frame in `background` whose labels are in `text`."""
    return (
        f"QFrame#{object_name} {{ background: {name(background)}; border-radius: 4px; }} "
        f"QLabel {{ color: {name(text)}; }}"
    )
