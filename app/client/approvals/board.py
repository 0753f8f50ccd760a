"""Approvals for one console, without Qt: the requests this user sees (a manager: every request
still waiting, read on every connect; a rep: their own, per mention as the composer opens it),
kept current from `approval.updated`; asking, approving (as written or edited) and denying.

Hooks say what the console tells the user: `arrived` (a manager: a request newly waiting, or
one that escalated — notify and list it in the tray), `answered` (a rep: one of their requests
was approved or denied — the composer shows it and, approved, sends the reply through the
cool-off), `changed` (the requests still waiting, oldest first)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from pydantic import ValidationError

from app.client.connection.errors import ApiError, Conflict, Offline
from app.client.connection.state import ConnectionState
from app.client.hooks import Hook
from app.client.stream.actions import ActionOutcome, ActionResult
from app.client.stream.session import ConsoleSession
from app.common.tasks import TaskKeeper
from app.models.approval_schemas import ApprovalCreate, ApprovalPublic, ApprovalState
from app.models.enums import Duty, EventType
from app.models.schemas import EventPublic

log = logging.getLogger(__name__)

ANSWERS = frozenset({ApprovalState.APPROVED, ApprovalState.DENIED})
BEYOND = {
    "refund": "a refund",
    "compensation": "compensation",
    "guarantee": "a guarantee",
    "liability": "an admission of liability",
}


def beyond_text(approval: ApprovalPublic) -> str:
    """ "a refund and a guarantee": what the reply promises beyond a rep's authority."""
    parts = [BEYOND.get(b, b) for b in approval.beyond_authority]
    if not parts:
        return "a reply"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def request_title(approval: ApprovalPublic) -> str:
    """The notification's and the tray entry's headline."""
    escalated = " (waiting too long)" if approval.escalated_at is not None else ""
    return f"{approval.requested_by.name} asks to promise {beyond_text(approval)}{escalated}"


def request_message(approval: ApprovalPublic) -> str:
    return f"To {approval.customer}: “{approval.body}”\nWhy: {approval.reason}"


