"""Alerts for new urgent mentions: a tray message (unless the user is off duty) and a badge
count of unassigned urgent mentions on the tray icon and the window. Where there is no tray
(offscreen, bare X servers) the window badge still shows the count. Each alert also asks for
the user's attention (`attention`: the shell flashes the window)."""

from __future__ import annotations

import html
import sys
from collections.abc import Callable
from enum import StrEnum

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.client.stream.rows import MentionRow
from app.models.enums import Duty
from app.ui.qt.plain import plain_tooltip
from app.ui.shell.badge import badge_icon as badge_icon
from app.ui.shell.badge import badge_pixmap as badge_pixmap


class TrayKind(StrEnum):
    """Who draws the tray's tooltip and messages, which decides how a text is kept literal.
    The messages and tooltips carry strangers' and colleagues' words (a mention's text, a
    handoff note, colleagues' names)."""

    # Qt's own (X11 without a StatusNotifier host): the tooltip is a QToolTip, which reads
    # HTML; the balloon's labels are plain text.
    QT = "qt"
    # The desktop's (Linux with a StatusNotifier host): org.freedesktop.Notifications reads
    # the message body as markup (<b>, <a>, <img>), and hosts show the tooltip as rich text.
    DESKTOP = "desktop"
    # Windows and macOS: native plain text.
    NATIVE = "native"


def tray_kind() -> TrayKind:
    if not sys.platform.startswith("linux"):
        return TrayKind.NATIVE
    try:
        from PySide6.QtDBus import QDBusConnection
    except ImportError:  # pragma: no cover - Qt without D-Bus: its own tray
        return TrayKind.QT
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return TrayKind.QT
    registered = bus.interface().isServiceRegistered("org.kde.StatusNotifierWatcher")
    # In doubt, the desktop's: escaping too much shows entities, too little renders HTML.
    return TrayKind.QT if registered.isValid() and not registered.value() else TrayKind.DESKTOP


def tray_texts(kind: TrayKind, title: str, message: str) -> tuple[str, str]:
    """A tray message's title and body as handed to the tray, to show literally."""
    if kind is TrayKind.DESKTOP:
        return title, html.escape(message, quote=False)
    return title, message


def tray_tooltip(kind: TrayKind, text: str) -> str:
    if kind is TrayKind.QT:
        return plain_tooltip(text)
    if kind is TrayKind.DESKTOP:
        return html.escape(text, quote=False)
    return text


def _urgent_tooltip(count: int) -> str:
    return f"Responder Console — {count} urgent unassigned"


class UrgentNotifier(QObject):
    """Owns the tray icon (when the platform has one) and decides whether to alert."""

    dutyRequested = Signal(str)  # Duty value
    showRequested = Signal()
    quitRequested = Signal()
    attention = Signal()  # an alert was shown: the window should ask for attention
    # The user clicked a message the tray showed: bring the window (and what it says) up.
    messageClicked = Signal()

    def __init__(self, parent: QObject | None = None, *, quiet_ms: int = 10_000) -> None:
        super().__init__(parent)
        self.duty: Duty | None = None
        self.enabled = True
        self.count = 0
        self.alerts_shown: list[str] = []
        # (title, message) as handed to the tray (recorded also where there is none).
        self.messages_shown: list[tuple[str, str]] = []
        self.tray_kind = tray_kind()
        self._held = 0
        self._summary_timer = QTimer(self)
        self._summary_timer.setSingleShot(True)
        self._summary_timer.setInterval(quiet_ms)
        self._summary_timer.timeout.connect(self._summarise)
        self.tray: QSystemTrayIcon | None = None
        # Where the team features run, their remote control draws the icon and the tooltip
        # (coverage and counts); the shell sets these when it wires the tray.
        self.icon_for: Callable[[int], QIcon] = badge_icon
        self.tooltip_for: Callable[[int], str] = _urgent_tooltip
        # Keep the menu referenced: the tray only holds a pointer to it.
        self.menu = QMenu()
        self.menu.addAction("Show the console").triggered.connect(self.showRequested.emit)
        self.menu.addSeparator()
        self.duty_actions: dict[Duty, QAction] = {}
        for duty, label in (
            (Duty.ON_DUTY, "On duty"),
            (Duty.AWAY, "Away"),
            (Duty.OFF_DUTY, "Off duty"),
        ):
            action = self.menu.addAction(label)
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, d=duty: self.dutyRequested.emit(d.value))
            self.duty_actions[duty] = action
        self.menu.addSeparator()
        self.menu.addAction("Quit").triggered.connect(self.quitRequested.emit)
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(badge_icon(0), self)
            self.tray.setContextMenu(self.menu)
            self.tray.setToolTip("Responder Console")
            self.tray.messageClicked.connect(self.messageClicked.emit)
            self.tray.show()

    def set_duty(self, duty: Duty) -> None:
        self.duty = duty
        for value, action in self.duty_actions.items():
            action.setChecked(value is duty)

    def set_count(self, count: int) -> None:
        if count == self.count:
            return
        self.count = count
        self.refresh_tray()

    def refresh_tray(self) -> None:
        """Redraw the tray icon and tooltip (the count, or what `icon_for` adds to it)."""
        if self.tray is not None:
            self.tray.setIcon(self.icon_for(self.count))
            self.tray.setToolTip(self.tooltip_text())

    def tooltip_text(self) -> str:
        """The tray's tooltip, colleagues' names shown literally."""
        return tray_tooltip(self.tray_kind, self.tooltip_for(self.count))

    def announce(self, title: str, message: str) -> None:
        """Tell the user now, whatever their duty (broadcasts, coverage gaps)."""
        self._show(title, message)

    def alert(self, row: MentionRow) -> bool:
        """A new urgent mention arrived: tell the user unless they are off duty. During a
        burst, one message per `quiet_ms` and then one summary, not a message per mention."""
        if not self.enabled or self.duty is Duty.OFF_DUTY:
            return False
        if self._summary_timer.isActive():
            self._held += 1
            return True
        title = f"Urgent mention from {row.handle}"
        self._show(title, " ".join(row.text.split())[:180])
        self._summary_timer.start()
        return True

    def _show(self, title: str, message: str) -> None:
        self.alerts_shown.append(title)
        title, message = tray_texts(self.tray_kind, title, message)
        self.messages_shown.append((title, message))
        if self.tray is not None and QSystemTrayIcon.supportsMessages():
            self.tray.showMessage(title, message, QSystemTrayIcon.MessageIcon.Warning, 8000)
        self.attention.emit()

    def _summarise(self) -> None:
        if self._held and self.duty is not Duty.OFF_DUTY:
            held, self._held = self._held, 0
            self._show(f"{held} more urgent mentions", "They are waiting in the stream.")
            self._summary_timer.start()
