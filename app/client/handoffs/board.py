"""Handoffs for one console, without Qt: the open handoffs to me, to my teams and from me (from
the list endpoint at sync time, then `handoff.updated` events), their waiting time on an
injectable clock, and handing off, accepting and declining."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import ValidationError

from app.client.connection.errors import ApiError, Conflict, Offline
from app.client.connection.state import ConnectionState
from app.client.hooks import Hook
from app.client.stream.actions import ActionOutcome, ActionResult
from app.client.stream.session import ConsoleSession, Viewer
from app.common.tasks import TaskKeeper
from app.models.enums import EventType, HandoffStatus
from app.models.schemas import EventPublic, HandoffCreate, HandoffPublic

log = logging.getLogger(__name__)

OPEN = frozenset({HandoffStatus.PENDING, HandoffStatus.ESCALATED})


class Box(StrEnum):
    TO_ME = "to_me"
    TO_MY_TEAMS = "to_my_teams"
    FROM_ME = "from_me"


BOX_TITLES = {Box.TO_ME: "To me", Box.TO_MY_TEAMS: "To my teams", Box.FROM_ME: "From me"}


def waiting_text(seconds: float) -> str:
    """ "45 s", "12 min", "3 h 05 min", "2 d 4 h": short enough for a column."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class HandoffBoard:
    """The open handoffs this user should see, sorted into boxes."""

    def __init__(
        self, session: ConsoleSession, *, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self.session = session
        self.api = session.api
        self.clock = clock
        self.tasks = TaskKeeper("handoffs")
        self.handoffs: dict[int, HandoffPublic] = {}

        self.changed: Hook[list[HandoffPublic]] = Hook()
        # A handoff newly waiting for me or my team (the console notifies).
        self.arrived: Hook[HandoffPublic] = Hook()
        # One of mine was answered (accepted or declined with a reason).
        self.answered: Hook[HandoffPublic] = Hook()
        # Any handoff this console learnt about (its mention's history changed).
        self.updated: Hook[HandoffPublic] = Hook()

        session.event_received.connect(self._on_event)
        session.connection_changed.connect(self._on_connection)
        session.viewer_changed.connect(self._on_viewer)

    # --- reading -------------------------------------------------------------------------

    def boxes_of(self, handoff: HandoffPublic) -> list[Box]:
        """Which of my boxes a handoff belongs in (none: not mine to see)."""
        me = self.session.viewer.user
        if me is None:
            return []
        boxes: list[Box] = []
        recipients = {u.id for u in (handoff.to_user, handoff.escalated_to) if u is not None}
        if me.id in recipients:
            boxes.append(Box.TO_ME)
        if handoff.to_team is not None and handoff.to_team in me.teams:
            boxes.append(Box.TO_MY_TEAMS)
        if handoff.from_user.id == me.id:
            boxes.append(Box.FROM_ME)
        return boxes

    def box(self, box: Box) -> list[HandoffPublic]:
        """Open handoffs in one box, oldest (longest waiting) first."""
        return sorted(
            (h for h in self.handoffs.values() if box in self.boxes_of(h)),
            key=lambda h: (h.created_at, h.id),
        )

    def waiting_seconds(self, handoff: HandoffPublic) -> float:
        return (self.clock() - handoff.created_at).total_seconds()

    def waiting_for_me(self) -> int:
        return len(self.box(Box.TO_ME)) + len(self.box(Box.TO_MY_TEAMS))

    def for_mention(self, mention_id: int) -> HandoffPublic | None:
        return next((h for h in self.handoffs.values() if h.mention_id == mention_id), None)

    # --- following the session -----------------------------------------------------------

    def _on_connection(self, change: tuple[ConnectionState, str]) -> None:
        if change[0] is ConnectionState.ONLINE:
            self.tasks.once("refresh", self.refresh)

    def _on_viewer(self, _viewer: Viewer) -> None:
        self.changed.emit(list(self.handoffs.values()))

    def _on_event(self, event: EventPublic) -> None:
        if event.type is EventType.HANDOFF_UPDATED and "handoff" in event.payload:
            self.apply(HandoffPublic.model_validate(event.payload["handoff"]))

    def apply(self, handoff: HandoffPublic) -> None:
        known = handoff.id in self.handoffs
        boxes = self.boxes_of(handoff)
        if handoff.status in OPEN and boxes:
            self.handoffs[handoff.id] = handoff
            if not known and (Box.TO_ME in boxes or Box.TO_MY_TEAMS in boxes):
                self.arrived.emit(handoff)
        else:
            self.handoffs.pop(handoff.id, None)
            if Box.FROM_ME in boxes and handoff.status in (
                HandoffStatus.ACCEPTED,
                HandoffStatus.DECLINED,
            ):
                self.answered.emit(handoff)
        self.changed.emit(list(self.handoffs.values()))
        self.updated.emit(handoff)

    async def refresh(self) -> None:
        try:
            page = await self.api.handoffs()
        except ApiError as exc:
            log.info("handoffs not loaded: %s", exc.detail)
            return
        self.handoffs = {h.id: h for h in page.data if h.status in OPEN}
        self.changed.emit(list(self.handoffs.values()))

    # --- actions -------------------------------------------------------------------------

    async def hand_off(
        self,
        mention_id: int,
        *,
        to_user_id: int | None = None,
        to_team: str | None = None,
        note: str = "",
    ) -> ActionOutcome:
        if (to_user_id is None) == (to_team is None):
            return ActionOutcome(ActionResult.FAILED, "Choose one person or one team.")
        try:
            request = HandoffCreate(
                mention_id=mention_id, to_user_id=to_user_id, to_team=to_team, note=note.strip()
            )
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"] if exc.errors() else str(exc)
            return ActionOutcome(ActionResult.FAILED, f"The handoff is not valid: {problem}.")
        try:
            handoff = await self.api.create_handoff(request)
        except Offline as exc:
            return ActionOutcome(ActionResult.FAILED, f"Offline: not handed off. {exc.detail}")
        except ApiError as exc:
            return ActionOutcome(ActionResult.FAILED, exc.detail)
        self.apply(handoff)
        target = handoff.to_user.name if handoff.to_user else f"team {handoff.to_team}"
        return ActionOutcome(ActionResult.DONE, f"Mention #{mention_id} handed to {target}.")

    async def accept(self, handoff_id: int) -> ActionOutcome:
        try:
            handoff = await self.api.accept_handoff(handoff_id)
        except Conflict as exc:
            self.tasks.once("refresh", self.refresh)
            return ActionOutcome(ActionResult.CONFLICT, exc.detail)
        except Offline as exc:
            return ActionOutcome(ActionResult.FAILED, f"Offline: not accepted. {exc.detail}")
        except ApiError as exc:
            return ActionOutcome(ActionResult.FAILED, exc.detail)
        self.apply(handoff)
        return ActionOutcome(
            ActionResult.DONE, f"Accepted: mention #{handoff.mention_id} is yours now."
        )

    async def decline(self, handoff_id: int, reason: str) -> ActionOutcome:
        reason = reason.strip()
        if not reason:
            return ActionOutcome(ActionResult.FAILED, "Say why you decline: the sender needs it.")
        try:
            handoff = await self.api.decline_handoff(handoff_id, reason)
        except Conflict as exc:
            self.tasks.once("refresh", self.refresh)
            return ActionOutcome(ActionResult.CONFLICT, exc.detail)
        except Offline as exc:
            return ActionOutcome(ActionResult.FAILED, f"Offline: not declined. {exc.detail}")
        except ApiError as exc:
            return ActionOutcome(ActionResult.FAILED, exc.detail)
        self.apply(handoff)
        return ActionOutcome(
            ActionResult.DONE, f"Declined: mention #{handoff.mention_id} goes back to the sender."
        )
