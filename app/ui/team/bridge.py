"""The Qt adapter of the Qt-free team desk (duty, coverage, roster, follow-ups, broadcasts,
handoffs): re-emits its hooks as Qt signals, so the team widgets only connect and render."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.client.broadcasts.inbox import BroadcastInbox
from app.client.handoffs.board import HandoffBoard
from app.client.team.desk import TeamDesk
from app.client.team.watch import CoverageAlert, TeamWatch
from app.models.enums import Duty
from app.models.schemas import (
    BroadcastPublic,
    CoveragePublic,
    FollowupPublic,
    HandoffPublic,
    RosterPublic,
)


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

    def __init__(self, desk: TeamDesk, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        watch: TeamWatch = desk.watch
        watch.coverage_changed.connect(self._coverage)
        watch.roster_changed.connect(self._roster)
        watch.followups_changed.connect(self._followups)
        watch.teams_changed.connect(self._teams)
        watch.coverage_gap.connect(self._gap)
        watch.my_duty_changed.connect(self._duty)
        inbox: BroadcastInbox = desk.broadcasts
        inbox.banner_changed.connect(self._banner)
        inbox.alert.connect(self._alert)
        inbox.acks_changed.connect(self._acks)
        board: HandoffBoard = desk.handoffs
        board.changed.connect(self._handoffs)
        board.arrived.connect(self._arrived)
        board.answered.connect(self._answered)
        board.updated.connect(self._updated)

    def _coverage(self, coverage: CoveragePublic) -> None:
        self.coverageChanged.emit(coverage)

    def _roster(self, roster: RosterPublic) -> None:
        self.rosterChanged.emit(roster)

    def _followups(self, followups: list[FollowupPublic]) -> None:
        self.followupsChanged.emit(followups)

    def _teams(self, names: list[str]) -> None:
        self.teamsChanged.emit(names)

    def _gap(self, alert: CoverageAlert) -> None:
        self.coverageGap.emit(alert)

    def _duty(self, duty: Duty) -> None:
        self.myDutyChanged.emit(duty.value)

    def _banner(self, owed: list[BroadcastPublic]) -> None:
        self.broadcastBanner.emit(owed)

    def _alert(self, broadcast: BroadcastPublic) -> None:
        self.broadcastAlert.emit(broadcast)

    def _acks(self, broadcast: BroadcastPublic) -> None:
        self.broadcastAcks.emit(broadcast)

    def _handoffs(self, handoffs: list[HandoffPublic]) -> None:
        self.handoffsChanged.emit(handoffs)

    def _arrived(self, handoff: HandoffPublic) -> None:
        self.handoffArrived.emit(handoff)

    def _answered(self, handoff: HandoffPublic) -> None:
        self.handoffAnswered.emit(handoff)

    def _updated(self, handoff: HandoffPublic) -> None:
        self.handoffUpdated.emit(handoff)
