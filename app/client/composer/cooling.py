"""A reply waiting out its cool-off (`CoolingReply`) and its durable record (`CoolOffStore`).

The record is the local store's outbox (SQLite, WAL): each reply is kept there with its due time,
its state and, once the team server holds it, the server's copy (`held`), so quitting, crashing
and restarting find it exactly as it was. The store also keeps the last cool-off policy the
server gave, for starting offline."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from app.client.stream.store import ActionKind, LocalStore, OutboxEntry, OutboxStatus
from app.client.worker import BlockingWorker
from app.models.composer import CoolOffPublic
from app.models.schemas import ReplyPublic

POLICY_STATE_KEY = "cool_off_policy"


class CoolingState(StrEnum):
    COUNTING = "counting"  # waiting for its due time (or for the network, once due)
    CONFLICT = "conflict"  # a colleague replied or took the mention: the rep chooses
    FAILED = "failed"  # refused for good (deleted upstream, not allowed): the draft is kept


class ConflictChoice(StrEnum):
    DISCARD = "discard"
    SEND_ANYWAY = "send_anyway"
    HAND_OFF = "hand_off"


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
    # False: stopped at Send (a colleague replied first) before its cool-off ran; "send
    # anyway" then starts the whole countdown instead of sending at once.
    counted: bool = True
    # The team server's copy once it holds the reply (its id, text and due time): from then on
    # the server sends it when due, and edit, cancel and send now are asked of the server.
    held: ReplyPublic | None = None
    # Why the due time moved (the server holds it for the team's cool-off from its arrival).
    notice: str | None = None
    # The manager's approval it carries (a promise beyond the rep's authority).
    approval_id: int | None = None
    # Refused because it needs a manager's approval: the composer offers to ask for it.
    needs_approval: bool = False

    def remaining(self, now: datetime) -> float:
        return max((self.due_at - now).total_seconds(), 0.0)


_OUTBOX_STATUS = {
    CoolingState.COUNTING: OutboxStatus.PENDING,
    CoolingState.CONFLICT: OutboxStatus.CONFLICT,
    CoolingState.FAILED: OutboxStatus.FAILED,
}
_COOLING_STATE = {status: state for state, status in _OUTBOX_STATUS.items()}


def _epoch(moment: datetime) -> float:
    return moment.timestamp()


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _cooling(entry: OutboxEntry) -> CoolingReply:
    p = entry.payload
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
        state=_COOLING_STATE[entry.status],
        force=bool(p.get("force", False)),
        detail=entry.detail,
        current_owner=entry.current_owner,
        current_version=p.get("current_version"),
        colleague_replies=colleagues,
        waiting_for_network=bool(p.get("waiting_for_network", False)),
        counted=bool(p.get("counted", True)),
        held=ReplyPublic.model_validate(p["held"]) if p.get("held") else None,
        notice=p.get("notice"),
        approval_id=p.get("approval_id"),
        needs_approval=bool(p.get("needs_approval", False)),
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
        "counted": reply.counted,
        "held": reply.held.model_dump(mode="json") if reply.held is not None else None,
        "notice": reply.notice,
        "approval_id": reply.approval_id,
        "needs_approval": reply.needs_approval,
        "colleague_replies": [
            {"author": c.author, "body": c.body, "at": _epoch(c.at)}
            for c in reply.colleague_replies
        ],
    }


class CoolOffStore:
    """The cooling replies, in memory and in the outbox, kept in step: every change is written
    (on the store's worker thread) before it is shown."""

    def __init__(self, store: LocalStore, worker: BlockingWorker) -> None:
        self._store = store
        self._worker = worker
        self._replies: dict[int, CoolingReply] = {}

    @property
    def replies(self) -> list[CoolingReply]:
        return sorted(self._replies.values(), key=lambda r: r.seq)

    def get(self, seq: int) -> CoolingReply | None:
        return self._replies.get(seq)

    def for_mention(self, mention_id: int) -> CoolingReply | None:
        for reply in self._replies.values():
            if reply.mention_id == mention_id:
                return reply
        return None

    def counting(self) -> list[CoolingReply]:
        return [r for r in self._replies.values() if r.state is CoolingState.COUNTING]

    async def load(self) -> list[CoolingReply]:
        """Read the replies the outbox holds (after a restart: as they were)."""
        entries = await self._worker.call(self._store.outbox)
        self._replies = {e.seq: _cooling(e) for e in entries if e.kind is ActionKind.REPLY}
        return self.replies

    async def add(self, reply: CoolingReply) -> CoolingReply:
        """Write a new reply (its `seq` is the outbox's)."""
        payload = _payload(reply)
        entry = await self._worker.call(
            lambda: self._store.enqueue(ActionKind.REPLY, reply.mention_id, payload)
        )
        added = replace(reply, seq=entry.seq)
        self._replies[added.seq] = added
        return added

    async def save(self, reply: CoolingReply) -> None:
        """Write a changed reply: its text, due time, state and what stopped it."""
        status = _OUTBOX_STATUS[reply.state]
        payload = _payload(reply)
        await self._worker.call(
            lambda: self._store.mark_outbox(
                reply.seq, status, reply.detail, reply.current_owner, payload
            )
        )
        self._replies[reply.seq] = reply

    async def behind_an_action(self, reply: CoolingReply) -> bool:
        """An earlier queued action of the reply's mention (a claim made offline) has not
        reached the server yet: the reply waits for it (the outbox keeps order per mention)."""
        return await self._worker.call(
            lambda: self._store.action_pending_before(reply.mention_id, reply.seq)
        )

    async def remove(self, seq: int) -> None:
        """The reply left, was cancelled or was settled: it is gone from the outbox."""
        await self._worker.call(lambda: self._store.remove_outbox(seq))
        self._replies.pop(seq, None)

    async def load_policy(self) -> CoolOffPublic | None:
        """The last cool-off the server gave (None before the first)."""
        saved = await self._worker.call(lambda: self._store.get_state(POLICY_STATE_KEY))
        return CoolOffPublic.model_validate_json(saved) if saved else None

    async def save_policy(self, public: CoolOffPublic) -> None:
        text = public.model_dump_json()
        await self._worker.call(lambda: self._store.set_state(POLICY_STATE_KEY, text))
