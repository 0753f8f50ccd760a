"""The console's main window: filters and search over the mention stream, the selected mention,
the (placeholder) composer and handoff panels, banners for offline and conflicts, and a status
bar with connection, duty, outbox and urgent count. All wiring is in `_connect_signals`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QSplitter,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.client.connection.events import ConnectionState
from app.client.stream.rows import MentionRow
from app.client.stream.session import ActionOutcome, ActionResult, Viewer
from app.client.stream.store import OutboxEntry, OutboxStatus
from app.models.enums import Duty
from app.ui.qt.async_slots import async_slot
from app.ui.shell.notifier import UrgentNotifier, badge_icon
from app.ui.shell.session_bridge import SessionBridge
from app.ui.shell.shortcuts import SHORTCUTS, Command
from app.ui.shell.start_dialogs import ShortcutsDialog
from app.ui.stream.delegate import ROW_HEIGHT, MentionDelegate
from app.ui.stream.detail_pane import MentionDetailPane, PlaceholderPanel
from app.ui.stream.filter import (
    FILTER_TITLES,
    FilterMode,
    MentionFilterProxy,
    StreamFilter,
    StreamOrder,
)
from app.ui.stream.model import Column, MentionStreamModel

APP_TITLE = "Responder Console"

_COLUMN_WIDTHS = {
    Column.NETWORK: 66,
    Column.PRIORITY: 64,
    Column.AUTHOR: 215,
    Column.AGE: 46,
    Column.OWNER: 104,
    Column.STATUS: 92,
}

_EMPTY_TEXT = {
    FilterMode.UNASSIGNED: "Nothing waiting: every open mention has an owner.",
    FilterMode.MINE: "You have no open mentions. Claim one from Unassigned (Ctrl+1).",
    FilterMode.TEAM: "Your team has no open mentions.",
    FilterMode.HANDED_TO_ME: "Nobody has handed you a mention.",
    FilterMode.ALL: "No mentions yet. New ones appear here as they arrive.",
}

_STATE_TEXT = {
    ConnectionState.CONNECTING: "Connecting…",
    ConnectionState.ONLINE: "● Online",
    ConnectionState.OFFLINE: "○ Offline — cached stream",
    ConnectionState.UNAUTHORIZED: "Token refused",
}

_DUTY_TEXT = {Duty.ON_DUTY: "On duty", Duty.AWAY: "Away", Duty.OFF_DUTY: "Off duty"}

BANNER_STYLE = "QFrame#{name} {{ background: {bg}; border-radius: 4px; }} QLabel {{ color: {fg}; }}"


class Banner(QFrame):
    """A coloured strip with a message and one button; hidden when there is nothing to say."""

    def __init__(self, name: str, bg: str, fg: str, button_text: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setStyleSheet(BANNER_STYLE.format(name=name, bg=bg, fg=fg))
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.button = QPushButton(button_text)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()

    def say(self, text: str) -> None:
        self.label.setText(text)
        self.setAccessibleName(text)
        self.show()


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(self, bridge: SessionBridge, *, subtitle: str = "") -> None:
        super().__init__()
        self.bridge = bridge
        self.session = bridge.session
        self._subtitle = subtitle
        self._viewer = Viewer(None, frozenset(), frozenset())
        self._detail_task: asyncio.Task[None] | None = None
        self._notices: list[str] = []
        self._running_actions: set[asyncio.Task[Any]] = set()
        self.stream_loaded = asyncio.get_event_loop().create_future()
        self.setWindowTitle(self._title(0))
        self.setWindowIcon(badge_icon(0))
        self.resize(1280, 780)

        # --- the stream ---
        self.model = MentionStreamModel(self)
        self.proxy = MentionFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(MentionDelegate(self.view))
        self.view.setAccessibleName("Mention stream")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.setTabKeyNavigation(False)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        vertical = self.view.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        for column, width in _COLUMN_WIDTHS.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(Column.TEXT, QHeaderView.ResizeMode.Stretch)

        self.filter_tabs = QTabBar()
        self.filter_tabs.setAccessibleName("Stream filter")
        self.filter_tabs.setExpanding(False)
        self._modes = list(FilterMode)
        for mode in self._modes:
            self.filter_tabs.addTab(FILTER_TITLES[mode])
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search author or text (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search mentions")
        self.search.setMinimumWidth(280)
        self.search.setMaximumWidth(360)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self.shown_label = QLabel("")
        self.shown_label.setAccessibleName("Mentions shown")
        self.shown_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.shown_label.setMinimumWidth(
            self.shown_label.fontMetrics().horizontalAdvance("888,888 shown") + 8
        )
        # Said inside the empty stream, so an empty pane explains itself.
        self.empty_label = QLabel(self.view.viewport())
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)
        self.empty_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

        top = QHBoxLayout()
        top.addWidget(self.filter_tabs)
        top.addStretch(1)
        top.addWidget(self.shown_label)
        top.addWidget(self.search)

        self.offline_banner = Banner("offline", "#FFF4CE", "#3B2F00", "&Reconnect now")
        self.notice_banner = Banner("notice", "#FDE7E9", "#5F1119", "Dis&miss")
        self.notice_banner.setAccessibleDescription("An action that could not be applied")

        # --- the right side ---
        self.detail = MentionDetailPane()
        self.composer: QWidget = PlaceholderPanel(
            "Reply composer",
            "Writing replies (with cool-off and tone prompts) arrives with the composer issue. "
            "Drafts will be saved here as you type.",
        )
        self.handoffs = PlaceholderPanel(
            "Handoffs",
            "Handing a mention to a colleague or team arrives with the handoff issue.",
        )
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        right_layout.addWidget(self.composer)
        right_layout.addWidget(self.handoffs)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.view)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([900, 440])
        splitter.setChildrenCollapsible(False)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.addLayout(top)
        layout.addWidget(self.offline_banner)
        layout.addWidget(self.notice_banner)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

        # --- status bar ---
        self.connection_label = QLabel(_STATE_TEXT[ConnectionState.CONNECTING])
        self.connection_label.setAccessibleName("Connection")
        self.duty_label = QLabel("Duty: unknown")
        self.duty_label.setAccessibleName("Duty")
        self.outbox_label = QLabel("Outbox: empty")
        self.outbox_label.setAccessibleName("Outbox")
        self.urgent_label = QLabel("")
        self.urgent_label.setAccessibleName("Urgent unassigned mentions")
        self.urgent_label.setStyleSheet("color: #C62828; font-weight: bold;")
        status = self.statusBar()
        status.addPermanentWidget(self.urgent_label)
        status.addPermanentWidget(self.outbox_label)
        status.addPermanentWidget(self.duty_label)
        status.addPermanentWidget(self.connection_label)

        self.notifier = UrgentNotifier(self, self)
        # Set by the tray remote control (app/ui/team/tray.py) where a tray exists: closing the
        # window then hides it (the callable says whether to); Quit really quits.
        self.close_to_tray: Callable[[], bool] | None = None
        self._quitting = False
        self.actions_by_command: dict[Command, QAction] = {}
        self._build_menus()
        self._connect_signals()
        self._update_shown()

    # --- construction --------------------------------------------------------------------

    def _action(self, command: Command, text: str) -> QAction:
        action = QAction(text, self)
        keys = next(s.keys for s in SHORTCUTS if s.command is command)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.actions_by_command[command] = action
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        console = bar.addMenu("&Console")
        console.addAction(self._action(Command.RECONNECT, "&Reconnect now"))
        console.addSeparator()
        console.addAction(self._action(Command.QUIT, "&Quit"))
        mention = bar.addMenu("&Mention")
        for command, text in (
            (Command.CLAIM, "&Claim"),
            (Command.RELEASE, "Re&lease"),
            (Command.RESOLVE, "Resol&ve"),
            (Command.SNOOZE, "S&nooze for an hour"),
        ):
            mention.addAction(self._action(command, text))
        view = bar.addMenu("&View")
        for command, mode in zip(
            (
                Command.FILTER_UNASSIGNED,
                Command.FILTER_MINE,
                Command.FILTER_TEAM,
                Command.FILTER_HANDED,
                Command.FILTER_ALL,
            ),
            self._modes,
            strict=True,
        ):
            action = self._action(command, FILTER_TITLES[mode])
            action.triggered.connect(lambda _=False, m=mode: self.set_filter_mode(m))
            view.addAction(action)
        view.addSeparator()
        self.sort_priority_action = self._action(Command.SORT_PRIORITY, "Highest &priority first")
        self.sort_priority_action.setCheckable(True)
        view.addAction(self.sort_priority_action)
        view.addSeparator()
        view.addAction(self._action(Command.SEARCH, "&Search"))
        view.addAction(self._action(Command.FOCUS_STREAM, "Go to the s&tream"))
        duty = bar.addMenu("&Duty")
        self.duty_menu_actions: dict[Duty, QAction] = {}
        for value, text in _DUTY_TEXT.items():
            action = duty.addAction(text)
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, d=value: self._set_duty(d))
            self.duty_menu_actions[value] = action
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action(Command.SHORTCUTS, "&Keyboard shortcuts"))

    def _connect_signals(self) -> None:
        bridge = self.bridge
        # stream content
        bridge.rowsLoaded.connect(self._rows_loaded)
        bridge.rowsChanged.connect(self._rows_changed)
        self.proxy.modelReset.connect(self._update_shown)
        self.proxy.rowsInserted.connect(self._update_shown)
        self.proxy.rowsRemoved.connect(self._update_shown)
        self.model.modelReset.connect(self._update_shown)
        self.model.rowsInserted.connect(self._update_shown)
        # filters and search
        self.filter_tabs.currentChanged.connect(lambda i: self.set_filter_mode(self._modes[i]))
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self._search_timer.timeout.connect(self._apply_filter)
        self.sort_priority_action.toggled.connect(lambda _checked: self._apply_filter())
        self.actions_by_command[Command.SEARCH].triggered.connect(self._focus_search)
        self.actions_by_command[Command.FOCUS_STREAM].triggered.connect(self.view.setFocus)
        # selection and detail
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.proxy.modelReset.connect(self._reselect)
        # ownership actions: menu, context menu, detail buttons, shortcuts
        act = self.actions_by_command
        act[Command.CLAIM].triggered.connect(lambda: self._act_on_selected("claim"))
        act[Command.RELEASE].triggered.connect(lambda: self._act_on_selected("release"))
        act[Command.RESOLVE].triggered.connect(lambda: self._act_on_selected("resolve"))
        act[Command.SNOOZE].triggered.connect(lambda: self._act_on_selected("snooze"))
        self.detail.claimRequested.connect(lambda i: self.run_action("claim", i))
        self.detail.releaseRequested.connect(lambda i: self.run_action("release", i))
        self.detail.resolveRequested.connect(lambda i: self.run_action("resolve", i))
        self.detail.snoozeRequested.connect(lambda i: self.run_action("snooze", i))
        self.view.customContextMenuRequested.connect(self._context_menu)
        # connection, duty, outbox, notices
        bridge.connectionChanged.connect(self._connection_changed)
        bridge.viewerChanged.connect(self._viewer_changed)
        bridge.outboxChanged.connect(self._outbox_changed)
        bridge.notice.connect(self.show_notice)
        self.offline_banner.button.clicked.connect(self.session.reconnect_now)
        act[Command.RECONNECT].triggered.connect(self.session.reconnect_now)
        self.notice_banner.button.clicked.connect(self._dismiss_notices)
        # notifications and the tray
        bridge.urgentMention.connect(self._urgent_mention)
        self.notifier.dutyRequested.connect(lambda d: self._set_duty(Duty(d)))
        self.notifier.showRequested.connect(self._bring_to_front)
        self.notifier.quitRequested.connect(self.quit)
        # window
        act[Command.SHORTCUTS].triggered.connect(self.show_shortcuts)
        act[Command.QUIT].triggered.connect(self.quit)

    # --- stream --------------------------------------------------------------------------

    def _rows_loaded(self, rows: list[MentionRow]) -> None:
        self.model.load(rows)
        self._update_badge()
        if rows and not self.stream_loaded.done():
            self.stream_loaded.set_result(len(rows))

    def _rows_changed(self, rows: list[MentionRow]) -> None:
        self.model.enqueue(rows)
        self._update_badge()
        selected = self.detail.mention_id
        if selected is not None:
            for row in rows:
                if row.id == selected:
                    self.detail.show_row(row, self._viewer.user_id)
        if not self.stream_loaded.done():
            self.stream_loaded.set_result(len(rows))

    def _update_shown(self, *_: Any) -> None:
        shown = self.proxy.rowCount()
        self.shown_label.setText(f"{shown:,} shown")
        if shown:
            self.empty_label.hide()
            return
        mode = self._modes[self.filter_tabs.currentIndex()]
        text = _EMPTY_TEXT[mode] if self.model.rowCount() else _EMPTY_TEXT[FilterMode.ALL]
        if self.search.text().strip():
            text = "No mention matches the search."
        self.empty_label.setText(text)
        self.empty_label.setGeometry(self.view.viewport().rect().adjusted(20, 20, -20, -20))
        self.empty_label.show()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_shown()

    def set_filter_mode(self, mode: FilterMode) -> None:
        index = self._modes.index(mode)
        if self.filter_tabs.currentIndex() != index:
            self.filter_tabs.setCurrentIndex(index)  # re-enters through currentChanged
            return
        self._apply_filter()

    def _apply_filter(self) -> None:
        self._set_proxy_filter()
        self._update_shown()

    def _set_proxy_filter(self) -> None:
        self.proxy.set_filter(
            StreamFilter(
                mode=self._modes[self.filter_tabs.currentIndex()],
                search=self.search.text().strip(),
                user_id=self._viewer.user_id,
                team_member_ids=self._viewer.team_member_ids,
                handed_to_me=self._viewer.handed_to_me,
                order=(
                    StreamOrder.PRIORITY
                    if self.sort_priority_action.isChecked()
                    else StreamOrder.NEWEST
                ),
            )
        )

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def selected_row(self) -> MentionRow | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isRowSelected(index.row()):
            return None
        return self.proxy.row_at(index.row())

    def select_mention(self, mention_id: int) -> bool:
        proxy_row = self.proxy.proxy_row_of_mention(mention_id)
        if proxy_row is None:
            return False
        self.view.selectRow(proxy_row)
        self.view.scrollTo(self.proxy.index(proxy_row, 0))
        return True

    def _reselect(self) -> None:
        """After a filter change, select the shown mention again if the list still has it.
        If not (e.g. just claimed from "Unassigned"), the detail keeps it: the rep is about
        to answer it."""
        selected = self.detail.mention_id
        if selected is not None:
            self.select_mention(selected)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        row = self.selected_row()
        if row is None:
            return
        if row.id == self.detail.mention_id:
            self.detail.show_row(row, self._viewer.user_id)
            return
        self.detail.show_row(row, self._viewer.user_id)
        if self._detail_task is not None:
            self._detail_task.cancel()
        self._detail_task = asyncio.ensure_future(self._load_detail(row.id))

    async def _load_detail(self, mention_id: int) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            detail = await self.session.mention_detail(mention_id)
            if self.detail.mention_id == mention_id:
                self.detail.show_detail(detail)

    async def detail_loaded(self) -> None:
        """Wait for the selected mention's thread and history (for screenshots and tests)."""
        if self._detail_task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._detail_task

    # --- actions -------------------------------------------------------------------------

    def _context_menu(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        if not index.isValid():
            return
        self.view.selectRow(index.row())
        menu = QMenu(self)
        for command in (Command.CLAIM, Command.RELEASE, Command.RESOLVE, Command.SNOOZE):
            menu.addAction(self.actions_by_command[command])
        menu.popup(self.view.viewport().mapToGlobal(point))

    def _act_on_selected(self, action: str) -> None:
        row = self.selected_row()
        if row is None:
            self.statusBar().showMessage("Select a mention first.", 4000)
            return
        self.run_action(action, row.id)

    def run_action(self, action: str, mention_id: int) -> asyncio.Task[Any]:
        """Start claim / release / resolve / snooze; the returned task ends with its outcome."""
        calls: dict[str, Callable[[int], Any]] = {
            "claim": self.session.claim,
            "release": self.session.release,
            "resolve": self.session.resolve,
            "snooze": self.session.snooze,
        }
        task = asyncio.ensure_future(self._report(calls[action](mention_id)))
        self._keep(task)
        return task

    @property
    def running_actions(self) -> tuple[asyncio.Task[Any], ...]:
        """Ownership actions still on their way to the server (tests and shutdown wait on them)."""
        return tuple(self._running_actions)

    def _keep(self, task: asyncio.Task[Any]) -> None:
        self._running_actions.add(task)
        task.add_done_callback(self._running_actions.discard)

    async def cancel_actions(self) -> None:
        tasks = [*self._running_actions]
        if self._detail_task is not None:
            tasks.append(self._detail_task)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _report(self, pending: Any) -> ActionOutcome | None:
        try:
            outcome: ActionOutcome = await pending
        except asyncio.CancelledError:
            return None
        if outcome.result in (ActionResult.CONFLICT, ActionResult.FAILED):
            self.show_notice(outcome.message)
        else:
            self.statusBar().showMessage(outcome.message, 6000)
        return outcome

    @async_slot
    async def _set_duty(self, duty: Duty) -> None:
        outcome = await self.session.set_duty(duty)
        self.statusBar().showMessage(outcome.message, 6000)
        if outcome.result is not ActionResult.DONE:
            self.show_notice(outcome.message)

    # --- connection, duty, outbox, notices -----------------------------------------------

    def _connection_changed(self, state_value: str, detail: str) -> None:
        state = ConnectionState(state_value)
        self.connection_label.setText(_STATE_TEXT[state])
        self.connection_label.setToolTip(detail)
        if state is ConnectionState.OFFLINE:
            self.offline_banner.say(
                "You are offline. The stream shows cached mentions; you can read, search and "
                "queue claims — they are sent in order when the server answers again."
            )
        elif state is ConnectionState.UNAUTHORIZED:
            self.offline_banner.say(f"The server refused your token. {detail}")
        elif state is ConnectionState.ONLINE:
            self.offline_banner.hide()

    def _viewer_changed(self, viewer: Viewer) -> None:
        self._viewer = viewer
        if viewer.user is not None:
            duty = viewer.user.duty
            self.duty_label.setText(f"{viewer.user.name}: {_DUTY_TEXT[duty]}")
            self.notifier.set_duty(duty)
            for value, action in self.duty_menu_actions.items():
                action.setChecked(value is duty)
        self._apply_filter()

    def _outbox_changed(self, entries: list[OutboxEntry]) -> None:
        waiting = sum(1 for e in entries if e.status is OutboxStatus.PENDING)
        attention = len(entries) - waiting
        if not entries:
            self.outbox_label.setText("Outbox: empty")
        else:
            parts = [f"{waiting} waiting"] if waiting else []
            if attention:
                parts.append(f"{attention} need you")
            self.outbox_label.setText("Outbox: " + ", ".join(parts))

    def show_notice(self, text: str) -> None:
        self._notices.append(text)
        shown = self._notices[-3:]
        more = len(self._notices) - len(shown)
        suffix = f"\n(+{more} earlier)" if more else ""
        self.notice_banner.say("\n".join(shown) + suffix)

    @async_slot
    async def _dismiss_notices(self) -> None:
        self._notices.clear()
        self.notice_banner.hide()
        for entry in list(self.session.outbox_entries):
            if entry.status is not OutboxStatus.PENDING:
                await self.session.dismiss(entry.seq)

    # --- notifications -------------------------------------------------------------------

    def _urgent_mention(self, row: MentionRow) -> None:
        self.notifier.alert(row)

    def _update_badge(self) -> None:
        count = self.session.unassigned_urgent_count()
        self.notifier.set_count(count)
        self.urgent_label.setText(f"⚠ {count} urgent unassigned" if count else "")
        self.setWindowTitle(self._title(count))

    def _title(self, count: int) -> str:
        base = APP_TITLE + (f" — {self._subtitle}" if self._subtitle else "")
        return f"({count}) {base}" if count else base

    def _bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    # --- the reply composer (app/ui/composer/panel.py installs it) -----------------------------

    def replace_composer(self, composer: QWidget) -> None:
        """Put the reply composer where its placeholder is."""
        parent = self.composer.parentWidget()
        layout = parent.layout() if parent is not None else None
        if layout is not None:
            layout.replaceWidget(self.composer, composer)
        self.composer.hide()
        self.composer.deleteLater()
        self.composer = composer

    # --- dialogs and closing -------------------------------------------------------------

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self)
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

    def current_index(self) -> QModelIndex:
        return self.view.currentIndex()
