"""Storms for one console, without Qt: the open storms (read on every connect, then kept
current from `storm.alert` — managers — and `storm.updated` — everyone), claiming a storm or
one of its groups (for me; managers also for a person or a team), sending a holding statement
as individual replies, and following how far those replies have gone.

Progress follows the server's events (`storm.updated` "progress"/"statement", `reply.updated`
of the statement's replies); while replies are still going out it is also read from
`GET /storms/{id}/progress` when the next one is due, never more often than every
`min_poll_s` seconds (2 by default)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.client.connection.errors import ApiError, Offline
from app.client.connection.state import ConnectionState
from app.client.hooks import Hook
from app.client.stream.actions import ActionOutcome, ActionResult
from app.client.stream.session import ConsoleSession
from app.client.team import storm_words as words
from app.common.tasks import TaskKeeper
from app.models.enums import EventType, StormState
from app.models.schemas import EventPublic
from app.models.storm_schemas import (
    StormClaim,
    StormClaimResult,
    StormProgress,
    StormPublic,
    StormReply,
    StormReplyResult,
)

log = logging.getLogger(__name__)

MIN_POLL_S = 2.0  # never read a statement's progress more often than this
MAX_WAIT_S = 30.0  # without events, read it again at least this often while it goes out


@dataclass(frozen=True, slots=True)
class StormAlert:
    """A `storm.alert` as the console shows it: "started", "grew" or "over"."""

    event_id: int
    storm: StormPublic
    alert: str

    @property
    def title(self) -> str:
        return words.alert_title(self.storm, self.alert)

    @property
    def message(self) -> str:
        return words.alert_message(self.storm)


@dataclass(frozen=True, slots=True)
class ClaimOutcome:
    outcome: ActionOutcome
    result: StormClaimResult | None = None


@dataclass(frozen=True, slots=True)
class StatementOutcome:
    outcome: ActionOutcome
    result: StormReplyResult | None = None


def storm_order(storm: StormPublic) -> tuple[int, float, int]:
    """Open storms first, the steepest first, then the newest."""
    return (storm.state is StormState.OVER, -storm.ratio, -storm.id)


class StormBoard:
    """The storms this console knows, and what it can do about them."""

    def __init__(
        self,
        session: ConsoleSession,
        *,
        min_poll_s: float = MIN_POLL_S,
        max_wait_s: float = MAX_WAIT_S,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.session = session
        self.api = session.api
        self.tasks = TaskKeeper("storms")
        # Reading statements' progress lasts as long as their replies go out: kept apart, so
        # waiting for the storms' reloads (TeamDesk.idle) does not wait for those.
        self.followers = TaskKeeper("storm-progress")
        self.storms: dict[int, StormPublic] = {}
        self.progress: dict[int, StormProgress] = {}
        self.alerts: list[StormAlert] = []
        self.min_poll_s = min_poll_s
        self.max_wait_s = max_wait_s
        self.clock = clock
        # The replies of each storm's holding statement this console sent (reply.updated of
        # one of them wakes the progress reader).
        self._statement_replies: dict[int, frozenset[int]] = {}
        self._wake: dict[int, asyncio.Event] = {}
        self.progress_reads = 0  # GET …/progress calls (tests check the pacing)

        # A storm to tell the user about now (managers: started, grew, over).
        self.alert: Hook[StormAlert] = Hook()
        # The open storms, in order (storm_order): the banner, the tray, the view's list.
        self.changed: Hook[list[StormPublic]] = Hook()
        # One storm's details changed (claimed, a statement, grew): the view redraws it.
        self.updated: Hook[StormPublic] = Hook()
        # A statement's replies moved on.
        self.progress_changed: Hook[StormProgress] = Hook()

        session.event_received.connect(self._on_event)
        session.connection_changed.connect(self._on_connection)

    # --- reading -------------------------------------------------------------------------

    def open_storms(self) -> list[StormPublic]:
        return sorted(
            (s for s in self.storms.values() if s.state is not StormState.OVER), key=storm_order
        )

    def storm(self, storm_id: int) -> StormPublic | None:
        return self.storms.get(storm_id)

    @property
    def is_manager(self) -> bool:
        user = self.session.viewer.user
        return user is not None and user.role.is_manager

    # --- following the session -----------------------------------------------------------

    def _on_connection(self, change: tuple[ConnectionState, str]) -> None:
        if change[0] is ConnectionState.ONLINE:
            self.tasks.once("refresh", self.refresh)

    def _on_event(self, event: EventPublic) -> None:
        if event.type is EventType.STORM_ALERT:
            storm = self._storm_of(event)
            if storm is None:
                return
            alert = StormAlert(event.id, storm, str(event.payload.get("alert") or "started"))
            self._apply(storm)
            self.alerts.append(alert)
            self.alert.emit(alert)
        elif event.type is EventType.STORM_UPDATED:
            storm = self._storm_of(event)
            if storm is None:
                return
            self._apply(storm)
            change = event.payload.get("change")
            if change in ("statement", "progress"):
                self._nudge(storm.id)
        elif event.type is EventType.REPLY_UPDATED:
            reply = event.payload.get("reply")
            reply_id = reply.get("id") if isinstance(reply, dict) else None
            for storm_id, replies in self._statement_replies.items():
                if reply_id in replies:
                    self._nudge(storm_id)

    def _storm_of(self, event: EventPublic) -> StormPublic | None:
        try:
            return StormPublic.model_validate(event.payload["storm"])
        except (KeyError, ValueError):
            log.warning("%s event %s without a storm", event.type.value, event.id)
            return None

    def _apply(self, storm: StormPublic) -> None:
        self.storms[storm.id] = storm
        self.updated.emit(storm)
        self.changed.emit(self.open_storms())

    # --- loading -------------------------------------------------------------------------

    async def refresh(self) -> None:
        """The open storms from the server (on every connect: what happened while away)."""
        try:
            page = await self.api.storms(state="open")
        except ApiError as exc:
            log.info("storms not loaded: %s", exc.detail)
            return
        known_over = {i: s for i, s in self.storms.items() if s.state is StormState.OVER}
        self.storms = {**known_over, **{s.id: s for s in page.data}}
        # A storm that ended while this console was away is no longer in the open list.
        for storm in page.data:
            self.updated.emit(storm)
        self.changed.emit(self.open_storms())
        for storm in page.data:
            if storm.statement and storm.id not in self.progress:
                self.follow_progress(storm.id)

    async def load(self, storm_id: int) -> StormPublic | None:
        """One storm fresh from the server (the view opens it)."""
        try:
            storm = await self.api.storm(storm_id)
        except ApiError as exc:
            log.info("storm %s not loaded: %s", storm_id, exc.detail)
            return None
        self._apply(storm)
        return storm

    # --- actions -------------------------------------------------------------------------

    async def claim(
        self,
        storm_id: int,
        *,
        user_id: int | None = None,
        user_name: str | None = None,
        team: str | None = None,
        group_id: int | None = None,
    ) -> ClaimOutcome:
        """Take the storm's (or one group's) open mentions: for me, or (managers) for the
        person `user_id` or shared among `team`'s members on duty."""
        me = self.session.viewer.user_id
        if user_id is not None and user_id == me:
            user_id = None
        claim = StormClaim(user_id=user_id, team=team, group_id=group_id)
        try:
            result = await self.api.claim_storm(storm_id, claim)
        except Offline as exc:
            return ClaimOutcome(
                ActionOutcome(ActionResult.FAILED, f"Offline: nothing claimed. {exc.detail}")
            )
        except ApiError as exc:
            return ClaimOutcome(ActionOutcome(ActionResult.FAILED, exc.detail))
        self._apply(result.storm)
        if team is not None:
            for_whom = f"team {team}"
        elif user_id is not None:
            for_whom = user_name or f"user #{user_id}"
        else:
            for_whom = "you"
        return ClaimOutcome(
            ActionOutcome(ActionResult.DONE, words.claim_words(result, for_whom)), result
        )

    async def send_statement(
        self, storm_id: int, text: str, *, group_id: int | None = None, broadcast: bool = True
    ) -> StatementOutcome:
        """The holding statement as one reply to each open mention of the storm (or group)
        that is mine or nobody's; then follow its progress."""
        text = text.strip()
        if not text:
            return StatementOutcome(ActionOutcome(ActionResult.FAILED, words.STATEMENT_EMPTY))
        reply = StormReply(text=text, group_id=group_id, broadcast=broadcast)
        try:
            result = await self.api.reply_to_storm(storm_id, reply)
        except Offline as exc:
            return StatementOutcome(
                ActionOutcome(ActionResult.FAILED, f"Offline: nothing sent. {exc.detail}")
            )
        except ApiError as exc:
            return StatementOutcome(ActionOutcome(ActionResult.FAILED, exc.detail))
        known = self._statement_replies.get(storm_id, frozenset())
        self._statement_replies[storm_id] = known | frozenset(result.replies)
        self._apply(result.storm)
        self.follow_progress(storm_id)
        return StatementOutcome(
            ActionOutcome(ActionResult.DONE, words.statement_words(result)), result
        )

    # --- progress ------------------------------------------------------------------------

    def follow_progress(self, storm_id: int) -> None:
        """Read the statement's progress now and until every reply has gone (or failed)."""
        if self.following(storm_id):
            self._wake_reader(storm_id)
            return
        self.followers.once(f"progress-{storm_id}", lambda: self._follow(storm_id))

    def following(self, storm_id: int) -> bool:
        return self.followers.running(f"progress-{storm_id}")

    def _wake_reader(self, storm_id: int) -> None:
        wake = self._wake.get(storm_id)
        if wake is not None:
            wake.set()
        # else: its reader has not started yet, and reads first thing when it does

    def _nudge(self, storm_id: int) -> None:
        """Something moved a storm's statement on: its reader reads again (or starts)."""
        storm = self.storms.get(storm_id)
        if self.following(storm_id):
            self._wake_reader(storm_id)
        elif storm is not None and storm.statement:
            self.follow_progress(storm_id)

    async def _follow(self, storm_id: int) -> None:
        loop = asyncio.get_running_loop()
        wake = self._wake[storm_id] = asyncio.Event()
        last_read: float | None = None
        try:
            while True:
                if last_read is not None:  # never two reads within min_poll_s
                    spacing = self.min_poll_s - (loop.time() - last_read)
                    if spacing > 0:
                        await asyncio.sleep(spacing)
                wake.clear()
                progress = await self._read_progress(storm_id)
                last_read = loop.time()
                if progress is not None and words.progress_done(progress):
                    # The storm's counts moved with its replies (fewer open): read it again.
                    await self.load(storm_id)
                    if wake.is_set():  # a new statement meanwhile: follow it too
                        continue
                    return
                wait = self.max_wait_s
                if progress is not None and progress.next_at is not None:
                    due = (progress.next_at - self.clock()).total_seconds()
                    wait = min(wait, max(due, 0.0))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), wait)
        finally:
            self._wake.pop(storm_id, None)

    async def _read_progress(self, storm_id: int) -> StormProgress | None:
        self.progress_reads += 1
        try:
            progress = await self.api.storm_progress(storm_id)
        except ApiError as exc:
            log.info("progress of storm %s not read: %s", storm_id, exc.detail)
            return None
        self.progress[storm_id] = progress
        self.progress_changed.emit(progress)
        return progress
