"""The rep's decision about a queued action the server refused because a colleague changed the
mention while it waited in the outbox: the sentence that names what changed and what waits on
it, and whether "Do it anyway" (send it again against the mention's current version) can work
or only "Drop" is left. Qt-free: the stream's detail pane shows it, the session carries it out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.client.stream.actions import ACTION_WORDS, what_changed
from app.client.stream.entries import (
    ActionKind,
    OutboxEntry,
    OutboxStatus,
    conflict_facts,
    held_behind_conflicts,
)
from app.models.enums import MentionStatus


@dataclass(frozen=True, slots=True)
class OutboxDecision:
    """One conflicting action of a mention, as the rep is asked about it."""

    seq: int
    mention_id: int
    sentence: str
    can_do_anyway: bool
    held: int  # how many later actions of the mention wait on the decision


def _held_words(held: Sequence[OutboxEntry]) -> str:
    if not held:
        return ""
    words = sorted({ACTION_WORDS[e.kind] for e in held})
    what = " and ".join(f"your {w}" for w in words)
    verb = "waits" if len(held) == 1 else "wait"
    return f" {what[0].upper()}{what[1:]} after it {verb} until you decide."


def _why_not(entry: OutboxEntry, me: int | None, is_manager: bool) -> str | None:
    """Why doing `entry` again now cannot work (None: it can)."""
    facts = conflict_facts(entry)
    if not facts:
        return None
    owner_id, owner = facts.get("owner_id"), entry.current_owner or "someone else"
    status = facts.get("status")
    word = ACTION_WORDS[entry.kind]
    if entry.kind is ActionKind.CLAIM:
        return None if owner_id in (None, me) else f"Only {owner} can release it to you."
    if status == MentionStatus.RESOLVED and entry.kind is not ActionKind.RELEASE:
        return "There is nothing left to do: it is resolved."
    if is_manager or (owner_id is not None and owner_id == me):
        return None
    if owner_id is None:
        return f"Claim it first if you still want to {word} it."
    return f"Only {owner} or a manager can {word} it now."


def decision_for(
    entries: Sequence[OutboxEntry], mention_id: int, *, me: int | None, is_manager: bool
) -> OutboxDecision | None:
    """The first conflicting action of `mention_id` waiting for the rep's decision (None:
    nothing to decide). A reply's own conflict is decided in the composer, not here."""
    conflict = next(
        (
            e
            for e in sorted(entries, key=lambda e: e.seq)
            if e.mention_id == mention_id
            and e.status is OutboxStatus.CONFLICT
            and e.kind is not ActionKind.REPLY
        ),
        None,
    )
    if conflict is None:
        return None
    held = [e for e in entries if held_behind_conflicts(entries).get(e.seq) == conflict]
    changed = what_changed(conflict, me) or (conflict.detail or "The mention changed meanwhile.")
    sentence = f"{changed} Your {ACTION_WORDS[conflict.kind]} was not sent."
    why_not = _why_not(conflict, me, is_manager)
    if why_not:
        sentence += f" {why_not}"
    sentence += _held_words(held)
    return OutboxDecision(conflict.seq, mention_id, sentence, why_not is None, len(held))
