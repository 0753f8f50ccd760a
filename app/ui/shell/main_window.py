"""The console's main window: it receives its parts when it is built (the stream with its filter
bar and detail, the composer and handoff panels, the features' banners and docks, the tray
notifier, the actions) and lays them out, builds the menu bar from the actions table, renders
the connection, duty, outbox and urgent count in the status bar and the offline and notice
banners, and owns closing (to the tray where there is one) and quitting. It connects nothing
between parts: the shell's wiring does (app/ui/shell/wiring.py)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QProgressBar, QWidget

from app.client.connection.state import ConnectionState
from app.client.stream.words import connection_words, outbox_words
from app.ui.qt import theme
from app.ui.qt.theme import Role
from app.ui.shell.badge import badge_icon

if TYPE_CHECKING:  # loaded by furnish: the frame goes on the screen without them
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QAction, QCloseEvent, QResizeEvent
    from PySide6.QtWidgets import QDockWidget, QMenu

    from app.client.stream.entries import OutboxEntry
    from app.client.stream.rows import MentionRow
    from app.client.stream.viewer import Viewer
    from app.ui.qt.banner import Banner
    from app.ui.shell.actions import Action, Menu, MenuItem, Section
    from app.ui.shell.columns import StreamColumns
    from app.ui.shell.notifier import UrgentNotifier
    from app.ui.shell.shortcuts_dialog import ShortcutsDialog
    from app.ui.stream.detail_pane import MentionDetailPane
    from app.ui.stream.filter import FilterMode
    from app.ui.stream.stream import MentionStream

APP_TITLE = "Responder Console"

OFFLINE_TEXT = (
    "You are offline. The stream shows cached mentions; you can read, search and "
    "queue claims — they are sent in order when the server answers again."
)


@dataclass(frozen=True)
class DockPart:
    """A dock's contents; the window frames it in a dock titled with its row of the actions
    table, whose show/hide entry is the dock's toggle."""

    action: Action
    name: str
    widget: QWidget


@dataclass(frozen=True)
class WindowParts:
    """Everything the window shows, built before it."""

    stream: MentionStream
    notifier: UrgentNotifier
    actions: Mapping[Action, QAction]
    sections: Mapping[Section, Sequence[QAction | None]] = field(default_factory=dict)
    composer: QWidget | None = None  # under the selected mention, sharing its height
    handoffs: QWidget | None = None  # under the composer
    banners: Sequence[QWidget] = ()  # across the top, above the filter bar
    docks: Sequence[DockPart] = ()  # tabbed on the right, hidden until asked for
    # Where a tray exists: whether closing the window hides it (Quit still quits).
    close_to_tray: Callable[[], bool] | None = None


