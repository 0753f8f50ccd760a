"""The Qt adapter of the Qt-free team desk (duty, coverage, roster, follow-ups, broadcasts,
handoffs, storms, approvals): re-emits its hooks as Qt signals (one relay table), so the team
widgets only connect and render."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.client.team.desk import TeamDesk
from app.models.enums import Duty
from app.ui.qt.relay import relay, route


def _duty_value(duty: Duty) -> tuple[str]:
    return (duty.value,)


class TeamBridge(QObject):
    coverageChanged = Signal(object)  # CoveragePublic
    rosterChanged = Signal(object)  # RosterPublic
    followupsChanged = Signal(list)  # list[FollowupPublic]
    teamsChanged = Signal(list)  # list[str]
    coverageGap = Signal(object)  # CoverageAlert
    myDutyChanged = Signal(str)  # Duty value
    broadcastBanner = Signal(list)  # list[BroadcastPublic]: owed, oldest first
    broadcastAlert = Signal(object)  # BroadcastPublic: tell the user now
    broadcastAcks = Signal(object)  # BroadcastPublic: its acknowledgements changed
    handoffsChanged = Signal(list)  # list[HandoffPublic]: the open ones I see
    handoffArrived = Signal(object)  # HandoffPublic: newly waiting for me or my team
    handoffAnswered = Signal(object)  # HandoffPublic: one of mine was accepted or declined
    handoffUpdated = Signal(object)  # HandoffPublic: any change (the mention's history grew)
    stormsChanged = Signal(list)  # list[StormPublic]: the open storms, biggest first
    stormAlert = Signal(object)  # StormAlert: tell the user now (managers)
    stormUpdated = Signal(object)  # StormPublic: one storm's details changed
    stormProgress = Signal(object)  # StormProgress: a holding statement's replies moved on
    pagesChanged = Signal(list)  # list[PagePublic]: the pages waiting for me, oldest first
    pageArrived = Signal(object)  # PagePublic: a page for me: tell me now
    pageGone = Signal(object)  # PageGone: one left my list, not by my hand (who took it)
    approvalsChanged = Signal(list)  # list[ApprovalPublic]: the requests waiting, oldest first
    approvalArrived = Signal(object)  # ApprovalPublic: a manager should hear of it now
    approvalAnswered = Signal(object)  # ApprovalPublic: one of mine was approved or denied

    def __init__(self, desk: TeamDesk, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        watch, inbox, board, storms = desk.watch, desk.broadcasts, desk.handoffs, desk.storms
        relay(
            self,
            [
                route(watch.coverage_changed, self.coverageChanged),
                route(watch.roster_changed, self.rosterChanged),
                route(watch.followups_changed, self.followupsChanged),
                route(watch.teams_changed, self.teamsChanged),
                route(watch.coverage_gap, self.coverageGap),
                route(watch.my_duty_changed, self.myDutyChanged, _duty_value),
                route(inbox.banner_changed, self.broadcastBanner),
                route(inbox.alert, self.broadcastAlert),
                route(inbox.acks_changed, self.broadcastAcks),
                route(board.changed, self.handoffsChanged),
                route(board.arrived, self.handoffArrived),
                route(board.answered, self.handoffAnswered),
                route(board.updated, self.handoffUpdated),
                route(storms.changed, self.stormsChanged),
                route(storms.alert, self.stormAlert),
                route(storms.updated, self.stormUpdated),
                route(storms.progress_changed, self.stormProgress),
                route(desk.pages.changed, self.pagesChanged),
                route(desk.pages.arrived, self.pageArrived),
                route(desk.pages.gone, self.pageGone),
                route(desk.approvals.changed, self.approvalsChanged),
                route(desk.approvals.arrived, self.approvalArrived),
                route(desk.approvals.answered, self.approvalAnswered),
            ],
        )
