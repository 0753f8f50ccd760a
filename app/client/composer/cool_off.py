"""The cool-off countdown: Send puts a reply into the durable outbox with a due time; it leaves
for the server only when that time comes. Until then the rep can edit it, cancel it, or send it
now (refused while heat or blame is open); a reply stopped by a conflict waits for the rep's
choice: discard, send anyway or hand off.

A colleague's reply already there when Send is pressed stops the reply at once (`hold`): it
waits for the rep's choice as a conflict found on leaving does, and "send anyway" then runs the
whole countdown.

Exact across restarts: the due time is stored with the reply (`CoolOffStore`), so quitting,
crashing and restarting resume the countdown — never skipping the rest of it, never starting it
again. How a due reply leaves and what a `409` means is `leaving.depart`; how long a reply waits
is the `CoolOffPolicy`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from app.client.composer.cooling import (
    ColleagueReply,
    ConflictChoice,
    CoolingReply,
    CoolingState,
    CoolOffStore,
)
from app.client.composer.leaving import Departure, LeaveReport, Verdict, depart
from app.client.composer.policy import (
    Clock,
    CoolOffPolicy,
    SendRefused,
    check_sendable,
    system_clock,
)
from app.client.connection.api import ResponderApi
from app.client.connection.errors import ApiError
from app.client.hooks import Hook
from app.client.stream.store import LocalStore
from app.client.worker import BlockingWorker
from app.models.schemas import HandoffCreate, ReplyPublic

if TYPE_CHECKING:  # importing the tone checker costs ~1 s: the composer loads it when shown
    from app.tone import ToneReport

log = logging.getLogger(__name__)


class CoolOff:
    """The countdown of queued replies. `run()` sends each when due; `tick()` does one round
    (tests drive it with an injected clock). One instance per console session."""

    def __init__(
        self,
        store: LocalStore,
        worker: BlockingWorker,
        api: ResponderApi,
        *,
        user_id: Callable[[], int | None],
        clock: Clock = system_clock,
        policy: CoolOffPolicy | None = None,
    ) -> None:
        self._outbox = CoolOffStore(store, worker)
        self._api = api
        self._user_id = user_id
        self._clock = clock
        self.policy = policy or CoolOffPolicy()
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self.changed: Hook[list[CoolingReply]] = Hook()
        self.left: Hook[tuple[CoolingReply, ReplyPublic]] = Hook()
        self.conflict: Hook[CoolingReply] = Hook()
        self.failed: Hook[CoolingReply] = Hook()

    # --- reading -------------------------------------------------------------------------

    @property
    def replies(self) -> list[CoolingReply]:
        return self._outbox.replies

    def for_mention(self, mention_id: int) -> CoolingReply | None:
        return self._outbox.for_mention(mention_id)

    def now(self) -> datetime:
        return self._clock()

    # --- start-up ------------------------------------------------------------------------

    async def load(self) -> list[CoolingReply]:
        """Read the replies the outbox holds (after a restart: resume their countdowns) and
        the last cool-off policy the server gave."""
        await self._outbox.load()
        saved = await self._outbox.load_policy()
        if saved is not None:
            self.policy = CoolOffPolicy.from_public(saved)
        self._announce()
        return self.replies

    async def refresh_policy(self) -> CoolOffPolicy:
        """Ask the server for this rep's cool-off (their team's); keep the last one offline."""
        with contextlib.suppress(ApiError):
            public = await self._api.cool_off()
            self.policy = CoolOffPolicy.from_public(public)
            await self._outbox.save_policy(public)
        return self.policy

    # --- the rep's actions ---------------------------------------------------------------

    async def send(
        self, mention_id: int, client_id: str, body: str, base_version: int, report: ToneReport
    ) -> CoolingReply:
        """Queue the reply with its countdown. Sending again while one counts for the same
        mention edits that one (one reply per draft, one client_id)."""
        check_sendable(body, report)
        async with self._lock:
            existing = self.for_mention(mention_id)
            if existing is not None and existing.state is CoolingState.COUNTING:
                return await self._edit_locked(existing, body, report)
            if existing is not None:
                await self._outbox.remove(existing.seq)
            reply = await self._outbox.add(
                self._fresh(mention_id, client_id, body, base_version, report)
            )
        self._announce()
        self._wake.set()
        return reply

    def _fresh(
        self,
        mention_id: int,
        client_id: str,
        body: str,
        base_version: int,
        report: ToneReport,
        *,
        counted: bool = True,
    ) -> CoolingReply:
        """A reply just sent, due after the cool-off its text and the policy ask for."""
        now = self._clock()
        seconds, heated = self.policy.for_report(report)
        return CoolingReply(
            seq=0,
            mention_id=mention_id,
            client_id=client_id,
            body=body,
            base_version=base_version,
            due_at=now + timedelta(seconds=seconds),
            queued_at=now,
            heated=heated,
            state=CoolingState.COUNTING,
            counted=counted,
        )

    async def hold(
        self,
        mention_id: int,
        client_id: str,
        body: str,
        base_version: int,
        report: ToneReport,
        conflict: Departure,
    ) -> CoolingReply:
        """Send pressed, but a colleague replied or took the mention since the draft began:
        keep the reply stopped for the rep's choice (discard, send anyway, hand off) before
        any countdown. It replaces a reply of the same mention still counting."""
        check_sendable(body, report)
        async with self._lock:
            existing = self.for_mention(mention_id)
            if existing is not None:
                await self._outbox.remove(existing.seq)
            reply = await self._outbox.add(
                self._fresh(mention_id, client_id, body, base_version, report, counted=False)
            )
            held = await self._stop(
                reply,
                CoolingState.CONFLICT,
                conflict.detail or "The mention changed meanwhile.",
                conflict.owner,
                conflict.version,
                conflict.colleagues,
            )
        self._announce()
        self.conflict.emit(held)
        return held

    async def edit(self, seq: int, body: str, report: ToneReport) -> CoolingReply:
        """Change a counting reply's text. Heat or blame added now lengthens its countdown to
        the heated cool-off counted from Send; the countdown never shortens."""
        check_sendable(body, report)
        async with self._lock:
            reply = self._counting(seq, "edit")
            return await self._edit_locked(reply, body, report)

    async def _edit_locked(
        self, reply: CoolingReply, body: str, report: ToneReport
    ) -> CoolingReply:
        seconds, heated = self.policy.for_report(report)
        due = max(reply.due_at, reply.queued_at + timedelta(seconds=seconds))
        updated = replace(reply, body=body, heated=reply.heated or heated, due_at=due)
        await self._outbox.save(updated)
        self._announce()
        return updated

    async def cancel(self, seq: int) -> CoolingReply:
        """Take the reply back (its text stays in the draft). Refused once it has left."""
        async with self._lock:
            reply = self._outbox.get(seq)
            if reply is None:
                raise SendRefused("Too late to cancel: the reply has already left.")
            await self._outbox.remove(seq)
        self._announce()
        return reply

    async def send_now(self, seq: int, report: ToneReport) -> CoolingReply:
        """Skip the rest of the countdown — not while heat or blame is open in the text."""
        if report.take_a_breath:
            raise SendRefused(
                "Not now: the reply still reads as heated or blaming. Let the cool-off run, "
                "or edit the marked words first."
            )
        async with self._lock:
            reply = self._counting(seq, "send")
            updated = replace(reply, due_at=min(reply.due_at, self._clock()))
            await self._outbox.save(updated)
        self._announce()
        self._wake.set()
        return updated

    async def choose(
        self,
        seq: int,
        choice: ConflictChoice,
        *,
        to_user_id: int | None = None,
        to_team: str | None = None,
        note: str = "",
    ) -> CoolingReply | None:
        """The rep's answer to a conflict: discard the reply, send it anyway over the
        colleague's, or hand the mention off (the draft is kept either way but discard)."""
        async with self._lock:
            reply = self._outbox.get(seq)
            if reply is None or reply.state is CoolingState.COUNTING:
                raise SendRefused("This reply is not waiting for a decision.")
            if choice is ConflictChoice.SEND_ANYWAY:
                now = self._clock()
                # Stopped at Send: its cool-off has not run yet, so it runs now in full.
                due = now if reply.counted else now + (reply.due_at - reply.queued_at)
                updated = replace(
                    reply,
                    state=CoolingState.COUNTING,
                    force=True,
                    due_at=due,
                    queued_at=reply.queued_at if reply.counted else now,
                    detail=None,
                    counted=True,
                )
                await self._outbox.save(updated)
                self._announce()
                self._wake.set()
                return updated
            if choice is ConflictChoice.HAND_OFF:
                if to_user_id is None and to_team is None:
                    raise SendRefused("Choose a colleague or a team to hand the mention to.")
                text = note or "Please take over this customer."
                handoff = HandoffCreate(
                    mention_id=reply.mention_id,
                    to_user_id=to_user_id,
                    to_team=to_team,
                    note=f"{text}\n\nMy unsent reply:\n{reply.body}"[:4000],
                )
                try:
                    await self._api.create_handoff(handoff)
                except ApiError as exc:
                    raise SendRefused(f"The handoff failed: {exc.detail}") from exc
            await self._outbox.remove(seq)
        self._announce()
        return None

    # --- leaving -------------------------------------------------------------------------

    def wake(self) -> None:
        """Something changed (back online, a new reply): look at the countdowns again."""
        self._wake.set()

    def next_due_in(self) -> float | None:
        counting = self._outbox.counting()
        if not counting:
            return None
        now = self._clock()
        return min(r.remaining(now) for r in counting)

    async def run(self, retry_seconds: float = 5.0) -> None:
        """Send replies as they fall due, until cancelled. Waits on the wake event with the
        time left to the next due reply (a schedule, not a poll for a condition)."""
        while True:
            self._wake.clear()  # a wake during the round (an action sent) calls another
            try:
                report = await self.tick()
            except Exception:  # a bug: log it, keep the countdowns running
                log.exception("the cool-off round failed; trying again")
                report = LeaveReport(offline=True)
            delay = self.next_due_in()
            if (report.offline or report.behind_action) and delay is not None:
                delay = max(delay, retry_seconds)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    async def tick(self) -> LeaveReport:
        """Send every reply whose countdown has ended, oldest first."""
        report = LeaveReport()
        async with self._lock:
            now = self._clock()
            due = [r for r in self.replies if r.state is CoolingState.COUNTING and r.due_at <= now]
            for reply in due:
                if await self._outbox.behind_an_action(reply):
                    report.behind_action = True  # leaves once the session has sent it
                    continue
                outcome = await self._leave(reply, report)
                if outcome is None:  # offline: the rest waits for the network too
                    break
        if due:
            self._announce()
        for left in report.left:
            self.left.emit(left)
        for conflict in report.conflicts:
            self.conflict.emit(conflict)
        for failed in report.failed:
            self.failed.emit(failed)
        return report

    async def _leave(self, reply: CoolingReply, report: LeaveReport) -> bool | None:
        """Send one due reply and record what became of it: True when it left, False when it
        stopped for the rep, None when the network is away."""
        departure = await depart(self._api, reply, self._user_id)
        if departure.verdict is Verdict.OFFLINE:
            # Not the reply's fault: it stays due and leaves on reconnect (same client_id).
            await self._outbox.save(
                replace(reply, waiting_for_network=True, detail=departure.detail)
            )
            report.offline = True
            return None
        if departure.verdict is Verdict.LEFT:
            assert departure.sent is not None
            await self._outbox.remove(reply.seq)
            report.left.append((reply, departure.sent))
            return True
        conflict = departure.verdict is Verdict.CONFLICT
        state = CoolingState.CONFLICT if conflict else CoolingState.FAILED
        stopped = await self._stop(
            reply,
            state,
            departure.detail or "",
            departure.owner,
            departure.version,
            departure.colleagues,
        )
        (report.conflicts if conflict else report.failed).append(stopped)
        return False

    async def _stop(
        self,
        reply: CoolingReply,
        state: CoolingState,
        detail: str,
        owner: str | None = None,
        version: int | None = None,
        colleagues: Sequence[ColleagueReply] = (),
    ) -> CoolingReply:
        stopped = replace(
            reply,
            state=state,
            detail=detail,
            current_owner=owner,
            current_version=version,
            colleague_replies=tuple(colleagues),
            waiting_for_network=False,
        )
        await self._outbox.save(stopped)
        return stopped

    # --- plumbing ------------------------------------------------------------------------

    def _counting(self, seq: int, verb: str) -> CoolingReply:
        reply = self._outbox.get(seq)
        if reply is None:
            raise SendRefused(f"Too late to {verb} it: the reply has already left.")
        if reply.state is not CoolingState.COUNTING:
            raise SendRefused("This reply is waiting for your decision, not counting down.")
        return reply

    def _announce(self) -> None:
        self.changed.emit(self.replies)
