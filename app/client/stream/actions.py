"""What a rep does to a mention from the stream and how it went: the four ownership actions
(claim, release, resolve, snooze), the outcome of any console action, the sentence that tells
the rep about an action that could not be applied, and the one sentence that sums up an action
on several mentions at once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.client.stream.entries import ActionKind, OutboxEntry, OutboxStatus, conflict_facts
from app.models.enums import MentionStatus


class MentionAction(StrEnum):
    """The ownership actions the window offers on a mention (menu, keys, buttons)."""

    CLAIM = "claim"
    RELEASE = "release"
    RESOLVE = "resolve"
    SNOOZE = "snooze"


class ActionResult(StrEnum):
    DONE = "done"
    QUEUED = "queued"  # offline: waits in the outbox, sent on reconnect
    CONFLICT = "conflict"  # someone else has the mention; kept in the outbox for the rep
    FAILED = "failed"  # refused (not allowed, unknown mention); kept with the reason


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    result: ActionResult
    message: str
    owner: str | None = None  # a conflict: who has the mention now, when the server said


# One action on more mentions than this is refused: Ctrl+A selects the whole stream, and a
# slip of the keys must not resolve a hundred thousand mentions.
MOST_AT_ONCE = 200


def refuse_many(count: int) -> str | None:
    """Why an action on `count` selected mentions is not started, or None to go ahead."""
    if count <= MOST_AT_ONCE:
        return None
    return (
        f"{count:,} mentions are selected: one action takes at most {MOST_AT_ONCE}. "
        "Narrow the selection (a filter or the search helps)."
    )


# The past tense that opens a sum-up of an action on several mentions.
DONE_WORDS = {
    MentionAction.CLAIM: "Claimed",
    MentionAction.RELEASE: "Released",
    MentionAction.RESOLVE: "Resolved",
    MentionAction.SNOOZE: "Snoozed",
}


def _mentions(n: int) -> str:
    return f"{n} mention" if n == 1 else f"{n} mentions"


def _were(n: int) -> str:
    return f"{n} was" if n == 1 else f"{n} were"


def sum_up(action: MentionAction, outcomes: Sequence[ActionOutcome]) -> str:
    """One sentence for an action on several mentions: how many it did, then what stopped
    the others ("Claimed 5 mentions; 1 was already Mara's.")."""
    counts = Counter(o.result for o in outcomes)
    done = counts[ActionResult.DONE]
    parts = [f"{DONE_WORDS[action]} {_mentions(done) if done else 'no mentions'}"]
    if counts[ActionResult.QUEUED]:
        parts.append(f"{_were(counts[ActionResult.QUEUED])} queued until the server answers")
    conflicts = [o for o in outcomes if o.result is ActionResult.CONFLICT]
    owners = Counter(o.owner for o in conflicts if o.owner)
    for owner, n in owners.items():
        parts.append(f"{_were(n)} already {owner}'s")
    changed = sum(1 for o in conflicts if not o.owner)
    if changed:
        parts.append(f"{_were(changed)} changed meanwhile")
    if counts[ActionResult.FAILED]:
        parts.append(f"{_were(counts[ActionResult.FAILED])} refused")
    return "; ".join(parts) + "."


ACTION_WORDS = {
    ActionKind.CLAIM: "claim",
    ActionKind.RELEASE: "release",
    ActionKind.RESOLVE: "resolve",
    ActionKind.SNOOZE: "snooze",
    ActionKind.REPLY: "reply",
    ActionKind.NOTE: "note",
    ActionKind.TAG: "tagging",
}


def what_changed(entry: OutboxEntry, me: int | None) -> str | None:
    """What a colleague did to the mention while the rep's `entry` waited in the outbox, from
    what the server said when it refused it ("Dana claimed this mention while you were
    offline."); None when the server said nothing about the mention."""
    facts = conflict_facts(entry)
    if not facts:
        return None
    owner_id, owner = facts.get("owner_id"), entry.current_owner
    status = facts.get("status")
    while_ = "while you were offline"
    if status == MentionStatus.RESOLVED:
        return f"This mention was resolved {while_}."
    if status == MentionStatus.SNOOZED:
        return f"This mention was snoozed {while_}."
    if status == MentionStatus.REPLIED:
        return f"A reply was sent to this mention {while_}."
    if owner and owner_id != me:
        return f"{owner} claimed this mention {while_}."
    if owner_id is None and status == MentionStatus.NEW:
        return f"This mention was released {while_}."
    if owner_id is not None and owner_id == me:
        return f"This mention changed {while_}; it is yours now."
    return f"This mention changed {while_}."


def describe_entry(
    entry: OutboxEntry, subject: str | None = None, *, queued_by: int | None = None
) -> str:
    """A sentence for the rep about an action that could not be applied; `queued_by`: the
    rep whose action waited in the outbox (the sentence then says what changed meanwhile)."""
    what = f"Your {ACTION_WORDS[entry.kind]} of mention #{entry.mention_id}"
    if subject:
        what += f" ({subject})"
    if entry.status is OutboxStatus.CONFLICT:
        changed = what_changed(entry, queued_by) if queued_by is not None else None
        if changed:
            return f"{changed} {what} was not sent: select the mention to decide."
        if entry.current_owner:
            return f"{what} was not sent: {entry.current_owner} has it now."
        return f"{what} was not sent: the mention changed meanwhile. {entry.detail or ''}"
    if entry.status is OutboxStatus.FAILED:
        return f"{what} was refused: {entry.detail}"
    return f"{what} waits to be sent."
