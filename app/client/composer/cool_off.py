"""The cool-off countdown. Send keeps the reply in the durable outbox and, online, hands it to
the team server at once; the server holds it (at least the team's cool-off from its arrival) and
sends it when due, and the countdown follows the server's due time. Until then the rep edits,
cancels or sends it now (not while heat or blame is open; never sooner than the team's cool-off)
— asked of the server while it holds the reply. Offline, the reply counts down here as before
and is handed over on reconnect (the composer says so when the server's due time is later).
A conflict (a colleague's reply or claim, at Send: `hold`, or on handing over) stops the reply
for the rep's choice: discard, send anyway (the rest of the countdown) or hand off.

Exact across restarts: due time and server copy are stored with the reply (`CoolOffStore`), so
a restart resumes the countdown — no skip, no repeat; a reply handed over again after a crash
is the same reply (its client_id). Handing over: `leaving.depart`; the server's hold: `holding`;
how long a reply waits: `CoolOffPolicy`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from app.client.composer.cooling import (
    ConflictChoice,
    CoolingReply,
    CoolingState,
    CoolOffStore,
)
from app.client.composer.holding import (
    HeldAnswer,
    HeldFate,
    answer_of,
    ask,
    followed_due,
    held_until_notice,
    hold_seconds,
    local_due,
    moved_notice,
    refusal,
)
from app.client.composer.leaving import Departure, LeaveReport, Verdict, depart, hand_off_unsent
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
from app.models.schemas import ReplyPublic, ReplyUpdate

if TYPE_CHECKING:  # importing the tone checker costs ~1 s: the composer loads it when shown
    from app.tone import ToneReport

log = logging.getLogger(__name__)


class CoolOff:
    """The countdown of queued replies. `run()` hands each over and follows it; `tick()` does
    one round (tests drive it with an injected clock). One instance per console session."""

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
        # A held reply was cancelled (anywhere): its client_id is spent, the draft needs another.
        self.cancelled: Hook[CoolingReply] = Hook()

    # --- reading -------------------------------------------------------------------------

    @property
    def replies(self) -> list[CoolingReply]:
        return self._outbox.replies

    def for_mention(self, mention_id: int) -> CoolingReply | None:
        return self._outbox.for_mention(mention_id)

    def now(self) -> datetime:
        return self._clock()

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
        self,
        mention_id: int,
        client_id: str,
        body: str,
        base_version: int,
        report: ToneReport,
        *,
        approval_id: int | None = None,
    ) -> CoolingReply:
        """Queue the reply with its countdown. Sending again while one counts for the same
        mention edits that one (one reply per draft, one client_id). `approval_id`: the
        manager's approval of this text (a promise beyond the rep's authority)."""
        check_sendable(body, report)
        outcome = LeaveReport()
        async with self._lock:
            existing = self.for_mention(mention_id)
            if existing is not None and existing.state is CoolingState.COUNTING:
                if approval_id is not None:
                    existing = replace(existing, approval_id=approval_id)
                return await self._edit_locked(existing, body, report)
            if existing is not None:
                await self._outbox.remove(existing.seq)
            reply = await self._outbox.add(
                self.policy.fresh(
                    self._clock(),
                    mention_id,
                    client_id,
                    body,
                    base_version,
                    report,
                    approval_id=approval_id,
                )
            )
            # Kept in the outbox first (a crash loses nothing), then handed to the server.
            reply = await self._hand_over(reply, outcome, fresh=True) or reply
        self._announce()
        self._tell(outcome)
        self._wake.set()
        return reply

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
                self.policy.fresh(
                    self._clock(), mention_id, client_id, body, base_version, report, counted=False
                )
            )
            held = await self._stop(reply, CoolingState.CONFLICT, conflict)
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
        if reply.held is not None:
            # Only a longer countdown is asked for; otherwise the server keeps its due time.
            longer = hold_seconds(due, self._clock()) if due > reply.due_at else None
            change = ReplyUpdate(body=body, cool_off_seconds=longer, approval_id=reply.approval_id)
            answer = await ask(self._api.edit_reply(reply.held.id, change))
            updated = await self._held_answer(reply, answer, updated, "edit")
        await self._outbox.save(updated)
        self._announce()
        return updated

    async def cancel(self, seq: int) -> CoolingReply:
        """Take the reply back (its text stays in the draft). Refused once it has left."""
        async with self._lock:
            reply = self._outbox.get(seq)
            if reply is None:
                raise SendRefused("Too late to cancel: the reply has already left.")
            if reply.held is not None:
                answer = await ask(self._api.cancel_reply(reply.held.id))
                if answer.fate is not HeldFate.CANCELLED:
                    await self._held_answer(reply, answer, reply, "cancel")
            await self._outbox.remove(seq)
        self._announce()
        if reply.held is not None:
            self.cancelled.emit(reply)
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
            if reply.held is None:  # offline: it leaves as soon as the server answers
                updated = replace(reply, due_at=min(reply.due_at, self._clock()))
            else:
                answer = await ask(self._api.send_reply_now(reply.held.id))
                updated = await self._held_answer(reply, answer, reply, "send")
                notice = held_until_notice(updated.due_at, self._clock())
                updated = replace(updated, notice=notice or updated.notice)
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
                outcome = LeaveReport()
                updated = await self._hand_over(updated, outcome) or updated
                self._announce()
                self._tell(outcome)
                self._wake.set()
                return updated
            if choice is ConflictChoice.HAND_OFF:
                await hand_off_unsent(self._api, reply, to_user_id, to_team, note)
            await self._outbox.remove(seq)
        self._announce()
        return None

    # --- leaving -------------------------------------------------------------------------

    def wake(self) -> None:
        """Something changed (back online, a new reply): look at the countdowns again."""
        self._wake.set()

    def next_due_in(self) -> float | None:
        """Seconds to the next round: a reply the server does not hold yet is handed over at
        once; one it holds is looked at when its countdown ends."""
        counting = self._outbox.counting()
        if not counting:
            return None
        now = self._clock()
        return min(r.remaining(now) if r.held is not None else 0.0 for r in counting)

    async def run(self, retry_seconds: float = 5.0) -> None:
        """Hand replies over and follow them as they fall due, until cancelled. Waits on the
        wake event with the time left to the next round (a schedule, not a poll)."""
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
        """One round, oldest first: hand every counting reply the server does not hold yet to
        it (offline since Send, or a restart after a crash: the same client_id, so never twice);
        a held reply whose countdown has ended has left the console (the server sends it)."""
        report = LeaveReport()
        changed = False
        async with self._lock:
            for reply in [r for r in self.replies if r.state is CoolingState.COUNTING]:
                current: CoolingReply | None = reply
                if reply.held is None:
                    if await self._outbox.behind_an_action(reply):
                        report.behind_action = True  # leaves once the session has sent it
                        continue
                    changed = True
                    current = await self._hand_over(reply, report)
                    if report.offline:  # the rest waits for the network too
                        break
                if current and current.held is not None and current.due_at <= self._clock():
                    await self._outbox.remove(current.seq)
                    report.left.append((current, current.held))
                    changed = True
        if changed:
            self._announce()
        self._tell(report)
        return report

    async def follow(self, public: ReplyPublic) -> bool:
        """The server's news of one of this rep's replies (`reply.updated`): edited, hurried or
        cancelled on another console or by a manager, stopped, or taken by the sender. False
        when this console does not hold it (any more)."""
        left: tuple[CoolingReply, ReplyPublic] | None = None
        stopped: CoolingReply | None = None
        async with self._lock:
            reply = next((r for r in self.replies if r.client_id == public.client_id), None)
            if reply is None or reply.held is None:
                return reply is not None  # not held yet: its handing over tells the rest
            answer = answer_of(public)
            if answer.fate is HeldFate.STOPPED:
                stopped = await self._stopped_there(reply, public.error)
            elif answer.fate is HeldFate.HELD:
                if (public.body, public.due_at) == (reply.held.body, reply.held.due_at):
                    return True
                due = followed_due(reply.due_at, reply.held, public)
                updated = replace(reply, body=public.body, held=public, due_at=due)
                await self._outbox.save(updated)
            else:
                await self._outbox.remove(reply.seq)
                if answer.fate is HeldFate.LEFT:
                    left = (reply, public)
        self._announce()
        if left is not None:
            self.left.emit(left)
        elif stopped is not None:
            self.conflict.emit(stopped)
        elif answer.fate is HeldFate.CANCELLED:
            self.cancelled.emit(reply)
        return True

    async def restore_stopped(self, public: ReplyPublic, mention_version: int) -> CoolingReply:
        """A reply that had left this console (its countdown ended) was stopped by the server
        before it was sent (a colleague resolved or took the mention): back in the outbox,
        waiting for the rep's choice, as a conflict found on handing over does."""
        async with self._lock:
            now = self._clock()
            back = CoolingReply(
                0, public.mention_id, public.client_id, public.body, mention_version, now,
                public.created_at, heated=False, state=CoolingState.COUNTING,
            )  # fmt: skip
            stopped = await self._stopped_there(await self._outbox.add(back), public.error)
        self._announce()
        self.conflict.emit(stopped)
        return stopped

    async def _stopped_there(self, reply: CoolingReply, detail: str | None) -> CoolingReply:
        """The server stopped a held reply: it waits for the rep's choice. Its client_id is
        spent there, so "send anyway" is a new reply (with force)."""
        why = Departure(Verdict.CONFLICT, detail=detail)
        spent = replace(reply, held=None, client_id=str(uuid.uuid4()), counted=True, notice=None)
        return await self._stop(spent, CoolingState.CONFLICT, why)

    async def _hand_over(
        self, reply: CoolingReply, report: LeaveReport, *, fresh: bool = False
    ) -> CoolingReply | None:
        """Give one reply to the server, asking it to hold the countdown's time left, and record
        what became of it: held (the server's due time now counts), stopped for the rep (a
        conflict or a refusal), or still here (offline). None when it is gone from the outbox."""
        asked = hold_seconds(reply.due_at, self._clock())
        departure = await depart(self._api, reply, self._user_id, hold_seconds=asked)
        if departure.verdict is Verdict.OFFLINE:
            # Not the reply's fault: it keeps counting here and is handed over on reconnect.
            waiting = replace(reply, waiting_for_network=True, detail=departure.detail)
            await self._outbox.save(waiting)
            report.offline = True
            return waiting
        if departure.verdict is Verdict.LEFT:
            assert departure.sent is not None
            answer = answer_of(departure.sent)
            if answer.fate is HeldFate.HELD:
                due = local_due(departure.sent, self._clock())
                held = replace(
                    reply,
                    held=departure.sent,
                    due_at=due,
                    waiting_for_network=False,
                    detail=None,
                    notice=moved_notice(reply.due_at, due) or reply.notice,
                )
                await self._outbox.save(held)
                return held
            if answer.fate is HeldFate.STOPPED and not fresh:  # after a restart: as it was
                stopped = await self._stopped_there(reply, answer.detail)
                report.conflicts.append(stopped)
                return stopped
            if fresh and answer.fate in (HeldFate.CANCELLED, HeldFate.STOPPED):
                # This client_id was spent on a reply cancelled earlier: a new Send is new.
                renewed = replace(reply, client_id=str(uuid.uuid4()))
                await self._outbox.save(renewed)
                return await self._hand_over(renewed, report)
            await self._outbox.remove(reply.seq)
            if answer.fate is HeldFate.LEFT:  # the server had it already and sent it
                report.left.append((reply, departure.sent))
            return None
        conflict = departure.verdict is Verdict.CONFLICT
        state = CoolingState.CONFLICT if conflict else CoolingState.FAILED
        # Stopped on handing over, before its countdown ran out: "send anyway" runs the rest.
        counted = replace(
            reply,
            counted=reply.due_at <= self._clock(),
            needs_approval=departure.code == "needs_approval",
        )
        stopped = await self._stop(counted, state, departure)
        (report.conflicts if conflict else report.failed).append(stopped)
        return stopped

    async def _held_answer(
        self, reply: CoolingReply, answer: HeldAnswer, changed: CoolingReply, verb: str
    ) -> CoolingReply:
        """The server's answer to an edit, cancel or send now of a reply it holds: the reply
        as it now is (`changed` with the server's copy and due time), or the refusal."""
        if answer.fate is HeldFate.HELD:
            assert answer.reply is not None
            assert reply.held is not None
            due = followed_due(reply.due_at, reply.held, answer.reply)
            return replace(changed, held=answer.reply, due_at=due)
        if answer.fate in (HeldFate.OFFLINE, HeldFate.REFUSED):
            raise SendRefused(refusal(answer, verb, reply.due_at))
        if answer.fate is HeldFate.STOPPED:
            self.conflict.emit(await self._stopped_there(reply, answer.detail))
            self._announce()
            raise SendRefused(refusal(answer, verb, reply.due_at))
        await self._outbox.remove(reply.seq)
        self._announce()
        if answer.fate is HeldFate.CANCELLED:
            self.cancelled.emit(reply)
        else:
            public = answer.reply or reply.held
            assert public is not None
            self.left.emit((reply, public))
        raise SendRefused(refusal(answer, verb, reply.due_at))

    async def _stop(self, reply: CoolingReply, state: CoolingState, why: Departure) -> CoolingReply:
        stopped = replace(
            reply,
            state=state,
            detail=why.detail or "The mention changed meanwhile.",
            current_owner=why.owner,
            current_version=why.version,
            colleague_replies=tuple(why.colleagues),
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

    def _tell(self, report: LeaveReport) -> None:
        for left in report.left:
            self.left.emit(left)
        for conflict in report.conflicts:
            self.conflict.emit(conflict)
        for failed in report.failed:
            self.failed.emit(failed)
