"""A mention's history in sentences: each event of the mention's log as one line a rep reads
("Mara declined the handoff: not billing", "Reply by Dana was posted: <link>"), naming who did
it only when a person did (an arrival comes from its network, not from whoever ran the
webhook). Who reads it matters: a handoff's note and decline reason are told only to its
parties and managers, coverage-gap lines (meant for managers) only to managers
(app/server/access.py), an approval's reasons and approved text to the rep who asked and
managers."""

from __future__ import annotations

from typing import Any

from app.models.approval_schemas import ApprovalState
from app.models.enums import EventType, HandoffStatus, Network, ReplyStatus
from app.models.networks import rules_for
from app.models.tables import Event, User
from app.server.access import Viewer, parties_in_event

NOTE_LENGTH = 80  # a handoff note quoted in the history, at most

_MENTION_ACTIONS = {
    "claimed": "claimed it",
    "released": "released it",
    "unassigned": "unassigned it",
    "resolved": "resolved it",
    "snoozed": "snoozed it",
    "replied": "replied",
    "followup_done": "checked back on it",
    "owner_deactivated": "released it: its owner was deactivated",
}


def _name(ref: Any, fallback: str) -> str:
    if isinstance(ref, dict) and ref.get("name"):
        return str(ref["name"])
    return fallback


