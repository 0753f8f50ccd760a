"""The tray icon as the manager's remote control: my duty, everyone's duty (managers), coverage
at a glance in the icon and tooltip, unread broadcast and urgent counts, a storm, and
close-to-tray.

The same actions are in the window's Duty menu (`menu_section`), so they work where the platform
has no tray (the console says so once). The icon shows coverage by colour AND shape (green
circle with a tick: covered; amber triangle: thin; red square with a cross: nobody), readable
without colour; a storm adds a purple diamond with a lightning bolt bottom right, and its line
in the tooltip; a page waiting for me an orange bell top left, and its line."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QFont,
    QIcon,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.client.team import storm_words
from app.client.team.paging_words import TRAY_TOOLTIP_LINE as PAGED_LINE
from app.models.enums import Duty
from app.models.schemas import CoveragePublic, UserRef
from app.models.storm_schemas import StormPublic
from app.models.team_schemas import RosterPublic
from app.ui.qt import theme
from app.ui.qt.icons import drawn_icon, drawn_pixmap
from app.ui.qt.theme import Role

DUTY_LABELS = {Duty.ON_DUTY: "On duty", Duty.AWAY: "Away", Duty.OFF_DUTY: "Off duty"}

COVERAGE_LOOK = {
    # level: (fill, text for the tooltip and the menu)
    "covered": (Role.COVERAGE_COVERED, "Covered"),
    "thin": (Role.COVERAGE_THIN, "Thin"),
    "nobody": (Role.COVERAGE_NOBODY, "Nobody on duty"),
    "unknown": (Role.COVERAGE_UNKNOWN, "Coverage unknown"),
}

NO_TRAY_NOTE = (
    "This desktop has no system tray: your duty, everyone's duty, coverage and broadcasts "
    "are in the Duty menu."
)
CLOSE_TO_TRAY_NOTE = (
    "The console keeps running in the tray: alerts and broadcasts still reach you. "
    "Use Quit (Ctrl+Q) to stop it."
)


def coverage_icon(
    level: str, urgent: int = 0, unread: int = 0, storm: bool = False, paged: bool = False
) -> QIcon:
    """The tray icon: coverage as colour and shape, the urgent count top right, unread
    broadcasts as a blue dot bottom left, a storm as a purple diamond with a lightning bolt
    bottom right, a page waiting for me as an orange bell top left; drawn at every size a
    tray asks for."""
    return drawn_icon(lambda p: _draw_coverage(p, level, urgent, unread, storm, paged))


def coverage_pixmap(
    level: str,
    urgent: int = 0,
    unread: int = 0,
    size: int = 64,
    storm: bool = False,
    paged: bool = False,
) -> QPixmap:
    """The tray icon drawn at one size (screens and tests)."""
    return drawn_pixmap(lambda p: _draw_coverage(p, level, urgent, unread, storm, paged), size)


def _draw_coverage(
    p: QPainter, level: str, urgent: int, unread: int, storm: bool, paged: bool = False
) -> None:
    """In 64×64 drawing units."""
    fill, _ = COVERAGE_LOOK.get(level, COVERAGE_LOOK["unknown"])
    white = theme.color(Role.ICON_MARK)
    p.setPen(QPen(white, 3))
    p.setBrush(theme.color(fill))
    mark = QPen(white, 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    if level == "covered":
        p.drawEllipse(QRectF(6, 6, 52, 52))
        p.setPen(mark)
        p.drawPolyline(QPolygonF([QPointF(19, 33), QPointF(28, 42), QPointF(45, 23)]))
    elif level == "thin":
        p.drawPolygon(QPolygonF([QPointF(32, 5), QPointF(60, 56), QPointF(4, 56)]))
        dark_mark = theme.color(Role.ICON_MARK_ON_THIN)
        p.setPen(QPen(dark_mark, 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(QPointF(32, 22), QPointF(32, 38))
        p.drawPoint(QPointF(32, 48))
    elif level == "nobody":
        p.drawRoundedRect(QRectF(7, 7, 50, 50), 6, 6)
        p.setPen(mark)
        p.drawLine(QPointF(21, 21), QPointF(43, 43))
        p.drawLine(QPointF(43, 21), QPointF(21, 43))
    else:
        p.drawEllipse(QRectF(6, 6, 52, 52))
        p.setPen(white)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(34)
        p.setFont(font)
        p.drawText(QRectF(6, 6, 52, 52), Qt.AlignmentFlag.AlignCenter, "?")
    if urgent:
        _badge(p, QRect(34, 0, 30, 30), Role.TRAY_URGENT_BADGE, _short(urgent))
    if unread:
        _badge(p, QRect(0, 38, 26, 26), Role.TRAY_UNREAD_BADGE, _short(unread))
    if storm:
        _storm_badge(p)
    if paged:
        _page_bell(p)


def _page_bell(p: QPainter) -> None:
    """A bell (a shape no other mark has), top left, outlined so it reads on any fill."""
    bell = QPainterPath()
    bell.moveTo(3, 26)
    bell.cubicTo(8, 22, 7, 16, 8, 11)
    bell.cubicTo(9, 5, 13, 2, 16, 2)
    bell.cubicTo(19, 2, 23, 5, 24, 11)
    bell.cubicTo(25, 16, 24, 22, 29, 26)
    bell.closeSubpath()
    bell.addEllipse(QPointF(16, 29), 3.5, 3.5)  # the clapper
    p.setPen(QPen(theme.color(Role.ICON_MARK), 2.5))
    p.setBrush(theme.color(Role.TRAY_PAGE_BADGE))
    p.drawPath(bell)


def _storm_badge(p: QPainter) -> None:
    """A diamond (a shape no other mark has) with a lightning bolt, bottom right; big enough
    to read at a tray's 22 pixels."""
    white = theme.color(Role.ICON_MARK)
    p.setPen(QPen(white, 2))
    p.setBrush(theme.color(Role.TRAY_STORM_BADGE))
    p.drawPolygon(QPolygonF([QPointF(46, 25), QPointF(64, 44), QPointF(46, 63), QPointF(28, 44)]))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(white)
    bolt = [(50, 31), (39, 46), (46, 46), (42, 58), (54, 42), (47, 42)]
    p.drawPolygon(QPolygonF([QPointF(x, y) for x, y in bolt]))


