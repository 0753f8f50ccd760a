"""Every connection between a console's parts, in one function grouped by feature: the notice
channel, the stream and its actions, connection and duty, the tray, the window, the composer,
the manager menus, and the team features (duty and coverage, broadcasts, handoffs, manager
tools, follow-ups). Parts connect only their own insides; a reader finds here who listens to
whom. Connection order is meaningful where two parts listen to one signal (the window's counts
are current before the tray remote reads them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import SignalInstance

from app.client.stream.actions import MentionAction
from app.client.stream.narrowing import PRIORITY_FIRST
from app.client.stream.viewer import Viewer
from app.models.enums import Duty
from app.models.schemas import HandoffPublic
from app.ui.shell.actions import (
    DUTY_ACTIONS,
    FILTER_ACTIONS,
    LINK_ACTIONS,
    MANAGER_SELECTION_ACTIONS,
    MENTION_ACTIONS,
    Action,
)
from app.ui.stream.links import MentionLinks, has_link
from app.ui.team.tray import NO_TRAY_NOTE, close_to_tray_policy, tray_available

if TYPE_CHECKING:
    from app.ui.shell.build import ConsoleUi, TeamUi


def connect_signals(ui: ConsoleUi) -> None:
    window, bridge, stream, session = ui.window, ui.bridge, ui.stream, ui.session
    notifier, notices, act = window.notifier, ui.notices, window.action
    commands, mention_actions = ui.commands, ui.mention_actions

    def show_urgent_count(*_: object) -> None:
        window.show_urgent_count(session.unassigned_urgent_count())

    # --- notices: said by any feature, shown by the window and the tray
    notices.status.connect(window.show_status)
    notices.problem.connect(window.show_notice)
    notices.announcement.connect(notifier.announce)
    bridge.notice.connect(window.show_notice)

    # --- the stream: rows, who is looking, filters, search
    bridge.rowsLoaded.connect(stream.load_rows)
    bridge.rowsLoaded.connect(show_urgent_count)
    bridge.rowsChanged.connect(stream.update_rows)
    bridge.rowsChanged.connect(show_urgent_count)
    bridge.viewerChanged.connect(window.show_viewer)
    bridge.viewerChanged.connect(stream.set_viewer)
    for action, mode in FILTER_ACTIONS.items():
        act(action).triggered.connect(lambda _=False, m=mode: stream.set_filter_mode(m))
    # One order: the toggle, the header and the saved view all set the stream's sort; the
    # toggle is checked exactly while that sort is highest priority first.
    act(Action.SORT_PRIORITY).toggled.connect(stream.set_priority_first)
    stream.sortChanged.connect(
        lambda sort: act(Action.SORT_PRIORITY).setChecked(sort == PRIORITY_FIRST)
    )
    act(Action.SEARCH).triggered.connect(stream.filter_bar.focus_search)
    act(Action.FOCUS_STREAM).triggered.connect(stream.view.setFocus)

    # --- ownership actions: menu, keys, context menu, the detail's buttons
    for action, mention_action in MENTION_ACTIONS.items():
        act(action).triggered.connect(
            lambda _=False, a=mention_action: mention_actions.run_on(a, stream.action_rows())
        )
    detail = stream.detail
    requests: dict[MentionAction, SignalInstance] = {
        MentionAction.CLAIM: detail.claimRequested,
        MentionAction.RELEASE: detail.releaseRequested,
        MentionAction.RESOLVE: detail.resolveRequested,
        MentionAction.SNOOZE: detail.snoozeRequested,
    }
    for mention_action, requested in requests.items():
        requested.connect(lambda i, a=mention_action: mention_actions.run(a, i))
    stream.view.customContextMenuRequested.connect(window.show_context_menu)

    # --- tag, assign and hand off every selected mention in one request
    selection = ui.selection_actions
    if selection is not None:
        act(Action.TAG_SELECTED).triggered.connect(lambda _=False: selection.tag_requested())
        act(Action.ASSIGN_SELECTED).triggered.connect(lambda _=False: selection.assign_requested())
        act(Action.HAND_OFF_SELECTED).triggered.connect(
            lambda _=False: selection.hand_off_requested()
        )

        def offer_selection_actions(viewer: Viewer) -> None:
            selection.viewer_changed(viewer)
            for action in MANAGER_SELECTION_ACTIONS:
                act(action).setEnabled(selection.is_manager)

        bridge.viewerChanged.connect(offer_selection_actions)
        offer_selection_actions(session.viewer)

    # --- the selected mention's post: open in the browser, copy its link
    links = MentionLinks(notices, window)
    act(Action.OPEN_LINK).triggered.connect(lambda: links.open(stream.selected_row()))
    act(Action.COPY_LINK).triggered.connect(lambda: links.copy(stream.selected_row()))

    def offer_links(row: object) -> None:
        for action in LINK_ACTIONS:
            act(action).setEnabled(has_link(stream.selected_row()))

    offer_links(None)
    stream.mentionShown.connect(offer_links)

    # --- customers, tags and saved views: the detail's customer section follows the shown
    # mention, its rows and links; tags complete in the section and the filter bar; the
    # person's saved views load as tabs once we know who they are
    customers, saved_views = ui.customers, ui.saved_views
    stream.mentionShown.connect(customers.mention_shown)
    bridge.rowsChanged.connect(customers.rows_changed)
    bridge.customersLinked.connect(customers.customers_linked)
    customers.tagsOffered.connect(stream.filter_bar.offer_tags)
    stream.filter_bar.tag_box.textEdited.connect(customers.offer_once)
    bridge.viewerChanged.connect(lambda viewer: saved_views.user_known(viewer.user_id))
    bridge.viewerChanged.connect(lambda _v: customers.refresh_tags())

    # --- connection, my duty, the outbox
    bridge.connectionChanged.connect(window.show_connection)
    bridge.outboxChanged.connect(window.show_outbox)
    # --- the shown mention's conversation and history follow its replies and events
    bridge.outboxChanged.connect(stream.detail.show_outbox)
    stream.detail.decision.decided.connect(mention_actions.decide)
    bridge.mentionTouched.connect(stream.refresh_detail)
    bridge.connectionChanged.connect(lambda *_: stream.refresh_detail(detail.mention_id or 0))
    window.offline_banner.button.clicked.connect(session.reconnect_now)
    act(Action.RECONNECT).triggered.connect(session.reconnect_now)
    window.notice_banner.button.clicked.connect(window.clear_notices)
    window.notice_banner.button.clicked.connect(lambda: commands.dismiss_problems())
    for action, duty in DUTY_ACTIONS.items():
        act(action).triggered.connect(lambda _=False, d=duty: commands.set_duty(d))

    # --- urgent alerts and the tray
    bridge.urgentMention.connect(notifier.alert)
    bridge.responseMissed.connect(notifier.announce)
    notifier.dutyRequested.connect(lambda d: commands.set_duty(Duty(d)))
    notifier.showRequested.connect(window.bring_to_front)
    notifier.quitRequested.connect(window.quit)
    notifier.attention.connect(window.ask_attention)
    notifier.messageClicked.connect(window.bring_to_front)  # with the banner it announced

    # --- the window
    act(Action.SHORTCUTS).triggered.connect(window.show_shortcuts)
    act(Action.QUIT).triggered.connect(window.quit)

    # --- the composer: follows the shown mention (the detail pane's), its updates and who I am
    composer = ui.composer
    if composer is not None:
        stream.mentionShown.connect(composer.show_mention)
        bridge.rowsChanged.connect(composer.rows_changed)
        bridge.viewerChanged.connect(composer.viewer_changed)
        composer.viewer_changed(session.viewer)
        # Every Resolve (keys, menu, detail) checks back as the composer's Resolve would.
        mention_actions.check_back = composer.send_bar.follow_up

        def go_to_reply_editor() -> None:
            composer.editor.setFocus()
            window.columns.mention_column.reveal(composer.editor)

        act(Action.FOCUS_REPLY).triggered.connect(go_to_reply_editor)
    else:
        act(Action.FOCUS_REPLY).setEnabled(False)

    # --- the manager menus: Replies & cool-off…, Routing & response times… (managers),
    # Teams… (admins)
    reply_library, team_admin = ui.reply_library, ui.team_admin
    if reply_library is not None:
        act(Action.REPLY_LIBRARY).triggered.connect(reply_library.open)
        bridge.viewerChanged.connect(reply_library.viewer_changed)
        reply_library.viewer_changed(session.viewer)
    tag_lists = ui.tag_lists
    if tag_lists is not None:
        act(Action.TAG_LISTS).triggered.connect(lambda _=False: tag_lists.open())
        bridge.viewerChanged.connect(tag_lists.viewer_changed)
        tag_lists.viewer_changed(session.viewer)
    routing = ui.routing
    if routing is not None:
        act(Action.ROUTING).triggered.connect(lambda _=False: routing.open())
        bridge.viewerChanged.connect(routing.viewer_changed)
        routing.viewer_changed(session.viewer)
    if team_admin is not None:
        act(Action.TEAM_ADMIN).triggered.connect(lambda _=False: team_admin.open())
        bridge.viewerChanged.connect(team_admin.viewer_changed)
        team_admin.viewer_changed(session.viewer)

    if ui.team is not None:
        _connect_team(ui, ui.team)


def _connect_team(ui: ConsoleUi, team: TeamUi) -> None:
    window, bridge, stream, session = ui.window, ui.bridge, ui.stream, ui.session
    notifier, signals, remote = window.notifier, team.bridge, team.remote
    duty, broadcasts, handoffs = team.duty, team.broadcasts, team.handoffs

    # --- who I am
    for listener in (duty, handoffs, broadcasts, team.manager, team.paging):
        bridge.viewerChanged.connect(listener.viewer_changed)
    bridge.rowsChanged.connect(lambda _rows: remote.refresh())  # after the urgent count

    # --- the tray remote control (its twin is the Duty menu's section)
    notifier.icon_for = remote.icon_for
    notifier.tooltip_for = remote.tooltip
    remote.changed.connect(notifier.refresh_tray)
    notifier.refresh_tray()
    remote.dutyRequested.connect(duty.duty_requested)
    remote.broadcastRequested.connect(broadcasts.compose)
    remote.rosterRequested.connect(duty.show_roster)
    remote.broadcastsRequested.connect(broadcasts.show_broadcasts)
    if tray_available() and notifier.tray is not None:
        window.close_to_tray = close_to_tray_policy(notifier.tray, duty.tray_note)
    else:
        duty.say_once("no_tray", NO_TRAY_NOTE)

    # --- duty, coverage and the roster
    signals.coverageChanged.connect(duty.coverage_changed)
    signals.rosterChanged.connect(duty.roster_changed)
    signals.coverageGap.connect(duty.coverage_gap)
    team.coverage_banner.button.clicked.connect(team.coverage_banner.hide)
    team.roster_view.dutyRequested.connect(duty.duty_requested)
    team.roster_view.rotaRequested.connect(team.manager.edit_rota)
    if ui.routing is not None:
        team.roster_view.routingRequested.connect(ui.routing.open)

    # --- broadcasts
    signals.broadcastBanner.connect(broadcasts.owed_changed)
    signals.broadcastBanner.connect(
        lambda _owed: remote.set_unread(team.desk.broadcasts.unread_count())
    )
    signals.broadcastAlert.connect(broadcasts.alert)
    signals.broadcastAcks.connect(team.acks_view.update_broadcast)
    team.broadcast_banner.acknowledgeRequested.connect(broadcasts.acknowledge_requested)

    # --- handoffs
    def refresh_history(handoff: HandoffPublic) -> None:
        stream.refresh_detail(handoff.mention_id)

    signals.handoffsChanged.connect(team.handoff_panel.show_handoffs)
    signals.handoffArrived.connect(handoffs.handoff_arrived)
    signals.handoffAnswered.connect(handoffs.handoff_answered)
    signals.handoffUpdated.connect(refresh_history)
    stream.mentionShown.connect(handoffs.selection_changed)
    team.handoff_panel.handOffRequested.connect(handoffs.hand_off_requested)
    team.handoff_panel.acceptRequested.connect(handoffs.accept_requested)
    team.handoff_panel.declineRequested.connect(handoffs.decline_requested)
    team.handoff_panel.openRequested.connect(window.open_mention)
    if ui.selection_actions is not None:  # whom a selection is assigned or handed to
        ui.selection_actions.people = handoffs.people
        ui.selection_actions.teams = lambda: list(handoffs.watch.team_names)

    # --- manager tools
    window.action(Action.OVERVIEW).triggered.connect(team.manager.overview_requested)

    # --- storms: the banner, the manager's notification, the tray, the storm view
    storms = team.storms
    bridge.viewerChanged.connect(storms.viewer_changed)
    storms.viewer_changed(session.viewer)
    signals.stormsChanged.connect(storms.storms_changed)
    signals.stormsChanged.connect(remote.set_storms)
    signals.stormAlert.connect(storms.alert)
    signals.stormUpdated.connect(storms.storm_updated)
    signals.stormProgress.connect(storms.progress)
    signals.rosterChanged.connect(storms.roster_changed)
    signals.teamsChanged.connect(storms.teams_changed)
    bridge.rowsChanged.connect(storms.rows_changed)
    team.storm_banner.openRequested.connect(storms.open_view)
    window.action(Action.STORM_VIEW).triggered.connect(lambda _=False: storms.open_view())
    remote.stormsRequested.connect(lambda: storms.open_view())
    view = team.storm_view
    view.stormChosen.connect(storms.storm_chosen)
    view.claimForMe.connect(storms.claim_for_me)
    view.claimForPerson.connect(storms.claim_for_person)
    view.claimForTeam.connect(storms.claim_for_team)
    view.statementRequested.connect(storms.statement_requested)
    view.openMentionRequested.connect(window.open_mention)
    if ui.composer is not None:
        ui.composer.bridge.cannedChanged.connect(view.statement.set_canned)
        view.statement.set_canned(ui.composer.service.canned)

    # --- on-call pages: the banner, the notification, the tray's entries and mark, the dialogs
    paging = team.paging
    signals.pagesChanged.connect(paging.pages_changed)
    signals.pagesChanged.connect(lambda pages: remote.set_paged(bool(pages)))
    signals.pageArrived.connect(paging.page_arrived)
    signals.pageGone.connect(paging.page_gone)
    team.page_banner.acknowledgeRequested.connect(paging.acknowledge_requested)
    team.page_banner.openRequested.connect(window.open_mention)
    team.page_remote.acknowledgeRequested.connect(paging.acknowledge_requested)
    paging.openRequested.connect(window.open_mention)
    window.action(Action.MY_PAGING).triggered.connect(paging.paging_requested)
    team.roster_view.onCallRequested.connect(paging.on_call_requested)

    # --- approvals: the manager's notification and tray entries, the rep's composer
    approvals = team.approvals
    bridge.viewerChanged.connect(approvals.viewer_changed)
    approvals.viewer_changed(session.viewer)
    signals.approvalsChanged.connect(approvals.approvals_changed)
    signals.approvalArrived.connect(approvals.approval_arrived)
    signals.approvalAnswered.connect(approvals.approval_answered)
    team.panels.approval_remote.approveRequested.connect(approvals.approve_requested)
    team.panels.approval_remote.denyRequested.connect(approvals.deny_requested)
    team.panels.approval_remote.editRequested.connect(approvals.edit_requested)
    if ui.composer is not None:
        ui.composer.presenter.use_approvals(team.desk.approvals)

    # --- working together: presence (badges, the detail's line, the composer's word), notes
    together, shared = team.together, team.together_bridge
    bridge.viewerChanged.connect(together.viewer_changed)
    together.viewer_changed(session.viewer)
    signals.rosterChanged.connect(together.roster_changed)
    stream.mentionShown.connect(together.mention_shown)
    stream.detail.detailShown.connect(lambda: together.detail_shown(stream.detail.shown_detail))
    bridge.rowsChanged.connect(together.rows_changed)
    shared.presenceChanged.connect(together.presence_changed)
    shared.noteAdded.connect(together.note_added)
    shared.namedMe.connect(together.named_me)
    shared.unreadChanged.connect(together.mentioned_changed)
    shared.mentionedChanged.connect(together.mentioned_changed)
    team.notes_panel.noteRequested.connect(together.note_requested)
    together.mentioned_changed()
    if ui.composer is not None:
        together.composer_line = ui.composer.colleagues
        ui.composer.typed.connect(together.typed)

    # --- follow-ups
    signals.followupsChanged.connect(team.followups.followups_changed)
    team.followups_view.openRequested.connect(window.open_mention)
    team.followups_view.doneRequested.connect(team.followups.done_requested)

    for listener in (duty, handoffs, broadcasts, team.manager, team.paging):
        listener.viewer_changed(session.viewer)
