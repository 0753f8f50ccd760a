"""The cool-off: Send puts a reply into the local durable outbox with a due time; it leaves for
the server only when that time comes. Until then the rep can edit it, cancel it, or send it now
(refused while heat or blame is open).

Durable and exact: the due time is stored with the reply in the outbox (SQLite, WAL), so quitting,
crashing and restarting resume the countdown — never skipping the rest of it, never starting it
again. A reply that may have left when the console died is retried with the same `client_id`,
which the server de-duplicates, so it never goes out twice.

No reply over a colleague's: when a reply leaves (also after being due while offline), the
server checks the mention's version. A `409` is re-checked against the mention itself: if only
the rep's own actions moved the version it is sent against the new one; if a colleague replied
or took the mention, the reply stops as a conflict with the colleague's reply, and the rep
chooses: discard, send anyway or hand off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID

from app.client.connection.api import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    Offline,
    ResponderApi,
    ServerError,
    Unauthorized,
)
from app.client.hooks import Hook
from app.client.stream.store import ActionKind, LocalStore, OutboxEntry, OutboxStatus
from app.client.worker import BlockingWorker
from app.models.composer import (
    DEFAULT_COOL_OFF_SECONDS,
    DEFAULT_HEATED_COOL_OFF_SECONDS,
    CoolOffPublic,
)
from app.models.schemas import HandoffCreate, MentionDetail, ReplyCreate, ReplyPublic

if TYPE_CHECKING:  # importing the tone checker costs ~1 s: the composer loads it when shown
    from app.tone import ToneReport

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
POLICY_STATE_KEY = "cool_off_policy"


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class CoolOffPolicy:
    """How long a reply waits: `heated_seconds` when the draft has heat or blame or the
    customer's mention is hostile. Managers set it per team on the server."""

    seconds: int = DEFAULT_COOL_OFF_SECONDS
    heated_seconds: int = DEFAULT_HEATED_COOL_OFF_SECONDS

    @classmethod
    def from_public(cls, public: CoolOffPublic) -> CoolOffPolicy:
        return cls(public.seconds, max(public.heated_seconds, public.seconds))

    def for_report(self, report: ToneReport) -> tuple[int, bool]:
        heated = report.take_a_breath or report.mention_hostile
        return (self.heated_seconds if heated else self.seconds), heated


class CoolingState(StrEnum):
    COUNTING = "counting"  # waiting for its due time (or for the network, once due)
    CONFLICT = "conflict"  # a colleague replied or took the mention: the rep chooses
    FAILED = "failed"  # refused for good (deleted upstream, not allowed): the draft is kept


class ConflictChoice(StrEnum):
    DISCARD = "discard"
    SEND_ANYWAY = "send_anyway"
    HAND_OFF = "hand_off"


