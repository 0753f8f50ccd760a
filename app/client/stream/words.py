"""What the console says about its own state, one function per label, each from the state it
describes: the connection line, the outbox line of the status bar, the "waiting to be sent"
marker of a mention, and the state of a reply the rep sent (cooling off, sending, sent, failed).
The widgets only show these sentences; a label that changes is computed again from its source,
never edited in place, so no text outlives the state it described."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.client.connection.state import ConnectionState
from app.client.stream.entries import DECIDE_MARKER, ActionKind, OutboxEntry, OutboxStatus
from app.client.stream.rows import MentionRow
from app.models.enums import ReplyStatus

if TYPE_CHECKING:
    from app.models.schemas import ReplyPublic

CONNECTION_WORDS = {
    ConnectionState.CONNECTING: "Connecting…",
    ConnectionState.ONLINE: "● Online",
    ConnectionState.OFFLINE: "○ Offline — cached stream",
    ConnectionState.UNAUTHORIZED: "Token refused",
}
# Before the connection's own words: solo mode's server is a process of its own that takes a
# few seconds to start, while the window already shows the cached stream.
PRIVATE_SERVER_STARTING = "Starting your private server…"

_ACTION_NOUNS = {
    ActionKind.CLAIM: "claim",
    ActionKind.RELEASE: "release",
    ActionKind.RESOLVE: "resolve",
    ActionKind.SNOOZE: "snooze",
    ActionKind.REPLY: "reply",
    ActionKind.NOTE: "note",
    ActionKind.TAG: "tagging",
}


def connection_words(state: ConnectionState) -> str:
    """The status bar's connection label."""
    return CONNECTION_WORDS[state]


def queued_words(kind: ActionKind, handle: str, state: ConnectionState, held: bool = False) -> str:
    """What the rep is told when an action could not reach the server and waits in the
    outbox: "offline" only when the console is offline, not while it is still connecting;
    `held`: it waits behind an earlier action of the mention that conflicted."""
    noun = _ACTION_NOUNS[kind]
    if held:
        return (
            f"The {noun} of {handle} waits: decide first about your earlier action on it "
            "that a colleague's change stopped."
        )
    if state is ConnectionState.OFFLINE:
        return f"Offline: the {noun} of {handle} is queued and will be sent on reconnect."
    return f"Not connected yet: the {noun} of {handle} waits and is sent once the server answers."


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def outbox_words(entries: Sequence[OutboxEntry]) -> str:
    """The status bar's outbox label, from the whole outbox: replies in their cool-off (or
    due and waiting for the network), other actions waiting to be sent, and what stopped for
    the rep's decision."""
    cooling = sum(
        1 for e in entries if e.kind is ActionKind.REPLY and e.status is OutboxStatus.PENDING
    )
    waiting = sum(
        1 for e in entries if e.kind is not ActionKind.REPLY and e.status is OutboxStatus.PENDING
    )
    stopped = len(entries) - cooling - waiting
    parts = []
    if cooling:
        parts.append(_count(cooling, "reply cooling off", "replies cooling off"))
    if waiting:
        parts.append(_count(waiting, "action waiting to be sent", "actions waiting to be sent"))
    if stopped:
        parts.append(_count(stopped, "needs your decision", "need your decision"))
    return "Outbox: " + (", ".join(parts) if parts else "empty")


def pending_words(kind: str | None) -> str:
    """The marker of a mention with an action of the rep's still in the outbox ("" without).
    It says what waits, not why: the connection line says whether the console is offline."""
    if not kind:
        return ""
    if kind == ActionKind.REPLY.value:
        return "your reply is in its cool-off"
    if kind == DECIDE_MARKER:
        return "your action needs your decision"
    try:
        noun = _ACTION_NOUNS[ActionKind(kind)]
    except ValueError:
        noun = kind
    return f"your {noun} waits to be sent"


@dataclass(frozen=True, slots=True)
class ReplyLine:
    """One reply of the rep's as the conversation shows it: its state in words and, once the
    network has it, the link to the post."""

    state: str
    url: str | None = None


def sent_reply_words(reply: ReplyPublic) -> ReplyLine:
    """A reply the server has: sending, sent (with its link), or failed (with the reason)."""
    if reply.status is ReplyStatus.SENT:
        return ReplyLine("sent", reply.external_url)
    if reply.status is ReplyStatus.FAILED:
        return ReplyLine(f"failed: {(reply.error or 'no reason given').strip()}")
    if reply.status is ReplyStatus.CANCELLED:
        return ReplyLine("cancelled before it left")
    if reply.status is ReplyStatus.STOPPED:
        return ReplyLine("not sent: the mention changed while it waited")
    if reply.status is ReplyStatus.QUEUED and reply.error is None:  # not yet tried
        return ReplyLine("in its cool-off on the team server")
    return ReplyLine("sending")


def outbox_reply_words(entry: OutboxEntry) -> ReplyLine:
    """A reply still on this console (in the outbox): in its cool-off, due and waiting for
    the network, or stopped for the rep's decision. The countdown's seconds are the
    composer's to show: one countdown line, not two."""
    if entry.status is OutboxStatus.CONFLICT:
        return ReplyLine("held: it waits for your choice in the composer")
    if entry.status is OutboxStatus.FAILED:
        return ReplyLine(f"not sent: {entry.detail or 'refused'}")
    if entry.payload.get("waiting_for_network"):
        return ReplyLine("due, waiting for the connection")
    return ReplyLine("cooling off (you can still edit or cancel it)")


def routed_words(row: MentionRow) -> str:
    """Why the mention is where it is, as routing said ("billing (keyword “refund”) · round
    robin"), with the owner."""
    owner = row.assignee_name
    return f"{owner}: {row.routed_reason}" if owner else f"Waiting in {row.routed_reason}"


def _whose(mention: Mapping[str, Any], me: int) -> str:
    if mention.get("assignee_id") == me:
        return "yours"
    name = (mention.get("assignee") or {}).get("name")
    return f"{name}'s" if name else "nobody's yet"


def missed_target_words(missed: Sequence[Mapping[str, Any]], me: int) -> tuple[str, str]:
    """The tray message for mentions that missed their first-response target (`sla.breached`
    payloads the server named me for): one by its author, owner and lateness; several as a
    count, with how many of them are mine."""
    if len(missed) == 1:
        payload = missed[0]
        mention = payload["mention"]
        handle = "@" + str(mention["author"]["handle"]).lstrip("@")
        owner = _whose(mention, me)
        late = float(payload.get("late_minutes") or 0)
        text = " ".join(str(mention["text"]).split())[:140]
        return (
            f"Response time missed: {handle}",
            f"Waiting past its target{f' by {late:.0f} min' if late >= 1 else ''} "
            f"({owner}): {text}",
        )
    mine = sum(1 for p in missed if p["mention"].get("assignee_id") == me)
    of_mine = f", {mine} of them yours" if mine else ""
    return (
        f"{len(missed)} mentions missed their response time",
        f"They waited past their team's target{of_mine}. Sort the stream by Due to see them.",
    )
