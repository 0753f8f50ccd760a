"""Installs the team features into the main window and wires them, all in `_connect_signals`:
the tray remote control (and its Duty-menu twin), the broadcast banner and dialogs, the
coverage-gap banner, the handoff panel, and the roster, follow-ups and acknowledgement docks.

User actions are coroutines here (`set_duty_of`, `send_broadcast`, `acknowledge`, `hand_off`,
`accept`, `decline`, `complete_followup`); the slots only ask (a dialog) and then call them, so
tests drive the same code paths the buttons do."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDockWidget, QMenu, QVBoxLayout, QWidget

from app.client.connection.api import ApiError
from app.client.manager.overview import load_overview
from app.client.stream.session import ActionOutcome, ActionResult, Viewer
from app.client.team.desk import TeamDesk
from app.client.team.watch import CoverageAlert
from app.common.tasks import TaskKeeper
from app.models.enums import Duty, Severity
from app.models.schemas import (
    BroadcastPublic,
    CoveragePublic,
    FollowupPublic,
    HandoffPublic,
    RosterPublic,
    RotaUpdate,
    UserRef,
)
from app.ui.broadcasts.acks_view import BroadcastAcksView
from app.ui.broadcasts.banner import SEVERITY_LOOK, BroadcastBanner
from app.ui.broadcasts.dialog import BroadcastDialog
from app.ui.handoffs.dialogs import DeclineDialog, HandoffChoice, HandoffDialog
from app.ui.handoffs.panel import HandoffPanel, target_name
from app.ui.manager.overview import OverviewDialog
from app.ui.manager.reply_library_dialog import install_reply_library
from app.ui.manager.rota_dialog import RotaDialog
from app.ui.manager.team_admin_dialog import install_team_admin
from app.ui.qt.async_slots import async_slot, run_blocking_dialog
from app.ui.shell.main_window import Banner, MainWindow
from app.ui.stream.filter import FilterMode
from app.ui.team.bridge import TeamBridge
from app.ui.team.followups_view import FollowupsView
from app.ui.team.roster_view import RosterView
from app.ui.team.tray import NO_TRAY_NOTE, DutyRemote, close_to_tray_policy, tray_available


def _find_menu(window: MainWindow, title: str) -> QMenu | None:
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title and action.menu() is not None:
            menu = action.menu()
            return menu if isinstance(menu, QMenu) else None
    return None


class TeamConsole(QObject):
    """The team features of one main window."""

    def __init__(self, window: MainWindow, bridge: TeamBridge) -> None:
        super().__init__(window)
        self.window = window
        self.bridge = bridge
        self.desk: TeamDesk = bridge.desk
        self.viewer: Viewer = window.session.viewer
        self.notes_said: list[str] = []
        self._tasks = TaskKeeper("ui")
        self._due_count = 0

        # --- banners at the top of the window ---
        self.broadcast_banner = BroadcastBanner()
        self.coverage_banner = Banner("coverage", "#7F0000", "#FFFFFF", "Dis&miss")
        self.coverage_banner.setAccessibleDescription("Coverage alert: nobody suitable on duty")
        central = window.centralWidget()
        layout = central.layout() if central is not None else None
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(0, self.broadcast_banner)
            layout.insertWidget(1, self.coverage_banner)

        # --- the handoff panel where the placeholder was ---
        self.handoff_panel = HandoffPanel(self.desk.handoffs)
        self.handoff_panel.mention_label = self._short_label
        old = window.handoffs
        parent = old.parentWidget()
        parent_layout = parent.layout() if parent is not None else None
        if parent_layout is not None:
            parent_layout.replaceWidget(old, self.handoff_panel)
        old.hide()
        old.deleteLater()
        window.handoffs = self.handoff_panel  # type: ignore[assignment]

        # --- docks: roster, follow-ups, acknowledgements ---
        self.roster_view = RosterView()
        self.followups_view = FollowupsView()
        self.acks_view = BroadcastAcksView()
        self.roster_dock = self._dock("Roster", "roster", self.roster_view)
        self.followups_dock = self._dock("Follow-ups", "followups", self.followups_view)
        self.acks_dock = self._dock("Broadcasts", "broadcasts", self.acks_view)
        window.tabifyDockWidget(self.roster_dock, self.followups_dock)
        window.tabifyDockWidget(self.followups_dock, self.acks_dock)
        window.resizeDocks([self.roster_dock], [330], Qt.Orientation.Horizontal)
        for dock in (self.roster_dock, self.followups_dock, self.acks_dock):
            dock.hide()
        self.overview_action = QAction("Manager &overview…", self)
        self.overview_dialog: OverviewDialog | None = None
        view_menu = _find_menu(window, "View")
        if view_menu is not None:
            view_menu.addSeparator()
            for dock in (self.roster_dock, self.followups_dock, self.acks_dock):
                view_menu.addAction(dock.toggleViewAction())
            view_menu.addAction(self.overview_action)
        self.reply_library = install_reply_library(window)  # Console ▸ Replies & cool-off…
        self.team_admin = install_team_admin(window)  # Console ▸ Teams… (admins)

        # --- the tray remote control and its twin in the Duty menu ---
        self.duty_menu = _find_menu(window, "Duty")
        self.remote = DutyRemote(window.notifier, self.duty_menu)
        self.has_tray = tray_available() and window.notifier.tray is not None
        if self.has_tray:
            window.close_to_tray = close_to_tray_policy(window.notifier, self._tray_note)
        else:
            self._keep(self._say_once("no_tray", NO_TRAY_NOTE))

        self._connect_signals()
        self._viewer_changed(window.session.viewer)

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self.window)
        dock.setObjectName(f"dock-{name}")
        dock.setWidget(widget)
        dock.setAccessibleName(title)
        self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        return dock

    def _connect_signals(self) -> None:
        team, window, remote = self.bridge, self.window, self.remote
        # who I am, my duty
        window.bridge.viewerChanged.connect(self._viewer_changed)
        window.bridge.rowsChanged.connect(lambda _rows: remote.refresh())
        # tray remote control (and the Duty menu)
        remote.dutyRequested.connect(self._duty_requested)
        remote.broadcastRequested.connect(self._compose_broadcast)
        remote.rosterRequested.connect(lambda: self._show_dock(self.roster_dock))
        remote.broadcastsRequested.connect(self._show_broadcasts)
        # coverage and roster
        team.coverageChanged.connect(self._coverage_changed)
        team.rosterChanged.connect(self._roster_changed)
        team.coverageGap.connect(self._coverage_gap)
        self.coverage_banner.button.clicked.connect(self.coverage_banner.hide)
        self.roster_view.dutyRequested.connect(self._duty_requested)
        self.roster_view.rotaRequested.connect(self._edit_rota)
        # broadcasts
        team.broadcastBanner.connect(self._banner_changed)
        team.broadcastAlert.connect(self._broadcast_alert)
        team.broadcastAcks.connect(self.acks_view.update_broadcast)
        self.broadcast_banner.acknowledgeRequested.connect(self._acknowledge_clicked)
        # handoffs
        team.handoffsChanged.connect(self.handoff_panel.show_handoffs)
        team.handoffArrived.connect(self._handoff_arrived)
        team.handoffAnswered.connect(self._handoff_answered)
        team.handoffUpdated.connect(self._handoff_updated)
        window.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.handoff_panel.handOffRequested.connect(self._hand_off_clicked)
        self.handoff_panel.acceptRequested.connect(self._accept_clicked)
        self.handoff_panel.declineRequested.connect(self._decline_clicked)
        self.handoff_panel.openRequested.connect(self.open_mention)
        self.overview_action.triggered.connect(self._overview_clicked)
        # follow-ups
        team.followupsChanged.connect(self._followups_changed)
        self.followups_view.openRequested.connect(self.open_mention)
        self.followups_view.doneRequested.connect(self._followup_done_clicked)

    # --- notes and outcomes --------------------------------------------------------------

    async def _say_once(self, key: str, note: str) -> None:
        """Say a note in the status bar the first time this console ever needs it."""
        if note in self.notes_said or not await self.window.session.first_time(key):
            return
        self.notes_said.append(note)
        self.window.statusBar().showMessage(note, 30_000)

    def _tray_note(self, note: str) -> None:
        self._keep(self._tray_note_once(note))

    async def _tray_note_once(self, note: str) -> None:
        if await self.window.session.first_time("close_to_tray"):
            self.notes_said.append(note)
            self.window.notifier.announce("Still running", note)

    def _report(self, outcome: ActionOutcome) -> ActionOutcome:
        if outcome.result is ActionResult.DONE:
            self.window.statusBar().showMessage(outcome.message, 6000)
        else:
            self.window.show_notice(outcome.message)
        return outcome

    # --- me, duty, coverage, roster ------------------------------------------------------

    def _viewer_changed(self, viewer: Viewer) -> None:
        self.viewer = viewer
        user = viewer.user
        manager = user is not None and user.role.is_manager
        self.remote.set_me(viewer.user_id, manager)
        self.roster_view.can_manage = manager
        self.acks_dock.toggleViewAction().setVisible(manager)
        self.overview_action.setVisible(manager)
        if not manager:
            self.acks_dock.hide()

    def _duty_requested(self, user_id: int, duty_value: str) -> None:
        self._keep(self.set_duty_of(user_id, Duty(duty_value)))

    async def set_duty_of(self, user_id: int, duty: Duty) -> ActionOutcome:
        return self._report(await self.desk.watch.set_duty(user_id, duty))

    def _coverage_changed(self, coverage: CoveragePublic) -> None:
        self.remote.set_coverage(coverage)
        if coverage.level != "nobody":
            self.coverage_banner.hide()

    def _roster_changed(self, roster: RosterPublic) -> None:
        self.remote.set_roster(roster)
        self.roster_view.show_roster(roster)

    def _coverage_gap(self, alert: CoverageAlert) -> None:
        """Managers hear of gaps even while off duty: that is the point of the alert."""
        self.coverage_banner.say(f"Coverage gap — {alert.sentence}")
        self.window.notifier.announce("Coverage gap", alert.sentence)

    def _show_dock(self, dock: QDockWidget) -> None:
        self.window.showNormal()
        dock.show()
        dock.raise_()

    def _show_broadcasts(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        if self.remote.is_manager:
            self._show_dock(self.acks_dock)

    # --- the rota editor (managers, from the roster's team menu) ----------------------------

    @async_slot
    async def _edit_rota(self, team_id: int) -> None:
        dialog = await self.rota_dialog(team_id)
        if dialog is None:
            return
        if await run_blocking_dialog(dialog.exec) == QDialog.DialogCode.Accepted:
            await self.save_rota(team_id, dialog.rota_update())
        dialog.deleteLater()

    async def rota_dialog(self, team_id: int) -> RotaDialog | None:
        """The editor filled with the team's rota and everyone on the roster to choose from."""
        try:
            rota = await self.window.session.api.rota(team_id)
        except ApiError as exc:
            self.window.show_notice(f"The rota could not be loaded: {exc.detail}")
            return None
        people: dict[int, UserRef] = {s.user.id: s.user for s in rota.shifts}
        roster = self.desk.watch.roster
        for team in roster.teams if roster is not None else []:
            for member in (*team.on_duty, *team.away, *team.off_duty):
                people[member.user.id] = member.user
        return RotaDialog(rota, list(people.values()), self.window)

    async def save_rota(self, team_id: int, update: RotaUpdate) -> bool:
        try:
            rota = await self.window.session.api.set_rota(team_id, update)
        except ApiError as exc:
            self.window.show_notice(f"The rota was not saved: {exc.detail}")
            return False
        self.window.statusBar().showMessage(
            f"Rota of {rota.team} saved: {len(rota.shifts)} shifts.", 6000
        )
        return True

    # --- broadcasts ----------------------------------------------------------------------

    def _banner_changed(self, owed: list[BroadcastPublic]) -> None:
        self.broadcast_banner.show_owed(owed)
        self.remote.set_unread(self.desk.broadcasts.unread_count())

    def _broadcast_alert(self, broadcast: BroadcastPublic) -> None:
        word = SEVERITY_LOOK[broadcast.severity][2]
        self.window.notifier.announce(
            f"{word} broadcast from {broadcast.author.name}", broadcast.text[:240]
        )

    @async_slot
    async def _compose_broadcast(self) -> None:
        dialog = BroadcastDialog(self.window)
        if await run_blocking_dialog(dialog.exec) == QDialog.DialogCode.Accepted:
            await self.send_broadcast(dialog.note(), dialog.severity())
        dialog.deleteLater()

    async def send_broadcast(self, text: str, severity: Severity) -> ActionOutcome:
        outcome = self._report(await self.desk.broadcasts.send(text, severity))
        if outcome.result is ActionResult.DONE:
            self._show_dock(self.acks_dock)
        return outcome

    def _acknowledge_clicked(self, broadcast_id: int) -> None:
        self._keep(self.acknowledge(broadcast_id))

    async def acknowledge(self, broadcast_id: int) -> ActionOutcome:
        outcome = self._report(await self.desk.broadcasts.acknowledge(broadcast_id))
        if outcome.result is not ActionResult.DONE:
            self.broadcast_banner.button.setEnabled(True)
        return outcome

    # --- handoffs ------------------------------------------------------------------------

    def _selection_changed(self, *_: object) -> None:
        row = self.window.selected_row()
        self.handoff_panel.set_mention(row.id if row is not None else None)

    def _short_label(self, mention_id: int) -> str:
        row = self.window.session.row(mention_id)
        return f"#{mention_id} {row.handle}" if row else f"#{mention_id}"

    def _mention_label(self, mention_id: int) -> str:
        row = self.window.session.row(mention_id)
        return f"mention #{mention_id} ({row.handle})" if row else f"mention #{mention_id}"

    def people(self) -> list[tuple[UserRef, Duty]]:
        """Everyone but me, on duty first: whom a mention can be handed to."""
        roster = self.desk.watch.roster
        seen: dict[int, tuple[UserRef, Duty]] = {}
        if roster is not None:
            for team in roster.teams:
                for member in (*team.on_duty, *team.away, *team.off_duty):
                    seen.setdefault(member.user.id, (member.user, member.duty))
        order = {Duty.ON_DUTY: 0, Duty.AWAY: 1, Duty.OFF_DUTY: 2}
        me = self.viewer.user_id
        people = [p for p in seen.values() if p[0].id != me]
        return sorted(people, key=lambda p: (order[p[1]], p[0].name.lower()))

    @async_slot
    async def _hand_off_clicked(self, mention_id: int) -> None:
        dialog = HandoffDialog(
            self._mention_label(mention_id), self.people(), self.desk.watch.team_names, self.window
        )
        if await run_blocking_dialog(dialog.exec) == QDialog.DialogCode.Accepted:
            await self.hand_off(mention_id, dialog.choice())
        dialog.deleteLater()

    async def hand_off(self, mention_id: int, choice: HandoffChoice) -> ActionOutcome:
        return self._report(
            await self.desk.handoffs.hand_off(
                mention_id, to_user_id=choice.to_user_id, to_team=choice.to_team, note=choice.note
            )
        )

    def _accept_clicked(self, handoff_id: int) -> None:
        self._keep(self.accept(handoff_id))

    async def accept(self, handoff_id: int) -> ActionOutcome:
        outcome = self._report(await self.desk.handoffs.accept(handoff_id))
        return outcome

    @async_slot
    async def _decline_clicked(self, handoff_id: int) -> None:
        handoff = self.desk.handoffs.handoffs.get(handoff_id)
        label = self._mention_label(handoff.mention_id) if handoff else "The mention"
        dialog = DeclineDialog(label[0].upper() + label[1:], self.window)
        if await run_blocking_dialog(dialog.exec) == QDialog.DialogCode.Accepted:
            await self.decline(handoff_id, dialog.value())
        dialog.deleteLater()

    async def decline(self, handoff_id: int, reason: str) -> ActionOutcome:
        return self._report(await self.desk.handoffs.decline(handoff_id, reason))

    def _handoff_arrived(self, handoff: HandoffPublic) -> None:
        if self.window.notifier.duty is Duty.OFF_DUTY:
            return
        note = " ".join(handoff.note.split())[:200] or "(no note)"
        self.window.notifier.announce(
            f"{handoff.from_user.name} handed you mention #{handoff.mention_id}", note
        )

    def _handoff_answered(self, handoff: HandoffPublic) -> None:
        who = handoff.decided_by.name if handoff.decided_by else target_name(handoff)
        if handoff.reason is not None and handoff.status.value == "declined":
            self.window.show_notice(
                f"{who} declined mention #{handoff.mention_id}: {handoff.reason} "
                "It is back with you."
            )
        else:
            self.window.statusBar().showMessage(
                f"{who} accepted mention #{handoff.mention_id}.", 8000
            )

    def _handoff_updated(self, handoff: HandoffPublic) -> None:
        if handoff.mention_id == self.window.detail.mention_id:
            self._keep(self._reload_detail(handoff.mention_id))

    async def _reload_detail(self, mention_id: int) -> None:
        detail = await self.window.session.mention_detail(mention_id)
        if self.window.detail.mention_id == mention_id:
            self.window.detail.show_detail(detail)

    def open_mention(self, mention_id: int) -> bool:
        """Select a mention in the stream (switching to All when the filter hides it)."""
        self.window.showNormal()
        if self.window.select_mention(mention_id):
            return True
        self.window.set_filter_mode(FilterMode.ALL)
        self.window.model.flush()
        return self.window.select_mention(mention_id)

    # --- the manager overview ------------------------------------------------------------

    def _overview_clicked(self) -> None:
        self._keep(self.show_overview())

    async def show_overview(self) -> OverviewDialog:
        if self.overview_dialog is None:
            self.overview_dialog = OverviewDialog(self.window)
        dialog = self.overview_dialog
        dialog.show()
        dialog.raise_()
        overview = await load_overview(
            self.window.session.api,
            self.window.session.rows(),
            self.desk.watch.roster,
            datetime.now(UTC),
        )
        dialog.show_overview(overview)
        return dialog

    # --- follow-ups ----------------------------------------------------------------------

    def _followups_changed(self, followups: list[FollowupPublic]) -> None:
        due_before = self._due_count
        self._due_count = sum(1 for f in followups if f.due)
        self.followups_view.show_followups(followups)
        if self._due_count > due_before:
            self.followups_dock.show()  # something fell due: bring the list forward

    def _followup_done_clicked(self, mention_id: int) -> None:
        self._keep(self.complete_followup(mention_id))

    async def complete_followup(self, mention_id: int) -> ActionOutcome:
        return self._report(await self.desk.watch.complete_followup(mention_id))

    # --- tasks ---------------------------------------------------------------------------

    def _keep(self, coro: Coroutine[Any, Any, object]) -> asyncio.Task[Any]:
        return self._tasks.spawn(coro)

    @property
    def running(self) -> tuple[asyncio.Task[Any], ...]:
        return self._tasks.tasks

    async def aclose(self) -> None:
        await self._tasks.aclose()
        await self.reply_library.aclose()
        await self.team_admin.aclose()
        await self.desk.aclose()


def install_team_console(window: MainWindow, bridge: TeamBridge) -> TeamConsole:
    """Put the team features into the window and wire them (call once, before showing)."""
    return TeamConsole(window, bridge)