def one_line(text: str, limit: int = NOTE_LENGTH) -> str:
    """`text` on one line (its whitespace runs made single spaces), cut to `limit` characters
    and marked when cut: how a note or a mention is quoted in a sentence."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_person_event(event: Event) -> bool:
    """Whether the event's actor is the person who did it (an arrival is the network's)."""
    return event.type != EventType.MENTION_CREATED


def history_sentence(event: Event, actor: User | None, viewer: Viewer) -> str | None:
    """One line of a mention's history as `viewer` may read it; None for an event another
    line already tells (the mention's own change that goes with a handoff's) or one that is
    not for them (a coverage gap, for a rep)."""
    who = actor.name if actor is not None else "The server"
    payload: dict[str, Any] = event.payload or {}
    mention = payload.get("mention") or {}
    if event.type == EventType.MENTION_CREATED:
        network = str(mention.get("network", ""))
        if network == Network.WEBHOOK:
            return "Arrived through the webhook"
        if network == Network.FEED:
            return "Arrived from a feed"
        known = {n.value: n for n in Network}
        if network in known:
            return f"Arrived from {rules_for(known[network]).display_name}"
        return "Arrived"
    if event.type == EventType.MENTION_UPDATED:
        if str(payload.get("action", "")).startswith("handoff"):
            return None  # the handoff's own event says it
        return _mention_sentence(str(payload.get("action", "updated")), who, mention)
    if event.type == EventType.REPLY_UPDATED:
        return _reply_sentence(payload.get("reply") or {})
    if event.type == EventType.HANDOFF_UPDATED:
        party = parties_in_event(payload).include(viewer)
        return _handoff_sentence(payload.get("handoff") or {}, party=party)
    if event.type == EventType.APPROVAL_UPDATED:
        return _approval_sentence(payload.get("approval") or {}, viewer)
    if event.type == EventType.FOLLOWUP_DUE:
        return "A follow-up is due"
    if event.type == EventType.NOTE_ADDED:
        body = str((payload.get("note") or {}).get("body", ""))
        return f"{who} added a note: “{one_line(body)}”"
    if event.type == EventType.PRESENCE_CHANGED:
        return None  # who looked at it is not its history
    if event.type == EventType.COVERAGE_GAP:
        if not viewer.role.is_manager:
            return None
        return str(payload.get("reason", "Nobody was on duty."))
    return str(event.type)


def _mention_sentence(action: str, who: str, mention: dict[str, Any]) -> str:
    if action == "assigned":
        assignee = _name(mention.get("assignee"), "someone")
        return f"{who} took it over" if assignee == who else f"{who} assigned it to {assignee}"
    if action == "routed":
        return f"Routing gave it to {_name(mention.get('assignee'), 'someone')}"
    if action == "returned":
        return "Given back to its team: its owner went off duty"
    if action == "woke":
        return "Its snooze ended"
    if action == "tagged":
        tags = [str(tag) for tag in mention.get("tags") or []]
        return f"{who} tagged it: {', '.join(tags)}" if tags else f"{who} took its tags off"
    if action == "rescored":
        priority = mention.get("priority")
        if isinstance(priority, int | float):
            return f"Its priority changed to {priority:.0f}"
        return "Its priority changed"
    return f"{who} {_MENTION_ACTIONS.get(action, action)}"


def _reply_sentence(reply: dict[str, Any]) -> str:
    # "Reply by …": a possessive reads wrongly after some names (the solo console's "You").
    author = _name(reply.get("author"), "a colleague")
    status = reply.get("status")
    if status == ReplyStatus.SENT:
        url = reply.get("external_url")
        return f"Reply by {author} was posted" + (f": {url}" if url else "")
    if status == ReplyStatus.FAILED:
        return f"Reply by {author} failed: {reply.get('error') or 'no reason given'}"
    if status == ReplyStatus.SENDING:
        return f"Reply by {author} is being posted"
    if status == ReplyStatus.CANCELLED:
        return f"Reply by {author} was cancelled before it left"
    if status == ReplyStatus.STOPPED:
        return f"Reply by {author} was stopped before it left: the mention changed meanwhile"
    return f"{author[:1].upper()}{author[1:]} sent a reply; it waits to be posted"


def _handoff_sentence(handoff: dict[str, Any], *, party: bool) -> str:
    status = handoff.get("status")
    sender = _name(handoff.get("from_user"), "A colleague")
    target = _name(handoff.get("to_user"), "")
    if not target:
        team = handoff.get("to_team")
        target = f"the {team} team" if team else "a colleague"
    decider = _name(handoff.get("decided_by"), target)
    if status == HandoffStatus.PENDING:
        note = one_line(str(handoff.get("note") or "")) if party else ""
        return f"{sender} handed it off to {target}" + (f": {note}" if note else "")
    if status == HandoffStatus.ACCEPTED:
        return f"{decider} accepted the handoff"
    if status == HandoffStatus.DECLINED:
        reason = one_line(str(handoff.get("reason") or "")) if party else ""
        return f"{decider} declined the handoff" + (f": {reason}" if reason else "")
    if status == HandoffStatus.ESCALATED:
        to = _name(handoff.get("escalated_to"), "a manager")
        return f"The handoff to {target} waited too long and went to {to}"
    if status == HandoffStatus.CANCELLED:
        return f"The handoff to {target} was closed: the mention moved on"
    return f"The handoff to {target} changed"


def _approval_sentence(approval: dict[str, Any], viewer: Viewer) -> str | None:
    """Who asked, who approved (and whether they edited the text) or denied what. The reason,
    the denial's reason and the approved text are for the rep who asked and managers."""
    state = approval.get("state")
    rep = _name(approval.get("requested_by"), "A rep")
    requester = approval.get("requested_by")
    party = viewer.role.is_manager or (
        isinstance(requester, dict) and requester.get("id") == viewer.user_id
    )
    decider = _name(approval.get("decided_by"), "A manager")
    if state == ApprovalState.PENDING:
        if approval.get("escalated_at"):
            to = _name(approval.get("escalated_to"), "")
            return f"{rep}'s request for approval waited too long" + (
                f" and went to {to}" if to else ": no manager is on duty"
            )
        reason = one_line(str(approval.get("reason") or "")) if party else ""
        return f"{rep} asked a manager to approve a reply" + (f": {reason}" if reason else "")
    if state == ApprovalState.APPROVED:
        if not approval.get("edited"):
            return f"{decider} approved {rep}'s reply"
        text = one_line(str(approval.get("approved_body") or "")) if party else ""
        return f"{decider} edited and approved {rep}'s reply" + (f": {text}" if text else "")
    if state == ApprovalState.DENIED:
        reason = one_line(str(approval.get("decision_reason") or "")) if party else ""
        return f"{decider} denied {rep}'s reply" + (f": {reason}" if reason else "")
    if state == ApprovalState.WITHDRAWN:
        return None  # the newer request's line says it
    return f"{rep}'s request for approval changed"
