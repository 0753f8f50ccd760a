"""The outbox's entries as the console sees them: what kind of action waits, whether it is still
pending or was refused, its facts, and what they mean for the stream (its markers, the actions
held behind a conflict). Plain values, apart from the SQLite store that keeps them,
so that the window can show them before the store's code (SQLAlchemy) is loaded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class ActionKind(StrEnum):
    CLAIM = "claim"
    RELEASE = "release"
    RESOLVE = "resolve"
    SNOOZE = "snooze"
    REPLY = "reply"
    NOTE = "note"  # an internal note (app/client/together/notes.py)
    TAG = "tag"  # a mention's tags, all of them (`{"tags": [...]}`)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    CONFLICT = "conflict"  # someone else took the mention: kept for the rep to see
    FAILED = "failed"  # refused for another reason (not allowed, gone): kept with the reason


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    seq: int
    kind: ActionKind
    mention_id: int
    payload: dict[str, Any]
    status: OutboxStatus
    detail: str | None
    current_owner: str | None
    created_at: datetime


# Kept in a conflicting entry's payload: what the server said the mention is now.
CONFLICT_KEY = "conflict"


def held_behind_conflicts(entries: Sequence[OutboxEntry]) -> dict[int, OutboxEntry]:
    """The waiting actions held for the rep's decision: seq → the earlier action of the same
    mention that conflicted. A reply's own conflict is decided in the composer and holds
    nothing here; a reply behind an action's conflict is held like any action."""
    stopped: dict[int, OutboxEntry] = {}
    held: dict[int, OutboxEntry] = {}
    for entry in sorted(entries, key=lambda e: e.seq):
        first = stopped.get(entry.mention_id)
        if first is not None and entry.status is OutboxStatus.PENDING:
            held[entry.seq] = first
        elif entry.status is OutboxStatus.CONFLICT and entry.kind is not ActionKind.REPLY:
            stopped.setdefault(entry.mention_id, entry)
    return held


# The stream's marker of a mention whose action stopped for the rep's decision.
DECIDE_MARKER = "decide"


def pending_markers(entries: Sequence[OutboxEntry]) -> dict[int, str]:
    """Each mention's marker in the stream: an action stopped for the rep's decision first,
    else the kind of its action (or reply) still waiting to be sent."""
    markers = {e.mention_id: e.kind.value for e in entries if e.status is OutboxStatus.PENDING}
    for entry in entries:
        if entry.status is OutboxStatus.CONFLICT and entry.kind is not ActionKind.REPLY:
            markers[entry.mention_id] = DECIDE_MARKER
    return markers


def conflict_facts(entry: OutboxEntry) -> dict[str, Any]:
    """What the server said about the mention when it refused `entry` (empty: nothing)."""
    facts = entry.payload.get(CONFLICT_KEY)
    return facts if isinstance(facts, dict) else {}
