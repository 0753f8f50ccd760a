"""Broadcasts for one console, without Qt: which notes the user still owes an acknowledgement
(shown as a banner while on or away from duty, held while off duty), who has acknowledged the
notes a manager sent (live, from `broadcast.acked`), sending and acknowledging."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from app.client.connection.errors import ApiError, Offline
from app.client.connection.state import ConnectionState
from app.client.hooks import Hook
from app.client.stream.actions import ActionOutcome, ActionResult
from app.client.stream.session import ConsoleSession, Viewer
from app.common.tasks import TaskKeeper
from app.models.enums import Duty, EventType, Severity
from app.models.schemas import BroadcastAckPublic, BroadcastPublic, EventPublic, UserRef

log = logging.getLogger(__name__)

RECENT = 50


class BroadcastInbox:
    """Recent broadcasts with their acknowledgements, and the ones this user still owes."""

    def __init__(self, session: ConsoleSession) -> None:
        self.session = session
        self.api = session.api
        self.tasks = TaskKeeper("broadcasts")
        self.broadcasts: dict[int, BroadcastPublic] = {}
        self._acked_by_me: set[int] = set()
        self._duty: Duty | None = None
        # When each broadcast first reached the banner (monotonic clock; for the benchmark).
        self.shown_at: dict[int, float] = {}
        self._clock: Callable[[], float] = time.monotonic

        # What the banner should show now: owed broadcasts, oldest first ([] while off duty).
        self.banner_changed: Hook[list[BroadcastPublic]] = Hook()
        # A broadcast the user should be told about at once (desktop notification).
        self.alert: Hook[BroadcastPublic] = Hook()
        # A broadcast's acknowledgements changed (the sender's live "who has read it").
        self.acks_changed: Hook[BroadcastPublic] = Hook()

        session.event_received.connect(self._on_event)
        session.connection_changed.connect(self._on_connection)
        session.viewer_changed.connect(self._on_viewer)

    # --- reading -------------------------------------------------------------------------

    @property
    def _me(self) -> int | None:
        return self.session.viewer.user_id

    @property
    def on_duty(self) -> bool:
        """Off-duty consoles hold broadcasts until their user comes on duty."""
        user = self.session.viewer.user
        return user is not None and user.duty is not Duty.OFF_DUTY

    def owed(self) -> list[BroadcastPublic]:
        """Broadcasts this user has not acknowledged, oldest first."""
        return sorted(
            (b for b in self.broadcasts.values() if b.id not in self._acked_by_me),
            key=lambda b: (b.created_at, b.id),
        )

    def showing(self) -> list[BroadcastPublic]:
        return self.owed() if self.on_duty else []

    def unread_count(self) -> int:
        return len(self.owed())

    def sent_recently(self) -> list[BroadcastPublic]:
        """Newest first: what a manager follows in the acknowledgements view."""
        return sorted(self.broadcasts.values(), key=lambda b: (b.created_at, b.id), reverse=True)

    # --- following the session -----------------------------------------------------------

    def _on_connection(self, change: tuple[ConnectionState, str]) -> None:
        if change[0] is ConnectionState.ONLINE:
            self.tasks.once("refresh", self.refresh)

    def _on_viewer(self, viewer: Viewer) -> None:
        user = viewer.user
        if user is None or user.duty is self._duty:
            return
        was_off = self._duty in (None, Duty.OFF_DUTY)
        self._duty = user.duty
        if was_off and user.duty is not Duty.OFF_DUTY:
            # Back on duty: what arrived meanwhile shows now (reloaded: the stream may have
            # been quiet about broadcasts older than this console's cursor).
            self.tasks.once("back_on_duty", self._refresh_and_alert)
        else:
            self._announce()

    def _on_event(self, event: EventPublic) -> None:
        if event.type is EventType.BROADCAST_SENT and "broadcast" in event.payload:
            broadcast = BroadcastPublic.model_validate(event.payload["broadcast"])
            known = broadcast.id in self.broadcasts
            self.broadcasts[broadcast.id] = broadcast
            if broadcast.author.id == self._me:
                self._acked_by_me.add(broadcast.id)  # the sender owes no acknowledgement
            self.acks_changed.emit(broadcast)
            self._announce()
            if not known and self.on_duty and broadcast.id not in self._acked_by_me:
                self.alert.emit(broadcast)
        elif event.type is EventType.BROADCAST_ACKED:
            self._acked(event)
        elif event.type is EventType.DUTY_CHANGED and self.broadcasts:
            # Who is still "pending" depends on who is on duty: the server recomputes it.
            self.tasks.once("refresh", self.refresh)

    def _acked(self, event: EventPublic) -> None:
        payload = event.payload
        try:
            broadcast_id = int(payload["broadcast_id"])
            user = UserRef.model_validate(payload["user"])
            acked_at = datetime.fromisoformat(str(payload["acked_at"]))
        except (KeyError, ValueError, TypeError):
            log.warning("broadcast.acked event %s is malformed", event.id)
            return
        if user.id == self._me and broadcast_id not in self._acked_by_me:
            self._acked_by_me.add(broadcast_id)
            self._announce()
        broadcast = self.broadcasts.get(broadcast_id)
        if broadcast is None or any(a.user.id == user.id for a in broadcast.acks):
            return
        updated = broadcast.model_copy(
            update={
                "acks": [*broadcast.acks, BroadcastAckPublic(user=user, acked_at=acked_at)],
                "pending": [p for p in broadcast.pending if p.id != user.id],
            }
        )
        self.broadcasts[broadcast_id] = updated
        self.acks_changed.emit(updated)

    def _announce(self) -> None:
        showing = self.showing()
        now = self._clock()
        for broadcast in showing:
            self.shown_at.setdefault(broadcast.id, now)
        self.banner_changed.emit(showing)

    # --- loading -------------------------------------------------------------------------

    async def refresh(self) -> None:
        try:
            page = await self.api.broadcasts(limit=RECENT)
        except ApiError as exc:
            log.info("broadcasts not loaded: %s", exc.detail)
            return
        me = self._me
        self.broadcasts = {b.id: b for b in page.data}
        self._acked_by_me = {
            b.id for b in page.data if b.author.id == me or any(a.user.id == me for a in b.acks)
        }
        for broadcast in page.data:
            self.acks_changed.emit(broadcast)
        self._announce()

    async def _refresh_and_alert(self) -> None:
        await self.refresh()
        showing = self.showing()
        if showing:
            self.alert.emit(showing[-1])

    # --- actions -------------------------------------------------------------------------

    async def send(self, text: str, severity: Severity) -> ActionOutcome:
        text = text.strip()
        if not text:
            return ActionOutcome(ActionResult.FAILED, "Write the note first: it is empty.")
        try:
            sent = await self.api.send_broadcast(text, severity)
        except Offline as exc:
            return ActionOutcome(ActionResult.FAILED, f"Offline: not sent. {exc.detail}")
        except ApiError as exc:
            return ActionOutcome(ActionResult.FAILED, exc.detail)
        self.broadcasts.setdefault(sent.id, sent)
        self._acked_by_me.add(sent.id)
        self.acks_changed.emit(self.broadcasts[sent.id])
        return ActionOutcome(ActionResult.DONE, f"Broadcast sent ({sent.severity.value}).")

    async def acknowledge(self, broadcast_id: int) -> ActionOutcome:
        try:
            updated = await self.api.ack_broadcast(broadcast_id)
        except Offline as exc:
            return ActionOutcome(ActionResult.FAILED, f"Offline: not acknowledged. {exc.detail}")
        except ApiError as exc:
            return ActionOutcome(ActionResult.FAILED, exc.detail)
        self.broadcasts[broadcast_id] = updated
        self._acked_by_me.add(broadcast_id)
        self.acks_changed.emit(updated)
        self._announce()
        return ActionOutcome(ActionResult.DONE, "Acknowledged.")