def answer_text(approval: ApprovalPublic) -> str:
    """What the rep's composer says of their request."""
    who = approval.decided_by.name if approval.decided_by is not None else "A manager"
    if approval.state is ApprovalState.PENDING:
        waiting = "; it waited too long and went to every manager" if approval.escalated_at else ""
        return f"Waiting for a manager's approval{waiting}…"
    if approval.state is ApprovalState.APPROVED:
        edited = " with changes" if approval.edited else ""
        return f"{who} approved your reply{edited}: it goes out after the cool-off."
    if approval.state is ApprovalState.DENIED:
        return f"{who} denied your reply: {approval.decision_reason or 'no reason given'}"
    return "You asked again with a newer draft."


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ApprovalBoard:
    """The approval requests this console knows, and what it can do about them."""

    def __init__(
        self, session: ConsoleSession, *, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self.session = session
        self.api = session.api
        self.clock = clock
        self.tasks = TaskKeeper("approvals")
        self.approvals: dict[int, ApprovalPublic] = {}
        # Requests asked from this console: only here does an approval send the reply (the
        # rep's other consoles show the answer; Send there carries the approval too).
        self.asked_here: set[int] = set()

        # Managers: a request newly waiting (or escalated): tell them now.
        self.arrived: Hook[ApprovalPublic] = Hook()
        # The user's own request was approved or denied.
        self.answered: Hook[ApprovalPublic] = Hook()
        # The requests still waiting, oldest first (the tray's entries).
        self.changed: Hook[list[ApprovalPublic]] = Hook()
        # Any request this console learnt about (the composer follows its mention's).
        self.updated: Hook[ApprovalPublic] = Hook()

        session.event_received.connect(self._on_event)
        session.connection_changed.connect(self._on_connection)

    # --- reading -------------------------------------------------------------------------

    @property
    def me(self) -> int | None:
        return self.session.viewer.user_id

    @property
    def is_manager(self) -> bool:
        user = self.session.viewer.user
        return user is not None and user.role.is_manager

    @property
    def on_duty(self) -> bool:
        user = self.session.viewer.user
        return user is not None and user.duty is Duty.ON_DUTY

    def waiting(self) -> list[ApprovalPublic]:
        """Requests waiting for a manager (a manager's console: everyone's; a rep's: theirs),
        oldest first."""
        return sorted(
            (a for a in self.approvals.values() if a.state is ApprovalState.PENDING),
            key=lambda a: (a.created_at, a.id),
        )

    def mine_for(self, mention_id: int) -> ApprovalPublic | None:
        """My latest request for a mention (withdrawn ones aside)."""
        mine = [
            a
            for a in self.approvals.values()
            if a.mention_id == mention_id
            and a.requested_by.id == self.me
            and a.state is not ApprovalState.WITHDRAWN
        ]
        return max(mine, key=lambda a: a.id) if mine else None

    def waiting_seconds(self, approval: ApprovalPublic) -> float:
        return max((self.clock() - approval.created_at).total_seconds(), 0.0)

    # --- following the session -----------------------------------------------------------

    def _on_connection(self, change: tuple[ConnectionState, str]) -> None:
        if change[0] is ConnectionState.ONLINE:
            self.tasks.once("refresh", self.refresh)

    def _on_event(self, event: EventPublic) -> None:
        if event.type is not EventType.APPROVAL_UPDATED or "approval" not in event.payload:
            return
        try:
            approval = ApprovalPublic.model_validate(event.payload["approval"])
        except ValidationError:
            log.warning("approval.updated %s without a readable approval", event.id)
            return
        self.apply(approval)

    def apply(self, approval: ApprovalPublic) -> None:
        known = self.approvals.get(approval.id)
        self.approvals[approval.id] = approval
        mine = approval.requested_by.id == self.me
        if (
            self.is_manager
            and not mine
            and approval.state is ApprovalState.PENDING
            and (known is None or (approval.escalated_at and known.escalated_at is None))
        ):
            self.arrived.emit(approval)
        if (
            mine
            and approval.state in ANSWERS
            and (known is None or known.state is ApprovalState.PENDING)
        ):
            self.answered.emit(approval)
        self.changed.emit(self.waiting())
        self.updated.emit(approval)

    async def refresh(self) -> None:
        """Managers: every request still waiting (what arrived while away)."""
        if not self.is_manager:
            return
        try:
            page = await self.api.approvals(state="pending", limit=500)
        except ApiError as exc:
            log.info("approvals not loaded: %s", exc.detail)
            return
        waiting = {a.id for a in page.data}
        for approval in list(self.approvals.values()):
            if approval.state is ApprovalState.PENDING and approval.id not in waiting:
                self.approvals.pop(approval.id)  # answered while this console was away
        for approval in page.data:
            self.approvals[approval.id] = approval
        self.changed.emit(self.waiting())

    async def load_for(self, mention_id: int) -> ApprovalPublic | None:
        """My requests for a mention from the server (the composer opened it): my latest."""
        try:
            page = await self.api.approvals(mention_id=mention_id)
        except ApiError as exc:
            log.info("approvals of mention %s not loaded: %s", mention_id, exc.detail)
            return self.mine_for(mention_id)
        for approval in page.data:
            self.approvals[approval.id] = approval
        latest = self.mine_for(mention_id)
        if latest is not None:
            self.updated.emit(latest)
        return latest

    # --- actions -------------------------------------------------------------------------

    async def ask(self, mention_id: int, body: str, reason: str) -> ActionOutcome:
        reason = reason.strip()
        if not reason:
            return ActionOutcome(ActionResult.FAILED, "Say why you ask: the manager needs it.")
        try:
            request = ApprovalCreate(mention_id=mention_id, body=body, reason=reason)
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"] if exc.errors() else str(exc)
            return ActionOutcome(ActionResult.FAILED, f"The request is not valid: {problem}.")
        try:
            approval = await self.api.ask_approval(request)
        except Offline as exc:
            return ActionOutcome(ActionResult.FAILED, f"Offline: not asked. {exc.detail}")
        except ApiError as exc:
            return ActionOutcome(ActionResult.FAILED, exc.detail)
        self.asked_here.add(approval.id)
        self.apply(approval)
        return ActionOutcome(ActionResult.DONE, "Asked the managers on duty to approve it.")

    async def approve(self, approval_id: int, body: str | None = None) -> ActionOutcome:
        if body is not None and not body.strip():
            return ActionOutcome(ActionResult.FAILED, "The approved reply must not be empty.")
        return await self._answer(
            approval_id, lambda: self.api.approve(approval_id, body), "approved"
        )

    async def deny(self, approval_id: int, reason: str) -> ActionOutcome:
        reason = reason.strip()
        if not reason:
            return ActionOutcome(ActionResult.FAILED, "Say why you deny it: the rep needs it.")
        return await self._answer(approval_id, lambda: self.api.deny(approval_id, reason), "denied")

    async def _answer(
        self, approval_id: int, call: Callable[[], Awaitable[ApprovalPublic]], verb: str
    ) -> ActionOutcome:
        try:
            approval = await call()
        except Conflict as exc:
            self.tasks.once("refresh", self.refresh)
            return ActionOutcome(ActionResult.CONFLICT, exc.detail)
        except Offline as exc:
            return ActionOutcome(ActionResult.FAILED, f"Offline: not {verb}. {exc.detail}")
        except ApiError as exc:
            return ActionOutcome(ActionResult.FAILED, exc.detail)
        self.apply(approval)
        return ActionOutcome(
            ActionResult.DONE, f"{verb.capitalize()}: {approval.requested_by.name} is told now."
        )
