"""The shell's composition: adds a console's parts (the composer panel, the team features'
panels, banners and docks, the tray's duty remote) to its window — one already on the screen
(window.py), or built here — then builds the feature desks that act over the window, and
wires it all in one place (wiring.py). The desktop entry point and the UI tests build their
consoles here."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from app.client.customers.book import CustomerBook
from app.client.customers.views import SavedViewBook
from app.client.stream.session import ConsoleSession
from app.client.team.desk import TeamDesk
from app.common.tasks import TaskKeeper
from app.ui.approvals.desk import ApprovalDesk
from app.ui.approvals.remote import ApprovalRemote
from app.ui.broadcasts.acks_view import BroadcastAcksView
from app.ui.broadcasts.banner import BroadcastBanner
from app.ui.broadcasts.desk import BroadcastDesk
from app.ui.composer.bridge import ComposerBridge
from app.ui.composer.panel import ComposerPanel
from app.ui.customers.desk import CustomerDesk
from app.ui.customers.panel import CustomerPanel
from app.ui.customers.tag_lists import TagListsMenu
from app.ui.handoffs.desk import HandoffDesk
from app.ui.handoffs.panel import HandoffPanel
from app.ui.manager.reply_library_menu import ReplyLibraryMenu
from app.ui.manager.routing_menu import RoutingMenu
from app.ui.manager.team_admin_dialog import TeamAdminMenu
from app.ui.manager.tools import ManagerTools
from app.ui.qt.banner import Banner
from app.ui.qt.notices import Notices
from app.ui.qt.theme import Role
from app.ui.shell.actions import Action, Section
from app.ui.shell.main_window import DockPart, MainWindow, WindowParts
from app.ui.shell.notifier import UrgentNotifier
from app.ui.shell.selection_actions import SelectionActions
from app.ui.shell.session_bridge import SessionBridge
from app.ui.shell.session_commands import SessionCommands
from app.ui.shell.window import build_window
from app.ui.shell.wiring import connect_signals
from app.ui.storms.banner import StormBanner
from app.ui.storms.desk import StormDesk
from app.ui.storms.view import StormView
from app.ui.stream.mention_actions import MentionActions
from app.ui.stream.saved_views import SavedViewsDesk
from app.ui.stream.stream import MentionStream
from app.ui.team.bridge import TeamBridge
from app.ui.team.duty import DutyDesk
from app.ui.team.followups import FollowupDesk
from app.ui.team.followups_view import FollowupsView
from app.ui.team.page_banner import PageBanner
from app.ui.team.page_remote import PageRemote
from app.ui.team.paging import PagingDesk
from app.ui.team.roster_view import RosterView
from app.ui.team.tray import DutyRemote
from app.ui.together.bridge import TogetherBridge
from app.ui.together.desk import TogetherDesk
from app.ui.together.notes_panel import NotesPanel


class TeamPanels:
    """The team features' widgets, built before the window that shows them (the docks'
    contents included: the window frames them)."""

    def __init__(self, desk: TeamDesk, session: ConsoleSession, notifier: UrgentNotifier) -> None:
        self.broadcast_banner = BroadcastBanner()
        self.coverage_banner = Banner(
            "coverage", Role.COVERAGE_BANNER, Role.COVERAGE_BANNER_TEXT, "Dismiss"
        )
        self.coverage_banner.setAccessibleDescription("Coverage alert: nobody suitable on duty")
        self.handoff_panel = HandoffPanel(desk.handoffs, session.row)
        self.roster_view = RosterView()
        self.followups_view = FollowupsView()
        self.acks_view = BroadcastAcksView()
        self.storm_banner = StormBanner()
        self.remote = DutyRemote(notifier.menu, lambda: notifier.count, notifier)
        self.page_banner = PageBanner()
        self.page_remote = PageRemote(notifier.menu, notifier)  # first in the tray's menu
        self.approval_remote = ApprovalRemote(notifier.menu, notifier)  # before the page

    def docks(self) -> tuple[DockPart, ...]:
        return (
            DockPart(Action.ROSTER_DOCK, "roster", self.roster_view),
            DockPart(Action.FOLLOWUPS_DOCK, "followups", self.followups_view),
            DockPart(Action.ACKS_DOCK, "broadcasts", self.acks_view),
        )


class TeamUi:
    """The team features of one console: their panels (in the window) and the desks that carry
    out what they ask — duty and coverage, follow-ups, handoffs, broadcasts, manager tools."""

    def __init__(
        self,
        bridge: TeamBridge,
        panels: TeamPanels,
        *,
        session: ConsoleSession,
        window: MainWindow,
        notices: Notices,
    ) -> None:
        self.panels = panels
        self.remote = panels.remote
        self.broadcast_banner = panels.broadcast_banner
        self.coverage_banner = panels.coverage_banner
        self.handoff_panel = panels.handoff_panel
        self.roster_view = panels.roster_view
        self.followups_view = panels.followups_view
        self.acks_view = panels.acks_view
        self.storm_banner = panels.storm_banner
        self.page_banner = panels.page_banner
        self.page_remote = panels.page_remote
        self.roster_dock = window.dock(Action.ROSTER_DOCK)
        self.followups_dock = window.dock(Action.FOLLOWUPS_DOCK)
        self.acks_dock = window.dock(Action.ACKS_DOCK)
        self.bridge = bridge
        self.desk: TeamDesk = bridge.desk
        self.tasks = TaskKeeper("ui")
        watch = self.desk.watch
        self.duty = DutyDesk(
            watch,
            session,
            remote=self.remote,
            roster_view=self.roster_view,
            roster_dock=self.roster_dock,
            coverage_banner=self.coverage_banner,
            notices=notices,
            window=window,
            tasks=self.tasks,
        )
        self.followups = FollowupDesk(
            watch,
            view=self.followups_view,
            dock=self.followups_dock,
            notices=notices,
            tasks=self.tasks,
            parent=window,
        )
        self.handoffs = HandoffDesk(
            self.desk.handoffs,
            watch,
            session.row,
            panel=self.handoff_panel,
            notices=notices,
            window=window,
            tasks=self.tasks,
        )
        self.broadcasts = BroadcastDesk(
            self.desk.broadcasts,
            banner=self.broadcast_banner,
            acks_view=self.acks_view,
            acks_dock=self.acks_dock,
            notices=notices,
            window=window,
            tasks=self.tasks,
        )
        self.storm_view = StormView(session.row, window)
        self.storms = StormDesk(
            self.desk.storms,
            banner=self.storm_banner,
            view=self.storm_view,
            notices=notices,
            window=window,
            tasks=self.tasks,
        )
        self.paging = PagingDesk(
            self.desk.pages,
            watch,
            banner=self.page_banner,
            page_remote=self.page_remote,
            notices=notices,
            window=window,
            tasks=self.tasks,
        )
        self.approvals = ApprovalDesk(
            self.desk.approvals,
            remote=panels.approval_remote,
            notices=notices,
            window=window,
            tasks=self.tasks,
        )
        # Working on a mention together: notes under the detail's lists, who else is there.
        stream = window.stream
        self.notes_panel = NotesPanel()
        stream.detail.add_section(self.notes_panel)
        self.together_bridge = TogetherBridge(self.desk.notes, self.desk.presence, window)
        self.together = TogetherDesk(
            self.desk.notes,
            self.desk.presence,
            self.desk.reporter,
            panel=self.notes_panel,
            show_presence=stream.detail.show_presence,
            set_badges=stream.model.set_present,
            set_mentioned=stream.set_mentioned_me,
            notices=notices,
            window=window,
            tasks=self.tasks,
        )
        self.manager = ManagerTools(
            session,
            watch,
            overview_action=window.action(Action.OVERVIEW),
            notices=notices,
            window=window,
            tasks=self.tasks,
        )

    @property
    def notes_said(self) -> list[str]:
        return self.duty.notes_said

    @property
    def running(self) -> tuple[asyncio.Task[Any], ...]:
        return self.tasks.tasks

    async def aclose(self) -> None:
        await self.tasks.aclose()
        await self.desk.aclose()


@dataclass
class ConsoleUi:
    """One console's window and everything in it."""

    session: ConsoleSession
    bridge: SessionBridge
    notices: Notices
    window: MainWindow
    stream: MentionStream
    mention_actions: MentionActions
    commands: SessionCommands
    customers: CustomerDesk
    saved_views: SavedViewsDesk
    composer: ComposerPanel | None = None
    selection_actions: SelectionActions | None = None
    reply_library: ReplyLibraryMenu | None = None
    routing: RoutingMenu | None = None
    team_admin: TeamAdminMenu | None = None
    tag_lists: TagListsMenu | None = None
    team: TeamUi | None = None

    @property
    def running(self) -> tuple[asyncio.Task[Any], ...]:
        """The UI's own background work (the team's reloads are the desk's)."""
        team = self.team.running if self.team is not None else ()
        return (
            *self.mention_actions.running,
            *self.stream.running,
            *self.customers.running,
            *self.saved_views.running,
            *team,
        )

    async def cancel_actions(self) -> None:
        """Stop the ownership actions on their way and the detail loading (at quit)."""
        await self.mention_actions.aclose()
        await self.stream.aclose()
        await self.customers.aclose()
        await self.saved_views.aclose()

    async def aclose(self) -> None:
        if self.team is not None:
            await self.team.tasks.aclose()
        if self.reply_library is not None:
            await self.reply_library.aclose()
        if self.routing is not None:
            await self.routing.aclose()
        if self.team_admin is not None:
            await self.team_admin.aclose()
        if self.tag_lists is not None:
            await self.tag_lists.aclose()
        if self.team is not None:
            await self.team.desk.aclose()