class MainWindow(QMainWindow):
    """Built with its parts, or first as a frame (`MainWindow(subtitle=…)`: the title, the
    icon, the size and the status bar with its start-up progress, nothing of the stream) that
    goes on the screen at once and receives its parts after (`furnish`). The window's other
    methods need its parts: they are called once it is furnished."""

    closed = Signal()

    # Set by furnish.
    stream: MentionStream
    notifier: UrgentNotifier
    columns: StreamColumns
    offline_banner: Banner
    notice_banner: Banner

    def __init__(self, parts: WindowParts | None = None, *, subtitle: str = "") -> None:
        super().__init__()
        self._subtitle = subtitle
        self._notices: list[str] = []
        self._quitting = False
        self.furnished = False
        self.composer: QWidget | None = None
        self.handoffs: QWidget | None = None
        self.close_to_tray: Callable[[], bool] | None = None
        self._actions: dict[Action, QAction] = {}
        self.docks: dict[Action, QDockWidget] = {}
        self.menus: dict[Menu, QMenu] = {}
        self._sections: dict[Section, Sequence[QAction | None]] = {}
        self.setWindowTitle(self._title(0))
        self.setWindowIcon(badge_icon(0))
        self.resize(1280, 780)
        self._build_status_bar()
        if parts is not None:
            self.furnish(parts)

    def furnish(self, parts: WindowParts) -> None:
        """Lay the parts out in the frame (shown already or not): the stream with its filter
        bar and detail, the composer and handoff panels, the banners, the menus from the
        actions table, the actions and the docks."""
        assert not self.furnished, "a window is furnished once; add_parts adds to it"
        from app.ui.qt.banner import Banner

        self.stream = parts.stream
        self.model = parts.stream.model
        self.proxy = parts.stream.proxy
        self.view = parts.stream.view
        self.detail: MentionDetailPane = parts.stream.detail
        self.composer = parts.composer
        self.handoffs = parts.handoffs
        self.notifier = parts.notifier
        # The window owns what it shows: its parts go when it goes.
        self.stream.setParent(self)
        self.notifier.setParent(self)
        self.close_to_tray = parts.close_to_tray
        self._actions = dict(parts.actions)
        self.docks = {part.action: self._dock(part) for part in parts.docks}
        self._actions.update({a: dock.toggleViewAction() for a, dock in self.docks.items()})

        self.offline_banner = Banner(
            "offline", Role.OFFLINE_BANNER, Role.OFFLINE_BANNER_TEXT, "Reconnect now"
        )
        self.notice_banner = Banner(
            "notice", Role.NOTICE_BANNER, Role.NOTICE_BANNER_TEXT, "&Got it"
        )
        self.notice_banner.setAccessibleDescription("An action that could not be applied")
        self._lay_out(parts)
        self._sections = dict(parts.sections)
        self.menus = self._build_menus(self._sections)
        for action in self._actions.values():
            if action.parent() is None:
                action.setParent(self)
            self.addAction(action)
        self.furnished = True
        self.stream.update_shown()
        self._add_docks(self.docks.values())

    def add_parts(self, parts: WindowParts) -> None:
        """The parts that come after the window is on the screen (the console shows its
        window before its session and features are loaded): the composer and handoff panels
        under the mention, the banners across the top, the docks, the menus' sections and
        any further actions. The stream and the notifier are the window's own already."""
        assert parts.stream is self.stream
        assert parts.notifier is self.notifier
        for widget, stretch in ((parts.composer, 1), (parts.handoffs, 0)):
            if widget is not None:
                self.columns.mention_column.add_part(widget, stretch)
                _show_unless_hidden(widget)
        self.composer = parts.composer or self.composer
        self.handoffs = parts.handoffs or self.handoffs
        if parts.close_to_tray is not None:
            self.close_to_tray = parts.close_to_tray
        for index, banner in enumerate(parts.banners):
            self._central_layout.insertWidget(index, banner)
            _show_unless_hidden(banner)
        new_docks = {part.action: self._dock(part) for part in parts.docks}
        self.docks.update(new_docks)
        added = {**parts.actions, **{a: dock.toggleViewAction() for a, dock in new_docks.items()}}
        self._actions.update(added)
        self._sections = {**self._sections, **parts.sections}
        for menu in self.menus.values():  # built again with the new entries, in order
            menu.deleteLater()
        self.menuBar().clear()
        self.menus = self._build_menus(self._sections)
        for action in added.values():
            if action.parent() is None:
                action.setParent(self)
            self.addAction(action)
        self._add_docks(new_docks.values())

    # --- construction --------------------------------------------------------------------

    def _lay_out(self, parts: WindowParts) -> None:
        from PySide6.QtWidgets import QVBoxLayout

        from app.ui.shell.columns import MentionColumn, SidewaysRow, StreamColumns

        mention_parts: list[tuple[QWidget, int]] = [(self.detail, 1)]
        if parts.composer is not None:
            mention_parts.append((parts.composer, 1))  # the reply shares the column
        if parts.handoffs is not None:
            mention_parts.append((parts.handoffs, 0))
        self.columns = StreamColumns(self.view, MentionColumn(mention_parts))

        central = QWidget()
        layout = self._central_layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 4)  # half a screen: list, filter bar and a dock fit
        for banner in parts.banners:
            layout.addWidget(banner)
        layout.addWidget(SidewaysRow(self.stream.filter_bar, "filterRow"))
        layout.addWidget(self.offline_banner)
        layout.addWidget(self.notice_banner)
        layout.addWidget(self.columns, 1)
        self.setCentralWidget(central)

    def _dock(self, part: DockPart) -> QDockWidget:
        from PySide6.QtWidgets import QDockWidget

        from app.ui.shell.columns import scrolling

        dock = QDockWidget(part.action.text, self)
        dock.setObjectName(f"dock-{part.name}")
        dock.setWidget(scrolling(part.widget, f"dock-{part.name}-scroll"))
        dock.setAccessibleName(part.action.text)
        return dock

    def _add_docks(self, added: Iterable[QDockWidget]) -> None:
        docks = list(added)
        for dock in docks:
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        for first, second in itertools.pairwise(docks):
            self.tabifyDockWidget(first, second)
        if docks:
            self.resizeDocks([docks[0]], [330], Qt.Orientation.Horizontal)
        for dock in docks:
            dock.hide()

    def _build_status_bar(self) -> None:
        self.connection_label = QLabel(connection_words(ConnectionState.CONNECTING))
        self.connection_label.setAccessibleName("Connection")
        # Moves while the console starts or connects: the window is there before the server.
        self.connection_busy = QProgressBar()
        self.connection_busy.setObjectName("connectionBusy")
        self.connection_busy.setRange(0, 0)
        self.connection_busy.setTextVisible(False)
        self.connection_busy.setFixedWidth(64)
        self.connection_busy.setMaximumHeight(12)
        self.connection_busy.setAccessibleName("Connecting")
        self.duty_label = QLabel("Duty: unknown")
        self.duty_label.setTextFormat(Qt.TextFormat.PlainText)  # the user's name, as written
        self.duty_label.setAccessibleName("Duty")
        self.outbox_label = QLabel(outbox_words([]))
        self.outbox_label.setAccessibleName("Outbox")
        self.urgent_label = QLabel("")
        self.urgent_label.setAccessibleName("Urgent unassigned mentions")
        self._paint_urgent_label()
        status = self.statusBar()
        status.addPermanentWidget(self.urgent_label)
        status.addPermanentWidget(self.outbox_label)
        status.addPermanentWidget(self.duty_label)
        status.addPermanentWidget(self.connection_busy)
        status.addPermanentWidget(self.connection_label)

    def _paint_urgent_label(self) -> None:
        style = f"color: {theme.name(Role.URGENT_TEXT)}; font-weight: bold;"
        if style != self.urgent_label.styleSheet():  # a new style sheet changes the palette
            self.urgent_label.setStyleSheet(style)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._paint_urgent_label()  # light or dark: the role's other column

    def _build_menus(
        self, sections: Mapping[Section, Sequence[QAction | None]]
    ) -> dict[Menu, QMenu]:
        from app.ui.shell.actions import MENUS

        menus: dict[Menu, QMenu] = {}
        bar = self.menuBar()
        for spec in MENUS:
            menu = bar.addMenu(spec.title)
            entries: list[QAction | None] = []
            for item in spec.items:
                entries.extend(self._entries(item, sections))
            _fill(menu, entries)
            menus[spec.menu] = menu
        return menus

    def _entries(
        self, item: MenuItem, sections: Mapping[Section, Sequence[QAction | None]]
    ) -> Sequence[QAction | None]:
        if item is None:
            return [None]
        from app.ui.shell.actions import Section

        if isinstance(item, Section):
            return sections.get(item, ())
        action = self._actions.get(item)
        return [action] if action is not None else []

    def action(self, action: Action) -> QAction:
        """The QAction of a row of the actions table."""
        return self._actions[action]

    def has_action(self, action: Action) -> bool:
        return action in self._actions

    def menu(self, menu: Menu) -> QMenu:
        return self.menus[menu]

    def dock(self, action: Action) -> QDockWidget:
        """The dock whose show/hide entry is `action`."""
        return self.docks[action]

    # --- the stream ----------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.furnished:
            self.stream.update_shown()

    # The stream's own calls, offered here for scripts and tests that drive the window.

    def set_filter_mode(self, mode: FilterMode) -> None:
        self.stream.set_filter_mode(mode)

    def select_mention(self, mention_id: int) -> bool:
        return self.stream.select_mention(mention_id)

    def selected_row(self) -> MentionRow | None:
        return self.stream.selected_row()

    async def detail_loaded(self) -> None:
        await self.stream.detail_loaded()

    def show_context_menu(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        if not index.isValid():
            return
        if not self.view.selectionModel().isRowSelected(index.row()):
            self.view.selectRow(index.row())  # a selected row keeps the others selected too
        from PySide6.QtWidgets import QMenu

        from app.ui.shell.actions import CONTEXT_MENU

        menu = QMenu(self)
        for action in CONTEXT_MENU:
            menu.addAction(self._actions[action])
        menu.popup(self.view.viewport().mapToGlobal(point))

    def open_mention(self, mention_id: int) -> bool:
        """Show the window and select a mention (switching to All when the filter hides it)."""
        self.showNormal()
        return self.stream.open_mention(mention_id)

    # --- connection, duty, outbox, urgent count ------------------------------------------

    def show_progress(self, text: str) -> None:
        """A start-up step under way (solo: "Starting your private server…") where the
        connection is said, until `show_connection` says how the connection is."""
        self.connection_label.setText(text)
        self.connection_label.setToolTip("")
        self.connection_busy.show()

    def show_connection(self, state_value: str, detail: str) -> None:
        state = ConnectionState(state_value)
        self.connection_label.setText(connection_words(state))
        self.connection_label.setToolTip(detail)
        self.connection_busy.setVisible(state is ConnectionState.CONNECTING)
        if state is ConnectionState.OFFLINE:
            self.offline_banner.say(OFFLINE_TEXT)
        elif state is ConnectionState.UNAUTHORIZED:
            self.offline_banner.say(f"The server refused your token. {detail}")
        elif state is ConnectionState.ONLINE:
            self.offline_banner.hide()

    def show_viewer(self, viewer: Viewer) -> None:
        """My name and duty in the status bar, and my duty checked in the Duty menu."""
        if viewer.user is None:
            return
        from app.ui.shell.actions import DUTY_ACTIONS

        duty = viewer.user.duty
        word = next(action.text for action, value in DUTY_ACTIONS.items() if value is duty)
        self.duty_label.setText(f"{viewer.user.name}: {word}")
        self.notifier.set_duty(duty)
        for action, value in DUTY_ACTIONS.items():
            self.action(action).setChecked(value is duty)

    def show_outbox(self, entries: list[OutboxEntry]) -> None:
        self.outbox_label.setText(outbox_words(entries))

    def show_urgent_count(self, count: int) -> None:
        """Unassigned urgent mentions: the tray badge, the status bar and the title."""
        self.notifier.set_count(count)
        self.urgent_label.setText(f"⚠ {count} urgent unassigned" if count else "")
        self.setWindowTitle(self._title(count))

    def _title(self, count: int) -> str:
        base = APP_TITLE + (f" — {self._subtitle}" if self._subtitle else "")
        return f"({count}) {base}" if count else base

    # --- notices -------------------------------------------------------------------------

    def show_status(self, text: str, ms: int) -> None:
        self.statusBar().showMessage(text, ms)

    def show_notice(self, text: str) -> None:
        self._notices.append(text)
        shown = self._notices[-3:]
        more = len(self._notices) - len(shown)
        suffix = f"\n(+{more} earlier)" if more else ""
        self.notice_banner.say("\n".join(shown) + suffix)

    def clear_notices(self) -> None:
        self._notices.clear()
        self.notice_banner.hide()

    # --- the window ----------------------------------------------------------------------

    def ask_attention(self) -> None:
        QApplication.alert(self)

    def bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def show_shortcuts(self) -> ShortcutsDialog:
        from app.ui.shell.shortcuts_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self, with_composer=self.composer is not None)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def quit(self) -> None:
        """Really quit (menu, shortcut, tray), even where closing the window hides it."""
        self._quitting = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._quitting and self.close_to_tray is not None and self.close_to_tray():
            event.ignore()
            self.hide()
            return
        self.closed.emit()
        event.accept()


def _show_unless_hidden(widget: QWidget) -> None:
    """A part added to the shown window shows now, as in a window shown after it was built;
    one its owner hid (a banner with nothing to say) stays hidden."""
    explicitly_hidden = widget.testAttribute(
        Qt.WidgetAttribute.WA_WState_ExplicitShowHide
    ) and widget.testAttribute(Qt.WidgetAttribute.WA_WState_Hidden)
    if not explicitly_hidden and widget.window().isVisible():
        widget.show()


def _fill(menu: QMenu, entries: Sequence[QAction | None]) -> None:
    """Add entries in order, with a separator only between two runs of actions."""
    pending_separator = False
    for entry in entries:
        if entry is None:
            pending_separator = bool(menu.actions())
            continue
        if pending_separator:
            menu.addSeparator()
            pending_separator = False
        menu.addAction(entry)