def _badge(p: QPainter, rect: QRect, colour: Role, text: str) -> None:
    white = theme.color(Role.ICON_MARK)
    p.setPen(QPen(white, 2))
    p.setBrush(theme.color(colour))
    p.drawEllipse(rect)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(8, int(rect.height() * (0.6 if len(text) < 3 else 0.42))))
    p.setFont(font)
    p.setPen(white)
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def _short(count: int) -> str:
    return str(count) if count < 100 else "99+"


def coverage_sentence(coverage: CoveragePublic | None) -> str:
    """ "Covered: 3 on duty (Ana, Ben, Chloé)" — the tooltip's and the menu's first line."""
    if coverage is None:
        return COVERAGE_LOOK["unknown"][1]
    label = COVERAGE_LOOK.get(coverage.level, COVERAGE_LOOK["unknown"])[1]
    names = [u.name for u in coverage.on_duty]
    if not names:  # said once: "Nobody on duty", not "Nobody on duty: nobody is on duty"
        return label if coverage.level == "nobody" else f"{label}: nobody is on duty"
    shown = ", ".join(names[:4]) + (f" +{len(names) - 4}" if len(names) > 4 else "")
    return f"{label}: {len(names)} on duty ({shown})"


class DutyRemote(QObject):
    """Builds the remote-control actions once, puts them in the tray menu (before its last
    entry, Quit) and offers them as the Duty menu's section. Widgets and tests trigger the
    actions; the shell connects the request signals. `changed`: the tray icon and tooltip
    (`icon_for`, `tooltip`) should be drawn again."""

    dutyRequested = Signal(int, str)  # user id, Duty value (someone else's duty: managers)
    broadcastRequested = Signal()  # open the "send a broadcast" dialog
    rosterRequested = Signal()
    broadcastsRequested = Signal()  # show the owed broadcasts / the acknowledgements
    stormsRequested = Signal()  # open the storm view
    changed = Signal()

    def __init__(
        self,
        tray_menu: QMenu,
        urgent_count: Callable[[], int],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._urgent_count = urgent_count
        self.coverage: CoveragePublic | None = None
        self.unread = 0
        self.storms: list[StormPublic] = []
        self.paged = False  # a page waits for my acknowledgement
        self.is_manager = False
        self.my_id: int | None = None
        self._people: list[tuple[UserRef, Duty]] = []

        self.coverage_action = QAction("Coverage unknown", self)
        self.coverage_action.setEnabled(False)
        self.counts_action = QAction("", self)
        self.counts_action.setEnabled(False)
        self.broadcasts_action = QAction("Broadcasts…", self)
        self.broadcasts_action.triggered.connect(self.broadcastsRequested.emit)
        self.send_action = QAction("Send a &broadcast…", self)
        self.send_action.triggered.connect(self.broadcastRequested.emit)
        self.roster_action = QAction("&Roster…", self)
        self.roster_action.triggered.connect(self.rosterRequested.emit)
        # Only in the tray's menu: the window has View ▸ Storms….
        self.storm_action = QAction(storm_words.OPEN_STORM_VIEW, self)
        self.storm_action.triggered.connect(self.stormsRequested.emit)
        # Keep the submenu referenced from Python: the menus only hold pointers to it.
        self.everyone_menu = QMenu("&Everyone's duty")
        self.everyone_menu.setAccessibleName("Everyone's duty")
        self.person_actions: dict[tuple[int, Duty], QAction] = {}
        self._groups: list[QActionGroup] = []

        before = tray_menu.actions()[-1]
        for item in [*self.menu_section(), self.storm_action, None]:
            if item is None:
                tray_menu.insertSeparator(before)
            else:
                tray_menu.insertAction(before, item)
        self.refresh()

    def menu_section(self) -> list[QAction | None]:
        """The remote's entries in menu order (None: a separator)."""
        return [
            self.coverage_action,
            self.counts_action,
            self.broadcasts_action,
            None,
            self.everyone_menu.menuAction(),
            self.send_action,
            self.roster_action,
        ]

    # --- state ---------------------------------------------------------------------------

    def set_me(self, user_id: int | None, is_manager: bool) -> None:
        self.my_id = user_id
        self.is_manager = is_manager
        self.refresh()

    def set_coverage(self, coverage: CoveragePublic) -> None:
        self.coverage = coverage
        self.refresh()

    def set_unread(self, unread: int) -> None:
        self.unread = unread
        self.refresh()

    def set_paged(self, paged: bool) -> None:
        if paged != self.paged:
            self.paged = paged
            self.refresh()

    def set_storms(self, storms: list[StormPublic]) -> None:
        """The open storms, biggest first: the icon's diamond and the tooltip's line."""
        self.storms = list(storms)
        self.refresh()

    def set_roster(self, roster: RosterPublic) -> None:
        people: dict[int, tuple[UserRef, Duty]] = {}
        for team in roster.teams:
            for member in (*team.on_duty, *team.away, *team.off_duty):
                people[member.user.id] = (member.user, member.duty)
        self._people = sorted(people.values(), key=lambda p: p[0].name.lower())
        self._rebuild_everyone()

    @property
    def level(self) -> str:
        return self.coverage.level if self.coverage is not None else "unknown"

    def icon_for(self, urgent: int) -> QIcon:
        return coverage_icon(
            self.level, urgent, self.unread, storm=bool(self.storms), paged=self.paged
        )

    def tooltip(self, urgent: int) -> str:
        lines = ["Responder Console", coverage_sentence(self.coverage)]
        if self.paged:
            lines.append(PAGED_LINE)
        lines.append(f"{urgent} urgent unassigned · {self.unread} broadcast(s) unread")
        if self.storms:
            lines.append(storm_words.tray_line(self.storms))
        return "\n".join(lines)

    def refresh(self) -> None:
        self.coverage_action.setText(coverage_sentence(self.coverage).replace("&", "&&"))
        urgent = self._urgent_count()
        self.counts_action.setText(f"{urgent} urgent unassigned · {self.unread} unread broadcasts")
        self.broadcasts_action.setText(
            f"Broadcasts ({self.unread} unread)…" if self.unread else "Broadcasts…"
        )
        self.everyone_menu.menuAction().setVisible(self.is_manager)
        self.send_action.setVisible(self.is_manager)
        storm = storm_words.tray_line(self.storms)
        self.storm_action.setText(
            f"{storm_words.OPEN_STORM_VIEW}: {storm.replace('&', '&&')}"
            if storm
            else storm_words.OPEN_STORM_VIEW
        )
        self.changed.emit()

    def _rebuild_everyone(self) -> None:
        self.everyone_menu.clear()
        self.person_actions.clear()
        self._groups.clear()
        for user, duty in self._people:
            # A menu reads "&" as a shortcut mark: a name shows as it was written.
            label = f"{user.name.replace('&', '&&')} — {DUTY_LABELS[duty]}"
            sub = self.everyone_menu.addMenu(label)
            sub.setAccessibleName(f"Duty of {user.name}")
            group = QActionGroup(sub)
            for value, text in DUTY_LABELS.items():
                action = sub.addAction(text)
                action.setCheckable(True)
                action.setChecked(value is duty)
                group.addAction(action)
                action.triggered.connect(
                    lambda _=False, uid=user.id, d=value: self.dutyRequested.emit(uid, d.value)
                )
                self.person_actions[(user.id, value)] = action
            self._groups.append(group)

    def person_action(self, user_id: int, duty: Duty) -> QAction:
        return self.person_actions[(user_id, duty)]


def tray_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable()


def close_to_tray_policy(tray: QSystemTrayIcon, say: Callable[[str], None]) -> Callable[[], bool]:
    """Closing hides the window while the tray icon shows; the first time, say where it went."""
    told = False

    def decide() -> bool:
        nonlocal told
        if not tray.isVisible():
            return False
        if not told:
            told = True
            say(CLOSE_TO_TRAY_NOTE)
        return True

    return decide