def _customers(
    session: ConsoleSession, stream: MentionStream, notices: Notices, window: MainWindow
) -> CustomerDesk:
    """The detail pane's customer section (tags, the author's history, linking) and its desk."""
    panel = CustomerPanel()
    stream.detail.add_section(panel)
    return CustomerDesk(
        session,
        CustomerBook(session.api),
        panel=panel,
        notices=notices,
        window=window,
        clock=stream.model.now,
    )


def build_console(
    bridge: SessionBridge,
    *,
    subtitle: str,
    composer: ComposerBridge | None = None,
    team: TeamBridge | None = None,
    manager_menus: bool | None = None,
    window: MainWindow | None = None,
) -> ConsoleUi:
    """A console: the stream always; the composer, the team features and the manager menus
    (Replies & cool-off…, Routing & response times…, Teams…; by default with the team
    features) when given. `window`: one already on the screen (build_window, with the same
    features' actions), which the features' parts are added to."""
    session = bridge.session
    with_manager_menus = team is not None if manager_menus is None else manager_menus
    if window is None:
        window = build_window(
            subtitle=subtitle, team=team is not None, manager_menus=with_manager_menus
        )
    notices = Notices()
    stream = window.stream
    stream.load_details_with(session.mention_detail)
    composer_panel = ComposerPanel(composer) if composer is not None else None
    panels = TeamPanels(team.desk, session, window.notifier) if team is not None else None
    window.add_parts(
        WindowParts(
            stream=stream,
            notifier=window.notifier,
            actions={},
            sections=(
                {
                    Section.PAGE_REMOTE: panels.page_remote.menu_section(),
                    Section.TEAM_REMOTE: panels.remote.menu_section(),
                }
                if panels
                else {}
            ),
            composer=composer_panel,
            handoffs=panels.handoff_panel if panels else None,
            banners=(
                (
                    panels.page_banner,
                    panels.broadcast_banner,
                    panels.storm_banner,
                    panels.coverage_banner,
                )
                if panels
                else ()
            ),
            docks=panels.docks() if panels else (),
        )
    )

    # The features' bridges go with the window (the session's bridge is its caller's).
    for feature_bridge in (composer, team):
        if feature_bridge is not None:
            feature_bridge.setParent(window)
    ui = ConsoleUi(
        session=session,
        bridge=bridge,
        notices=notices,
        window=window,
        stream=stream,
        mention_actions=MentionActions(session, notices, window),
        commands=SessionCommands(session, notices, window),
        customers=_customers(session, stream, notices, window),
        saved_views=SavedViewsDesk(
            SavedViewBook(session.api), stream, notices=notices, window=window
        ),
        composer=composer_panel,
    )
    ui.selection_actions = SelectionActions(ui.mention_actions, stream, notices, window)
    if with_manager_menus:
        ui.reply_library = ReplyLibraryMenu(
            session.api,
            window.action(Action.REPLY_LIBRARY),
            window,
            after_change=composer.service.refresh if composer is not None else None,
        )
        ui.routing = RoutingMenu(session.api, window.action(Action.ROUTING), window)
        ui.team_admin = TeamAdminMenu(session.api, window.action(Action.TEAM_ADMIN), window)
        ui.tag_lists = TagListsMenu(session.api, window.action(Action.TAG_LISTS), window)
    if team is not None and panels is not None:
        ui.team = TeamUi(team, panels, session=session, window=window, notices=notices)
    connect_signals(ui)
    return ui
