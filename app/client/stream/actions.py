"""What a rep does to a mention from the stream and how it went: the four ownership actions
(claim, release, resolve, snooze), the outcome of any console action, and the sentence that
tells the rep about an action that could not be applied."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.client.stream.store import ActionKind, OutboxEntry, OutboxStatus


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


ACTION_WORDS = {
    ActionKind.CLAIM: "claim",
    ActionKind.RELEASE: "release",
    ActionKind.RESOLVE: "resolve",
    ActionKind.SNOOZE: "snooze",
    ActionKind.REPLY: "reply",
}


def describe_entry(entry: OutboxEntry, subject: str | None = None) -> str:
    """A sentence for the rep about an action that could not be applied."""
    what = f"Your {ACTION_WORDS[entry.kind]} of mention #{entry.mention_id}"
    if subject:
        what += f" ({subject})"
    if entry.status is OutboxStatus.CONFLICT:
        if entry.current_owner:
            return f"{what} was not applied: {entry.current_owner} has it now."
        return f"{what} was not applied: the mention changed meanwhile. {entry.detail or ''}"
    if entry.status is OutboxStatus.FAILED:
        return f"{what} was refused: {entry.detail}"
    return f"{what} waits to be sent."