class SendRefused(Exception):
    """The composer asked for something the rules do not allow; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class ColleagueReply:
    author: str
    body: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CoolingReply:
    """A reply in the outbox, counting down or stopped for the rep to decide."""

    seq: int
    mention_id: int
    client_id: str
    body: str
    base_version: int
    due_at: datetime
    queued_at: datetime
    heated: bool
    state: CoolingState
    force: bool = False
    detail: str | None = None
    current_owner: str | None = None
    current_version: int | None = None
    colleague_replies: tuple[ColleagueReply, ...] = ()
    waiting_for_network: bool = False

    def remaining(self, now: datetime) -> float:
        return max((self.due_at - now).total_seconds(), 0.0)


@dataclass
class LeaveReport:
    """What one `tick` did."""

    left: list[tuple[CoolingReply, ReplyPublic]] = field(default_factory=list)
    conflicts: list[CoolingReply] = field(default_factory=list)
    failed: list[CoolingReply] = field(default_factory=list)
    offline: bool = False


def _epoch(moment: datetime) -> float:
    return moment.timestamp()


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _cooling(entry: OutboxEntry) -> CoolingReply:
    p = entry.payload
    state = {
        OutboxStatus.PENDING: CoolingState.COUNTING,
        OutboxStatus.CONFLICT: CoolingState.CONFLICT,
        OutboxStatus.FAILED: CoolingState.FAILED,
    }[entry.status]
    colleagues = tuple(
        ColleagueReply(str(c["author"]), str(c["body"]), _moment(float(c["at"])))
        for c in p.get("colleague_replies", [])
    )
    return CoolingReply(
        seq=entry.seq,
        mention_id=entry.mention_id,
        client_id=str(p["client_id"]),
        body=str(p["body"]),
        base_version=int(p["base_version"]),
        due_at=_moment(float(p["due_at"])),
        queued_at=_moment(float(p.get("queued_at", p["due_at"]))),
        heated=bool(p.get("heated", False)),
        state=state,
        force=bool(p.get("force", False)),
        detail=entry.detail,
        current_owner=entry.current_owner,
        current_version=p.get("current_version"),
        colleague_replies=colleagues,
        waiting_for_network=bool(p.get("waiting_for_network", False)),
    )


def _payload(reply: CoolingReply) -> dict[str, Any]:
    return {
        "client_id": reply.client_id,
        "body": reply.body,
        "base_version": reply.base_version,
        "force": reply.force,
        "due_at": _epoch(reply.due_at),
        "queued_at": _epoch(reply.queued_at),
        "heated": reply.heated,
        "current_version": reply.current_version,
        "waiting_for_network": reply.waiting_for_network,
        "colleague_replies": [
            {"author": c.author, "body": c.body, "at": _epoch(c.at)}
            for c in reply.colleague_replies
        ],
    }


def _network_name(report: ToneReport) -> str:
    name = report.network.value
    return "X" if name == "x" else name.capitalize()


def check_sendable(body: str, report: ToneReport) -> None:
    """Refuse what can never go out: nothing to say, or more than the network takes."""
    if not body.strip():
        raise SendRefused("The reply is empty: write something before sending.")
    if report.limit is not None and report.length > report.limit:
        raise SendRefused(
            f"The reply is {report.length} characters; {_network_name(report)} takes "
            f"{report.limit}. Shorten it by {report.length - report.limit} before sending."
        )


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
        self._store = store
        self._worker = worker
        self._api = api
        self._user_id = user_id
        self._clock = clock
        self.policy = policy or CoolOffPolicy()
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._replies: dict[int, CoolingReply] = {}
        self.changed: Hook[list[CoolingReply]] = Hook()
        self.left: Hook[tuple[CoolingReply, ReplyPublic]] = Hook()
        self.conflict: Hook[CoolingReply] = Hook()
        self.failed: Hook[CoolingReply] = Hook()

    # --- reading -------------------------------------------------------------------------

    @property
    def replies(self) -> list[CoolingReply]:
        return sorted(self._replies.values(), key=lambda r: r.seq)

    def for_mention(self, mention_id: int) -> CoolingReply | None:
        for reply in self._replies.values():
            if reply.mention_id == mention_id:
                return reply
        return None

    def now(self) -> datetime:
        return self._clock()

    # --- start-up ------------------------------------------------------------------------

    async def load(self) -> list[CoolingReply]:
        """Read the replies the outbox holds (after a restart: resume their countdowns) and
        the last cool-off policy the server gave."""
        entries = await self._worker.call(self._store.outbox)
        self._replies = {e.seq: _cooling(e) for e in entries if e.kind is ActionKind.REPLY}
        saved = await self._worker.call(lambda: self._store.get_state(POLICY_STATE_KEY))
        if saved:
            self.policy = CoolOffPolicy.from_public(CoolOffPublic.model_validate_json(saved))
        self._announce()
        return self.replies

    async def refresh_policy(self) -> CoolOffPolicy:
        """Ask the server for this rep's cool-off (their team's); keep the last one offline."""
        with contextlib.suppress(ApiError):
            public = await self._api.cool_off()
            self.policy = CoolOffPolicy.from_public(public)
            text = public.model_dump_json()
            await self._worker.call(lambda: self._store.set_state(POLICY_STATE_KEY, text))
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
                await self._worker.call(lambda: self._store.remove_outbox(existing.seq))
                self._replies.pop(existing.seq, None)
            now = self._clock()
            seconds, heated = self.policy.for_report(report)
            draft = CoolingReply(
                seq=0,
                mention_id=mention_id,
                client_id=client_id,
                body=body,
                base_version=base_version,
                due_at=now + timedelta(seconds=seconds),
                queued_at=now,
                heated=heated,
                state=CoolingState.COUNTING,
            )
            payload = _payload(draft)
            entry = await self._worker.call(
                lambda: self._store.enqueue(ActionKind.REPLY, mention_id, payload)
            )
            reply = replace(draft, seq=entry.seq)
            self._replies[reply.seq] = reply
        self._announce()
        self._wake.set()
        return reply

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
        await self._persist(updated)
        self._announce()
        return updated

    async def cancel(self, seq: int) -> CoolingReply:
        """Take the reply back (its text stays in the draft). Refused once it has left."""
        async with self._lock:
            reply = self._replies.get(seq)
            if reply is None:
                raise SendRefused("Too late to cancel: the reply has already left.")
            await self._worker.call(lambda: self._store.remove_outbox(seq))
            del self._replies[seq]
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
            await self._persist(updated)
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
            reply = self._replies.get(seq)
            if reply is None or reply.state is CoolingState.COUNTING:
                raise SendRefused("This reply is not waiting for a decision.")
            if choice is ConflictChoice.SEND_ANYWAY:
                updated = replace(
                    reply,
                    state=CoolingState.COUNTING,
                    force=True,
                    due_at=self._clock(),
                    detail=None,
                )
                await self._persist(updated)
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
            await self._worker.call(lambda: self._store.remove_outbox(seq))
            del self._replies[seq]
        self._announce()
        return None

    # --- leaving -------------------------------------------------------------------------

    def wake(self) -> None:
        """Something changed (back online, a new reply): look at the countdowns again."""
        self._wake.set()

    def next_due_in(self) -> float | None:
        counting = [r for r in self._replies.values() if r.state is CoolingState.COUNTING]
        if not counting:
            return None
        now = self._clock()
        return min(r.remaining(now) for r in counting)

    async def run(self, retry_seconds: float = 5.0) -> None:
        """Send replies as they fall due, until cancelled. Waits on the wake event with the
        time left to the next due reply (a schedule, not a poll for a condition)."""
        while True:
            try:
                report = await self.tick()
            except Exception:  # a bug: log it, keep the countdowns running
                log.exception("the cool-off round failed; trying again")
                report = LeaveReport(offline=True)
            delay = self.next_due_in()
            if report.offline and delay is not None:
                delay = max(delay, retry_seconds)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    async def tick(self) -> LeaveReport:
        """Send every reply whose countdown has ended, oldest first."""
        report = LeaveReport()
        async with self._lock:
            now = self._clock()
            due = [r for r in self.replies if r.state is CoolingState.COUNTING and r.due_at <= now]
            for reply in due:
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
        request = ReplyCreate(
            client_id=UUID(reply.client_id),
            body=reply.body,
            base_version=reply.base_version,
            force=reply.force,
        )
        try:
            try:
                sent = await self._api.reply(reply.mention_id, request)
            except Conflict as exc:
                rebased = await self._recheck(reply, exc)
                if rebased is None:
                    report.conflicts.append(self._replies[reply.seq])
                    return False
                request = request.model_copy(update={"base_version": rebased})
                sent = await self._api.reply(reply.mention_id, request)
        except (Offline, ServerError, Unauthorized) as exc:
            # Not the reply's fault: it stays due and leaves on reconnect (same client_id).
            waiting = replace(reply, waiting_for_network=True, detail=exc.detail)
            await self._persist(waiting)
            report.offline = True
            return None
        except Conflict as exc:  # the rebased send lost a race as well
            await self._stop(reply, CoolingState.CONFLICT, exc.detail, None, exc.current_version)
            report.conflicts.append(self._replies[reply.seq])
            return False
        except NotFound as exc:
            await self._stop(
                reply,
                CoolingState.FAILED,
                "The mention was deleted upstream, so the reply cannot go out. "
                f"Your draft is kept. ({exc.detail})",
            )
            report.failed.append(self._replies[reply.seq])
            return False
        except (BadRequest, Forbidden, ApiError) as exc:
            await self._stop(reply, CoolingState.FAILED, f"{exc.detail} Your draft is kept.")
            report.failed.append(self._replies[reply.seq])
            return False
        await self._worker.call(lambda: self._store.remove_outbox(reply.seq))
        del self._replies[reply.seq]
        report.left.append((reply, sent))
        return True

    async def _recheck(self, reply: CoolingReply, exc: Conflict) -> int | None:
        """A 409: look at the mention. Only the rep's own changes since → the version to send
        against; a colleague's reply or claim → None (stopped as a conflict for the rep)."""
        me = self._user_id()
        detail: MentionDetail = await self._api.mention(reply.mention_id)
        colleagues = tuple(
            ColleagueReply(r.author.name, r.body, r.created_at)
            for r in detail.replies
            if r.author.id != me and r.client_id != reply.client_id
        )
        taken = detail.assignee_id not in (None, me)
        if not colleagues and not taken and exc.code == "stale_base_version":
            return detail.version
        owner = detail.assignee.name if detail.assignee is not None and taken else None
        if colleagues:
            who = colleagues[-1].author
            text = f"{who} replied to this customer while yours was waiting."
        elif owner:
            text = f"{owner} has taken this mention while your reply was waiting."
        else:
            text = exc.detail
        await self._stop(reply, CoolingState.CONFLICT, text, owner, detail.version, colleagues)
        return None

    async def _stop(
        self,
        reply: CoolingReply,
        state: CoolingState,
        detail: str,
        owner: str | None = None,
        version: int | None = None,
        colleagues: Sequence[ColleagueReply] = (),
    ) -> None:
        stopped = replace(
            reply,
            state=state,
            detail=detail,
            current_owner=owner,
            current_version=version,
            colleague_replies=tuple(colleagues),
            waiting_for_network=False,
        )
        status = OutboxStatus.CONFLICT if state is CoolingState.CONFLICT else OutboxStatus.FAILED
        payload = _payload(stopped)
        await self._worker.call(
            lambda: self._store.mark_outbox(reply.seq, status, detail, owner, payload)
        )
        self._replies[reply.seq] = stopped

    # --- plumbing ------------------------------------------------------------------------

    def _counting(self, seq: int, verb: str) -> CoolingReply:
        reply = self._replies.get(seq)
        if reply is None:
            raise SendRefused(f"Too late to {verb} it: the reply has already left.")
        if reply.state is not CoolingState.COUNTING:
            raise SendRefused("This reply is waiting for your decision, not counting down.")
        return reply

    async def _persist(self, reply: CoolingReply) -> None:
        status = {
            CoolingState.COUNTING: OutboxStatus.PENDING,
            CoolingState.CONFLICT: OutboxStatus.CONFLICT,
            CoolingState.FAILED: OutboxStatus.FAILED,
        }[reply.state]
        payload = _payload(reply)
        await self._worker.call(
            lambda: self._store.mark_outbox(
                reply.seq, status, reply.detail, reply.current_owner, payload
            )
        )
        self._replies[reply.seq] = reply

    def _announce(self) -> None:
        self.changed.emit(self.replies)
