"""The team around the user, without Qt: duty (mine and, for managers, anyone's), coverage,
the roster, follow-ups due and coverage-gap alerts, kept current from the event stream.

`TeamWatch` follows a `ConsoleSession`: it refreshes from the server whenever the session comes
online, applies `duty.changed`, `coverage.gap` and `followup.due` events, and announces every
change through hooks (the Qt bridge re-emits them as signals)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from app.client.connection.errors import ApiError, Offline
from app.client.connection.state import ConnectionState
from app.client.hooks import Hook
from app.client.stream.actions import ActionOutcome, ActionResult
from app.client.stream.session import ConsoleSession, Viewer
from app.common.tasks import TaskKeeper
from app.models.enums import Duty, EventType
from app.models.schemas import CoveragePublic, EventPublic, UserPublic
from app.models.team_schemas import FollowupPublic, RosterPublic

log = logging.getLogger(__name__)

DUTY_WORDS = {Duty.ON_DUTY: "on duty", Duty.AWAY: "away", Duty.OFF_DUTY: "off duty"}


@dataclass(frozen=True, slots=True)
class CoverageAlert:
    """A `coverage.gap` as the console shows it."""

    event_id: int
    at: datetime
    reason: str
    mention_id: int | None
    coverage: CoveragePublic
    # An urgent mention's alert ("opened", "urgent", "follow_up"; None: the gap alone, as a
    # duty change announces it), how many urgent mentions it counts and the ones it names.
    alert: str | None = None
    count: int = 0
    mention_ids: tuple[int, ...] = ()

    @property
    def title(self) -> str:
        return "Urgent, nobody on duty" if self.alert else "Coverage gap"

    @property
    def sentence(self) -> str:
        if self.alert and self.reason:
            return self.reason  # it names the mentions itself
        level = self.coverage.level
        who = "Nobody is on duty" if level == "nobody" else "Coverage is thin"
        text = f"{who}: {self.reason}" if self.reason else who
        if self.mention_id is not None:
            text += f" (mention #{self.mention_id})"
        return text


class TeamWatch:
    """Duty, coverage, roster, follow-ups and coverage gaps for one console."""

    def __init__(self, session: ConsoleSession) -> None:
        self.session = session
        self.api = session.api
        self.tasks = TaskKeeper("team")
        self.coverage: CoveragePublic | None = None
        self.roster: RosterPublic | None = None
        self.followups: list[FollowupPublic] = []
        self.team_names: list[str] = []
        self.alerts: list[CoverageAlert] = []
        self._duty: Duty | None = None

        self.coverage_changed: Hook[CoveragePublic] = Hook()
        self.roster_changed: Hook[RosterPublic] = Hook()
        self.followups_changed: Hook[list[FollowupPublic]] = Hook()
        self.teams_changed: Hook[list[str]] = Hook()
        self.coverage_gap: Hook[CoverageAlert] = Hook()
        # The user's own duty moved (here, elsewhere, or by a manager or the rota).
        self.my_duty_changed: Hook[Duty] = Hook()

        session.event_received.connect(self._on_event)
        session.connection_changed.connect(self._on_connection)
        session.viewer_changed.connect(self._on_viewer)

    # --- reading -------------------------------------------------------------------------

    @property
    def me(self) -> UserPublic | None:
        return self.session.viewer.user

    @property
    def is_manager(self) -> bool:
        me = self.me
        return me is not None and me.role.is_manager

    # --- following the session -----------------------------------------------------------

    def _on_connection(self, change: tuple[ConnectionState, str]) -> None:
        if change[0] is ConnectionState.ONLINE:
            self.refresh_all()

    def _on_viewer(self, viewer: Viewer) -> None:
        user = viewer.user
        if user is None or user.duty is self._duty:
            return
        self._duty = user.duty
        self.my_duty_changed.emit(user.duty)

    def refresh_all(self) -> None:
        self.tasks.once("coverage", self.refresh_coverage)
        self.tasks.once("roster", self.refresh_roster)
        self.tasks.once("followups", self.refresh_followups)
        self.tasks.once("teams", self.refresh_teams)

    def _on_event(self, event: EventPublic) -> None:
        if event.type is EventType.DUTY_CHANGED:
            self.tasks.once("coverage", self.refresh_coverage)
            self.tasks.once("roster", self.refresh_roster)
        elif event.type is EventType.COVERAGE_GAP:
            self._gap(event)
        elif event.type is EventType.FOLLOWUP_DUE or (
            event.type is EventType.MENTION_UPDATED and self._touches_followups(event)
        ):
            self.tasks.once("followups", self.refresh_followups)

    def _touches_followups(self, event: EventPublic) -> bool:
        """A listed mention changed, or one now carries a check-back this list shows (mine;
        anyone's for a manager): resolving with "check back in n days" makes a follow-up."""
        mention = event.payload.get("mention")
        if not isinstance(mention, dict):
            return False
        mention_id = mention.get("id")
        if any(f.mention.id == mention_id for f in self.followups):
            return True
        if mention.get("follow_up_at") is None:
            return False
        me = self.me
        return me is not None and (me.role.is_manager or mention.get("assignee_id") == me.id)

    def _gap(self, event: EventPublic) -> None:
        payload = event.payload
        try:
            coverage = CoveragePublic.model_validate(payload["coverage"])
        except (KeyError, ValueError):
            log.warning("coverage.gap event %s without coverage", event.id)
            return
        mention_id = payload.get("mention_id")
        kind = payload.get("alert")
        named = payload.get("mentions")
        count = payload.get("count")
        alert = CoverageAlert(
            event_id=event.id,
            at=event.at,
            reason=str(payload.get("reason") or ""),
            mention_id=int(mention_id) if isinstance(mention_id, int) else None,
            coverage=coverage,
            alert=kind if isinstance(kind, str) and kind else None,
            count=count if isinstance(count, int) else 0,
            mention_ids=tuple(
                int(m["id"])
                for m in (named if isinstance(named, list) else [])
                if isinstance(m, dict) and isinstance(m.get("id"), int)
            ),
        )
        self.alerts.append(alert)
        self._set_coverage(coverage)
        self.coverage_gap.emit(alert)

    # --- loading -------------------------------------------------------------------------

    async def refresh_coverage(self) -> None:
        try:
            self._set_coverage(await self.api.coverage())
        except ApiError as exc:
            log.info("coverage not loaded: %s", exc.detail)

    def _set_coverage(self, coverage: CoveragePublic) -> None:
        self.coverage = coverage
        self.coverage_changed.emit(coverage)

    async def refresh_roster(self) -> None:
        try:
            self.roster = await self.api.roster()
        except ApiError as exc:
            log.info("roster not loaded: %s", exc.detail)
            return
        self.roster_changed.emit(self.roster)

    async def refresh_followups(self) -> None:
        """Due and upcoming check-backs (the view puts the due ones first and says so)."""
        scope = "all" if self.is_manager else "me"
        try:
            page = await self.api.followups(scope=scope, when="any")
        except ApiError as exc:
            log.info("follow-ups not loaded: %s", exc.detail)
            return
        self.followups = page.data
        self.followups_changed.emit(self.followups)

    async def refresh_teams(self) -> None:
        try:
            teams = await self.api.teams()
        except ApiError as exc:
            log.info("teams not loaded: %s", exc.detail)
            return
        self.team_names = sorted(t.name for t in teams.data)
        self.teams_changed.emit(self.team_names)

    # --- actions -------------------------------------------------------------------------

    async def set_duty(self, user_id: int, duty: Duty) -> ActionOutcome:
        """Set anyone's duty (a manager) or one's own: the roster follows from the event."""
        me = self.me
        if me is not None and user_id == me.id:
            return await self.session.set_duty(duty)
        try:
            user = await self.api.set_duty(user_id, duty)
        except Offline as exc:
            return ActionOutcome(ActionResult.FAILED, f"Offline: duty not changed. {exc.detail}")
        except ApiError as exc:
            return ActionOutcome(ActionResult.FAILED, exc.detail)
        return ActionOutcome(ActionResult.DONE, f"{user.name} is now {DUTY_WORDS[user.duty]}.")

    async def complete_followup(self, mention_id: int) -> ActionOutcome:
        try:
            await self.api.complete_followup(mention_id)
        except ApiError as exc:
            return ActionOutcome(ActionResult.FAILED, exc.detail)
        self.followups = [f for f in self.followups if f.mention.id != mention_id]
        self.followups_changed.emit(self.followups)
        return ActionOutcome(ActionResult.DONE, f"Follow-up of mention #{mention_id} done.")
