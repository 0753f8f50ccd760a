"""A reply held for its cool-off on the server, and what can be done while it waits: its author
changes its text (`edit_reply`), takes it back (`cancel_reply`, a manager too) or asks for it
sooner (`send_reply_now`, never sooner than the team cool-off from its arrival). A reply
`stopped` by a colleague's change can only be cancelled.

All three lock the reply's row first, as the sender does when it takes a reply
(`mark_reply_sending`): whichever gets the lock first wins, and the other sees the result —
a cancelled reply is never sent, a reply being sent is never cancelled. A reply the sender has
tried once cannot be changed any more (the network may already have it). Each change records
`reply.updated` so the author's other consoles and colleagues see it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.enums import ReplyStatus
from app.models.schemas import ReplyPublic, ReplyUpdate
from app.models.tables import Reply
from app.server.auth import Principal
from app.server.errors import Conflict, Forbidden
from app.server.services.approvals import require_approval
from app.server.services.cool_off import reply_hold_until
from app.server.services.mentions import get_mention
from app.server.services.replies import locked_reply, record_reply_change, reply_view
from app.server.views import mention_public


def _held(session: Session, reply_id: int, *, by: Principal, verb: str) -> Reply:
    """The reply, locked, if it is still held and `by` may act on it (else 403/409)."""
    reply = locked_reply(session, reply_id)
    is_manager = by.role is not None and by.role.is_manager
    if reply.author_id != by.user_id and not (verb == "cancel" and is_manager):
        raise Forbidden(
            f"Only the reply's author can {verb} it"
            + (" (or a manager cancel it)." if verb == "cancel" else "."),
            code="not_author",
        )
    if reply.status is ReplyStatus.CANCELLED:
        raise Conflict("This reply was cancelled; it will not be sent.", code="reply_cancelled")
    if reply.status is ReplyStatus.STOPPED and verb != "cancel":
        raise Conflict(reply.error or "This reply was stopped.", code="reply_stopped")
    if reply.status is ReplyStatus.STOPPED:
        return reply  # not going anywhere: taking it back just says so
    if reply.status is not ReplyStatus.QUEUED or reply.attempts > 0:
        raise Conflict(
            f"Too late to {verb} it: the reply has already left for the network.",
            code="reply_left",
        )
    return reply


def _changed(session: Session, reply: Reply, *, by: Principal, now: datetime) -> ReplyPublic:
    reply.updated_at = now
    session.flush()
    public = reply_view(session, reply, now)
    record_reply_change(
        session, public, mention_public(get_mention(session, reply.mention_id)), by=by, now=now
    )
    return public


def cancel_reply(session: Session, reply_id: int, *, by: Principal, now: datetime) -> ReplyPublic:
    """Take a held reply back: it is `cancelled` and never sent. Its client_id stays used (a
    retry of the same POST returns the cancelled reply): a new send is a new reply."""
    reply = _held(session, reply_id, by=by, verb="cancel")
    reply.status = ReplyStatus.CANCELLED
    reply.next_attempt_at = None
    return _changed(session, reply, by=by, now=now)


def edit_reply(
    session: Session, reply_id: int, request: ReplyUpdate, *, by: Principal, now: datetime
) -> ReplyPublic:
    """New text for a held reply. Its countdown keeps running: it never shortens, and it
    lengthens to `cool_off_seconds` from now when asked (the new text has heat or blame).
    New text beyond the rep's authority needs its approval, as a new reply would."""
    reply = _held(session, reply_id, by=by, verb="edit")
    require_approval(
        session,
        mention_id=reply.mention_id,
        body=request.body,
        approval_id=request.approval_id,
        by=by,
    )
    reply.body = request.body
    due = reply.next_attempt_at or now
    if request.cool_off_seconds:
        due = max(due, now + timedelta(seconds=request.cool_off_seconds))
    reply.next_attempt_at = due
    return _changed(session, reply, by=by, now=now)


def send_reply_now(session: Session, reply_id: int, *, by: Principal, now: datetime) -> ReplyPublic:
    """Skip the rest of the countdown, down to the team cool-off from the reply's arrival:
    `due_at` says when it leaves (now, or when the team's minimum ends)."""
    reply = _held(session, reply_id, by=by, verb="send")
    earliest = reply_hold_until(session, by=by, requested_seconds=None, since=reply.created_at)
    current = reply.next_attempt_at or now
    reply.next_attempt_at = min(current, max(now, earliest))
    return _changed(session, reply, by=by, now=now)


def cancel_held_replies_of(
    session: Session, author_id: int, *, reason: str, by: Principal, now: datetime
) -> list[int]:
    """Take back every reply of `author_id` the server still holds (queued, never tried), as
    when its author is deactivated: nothing goes out in the name of someone who has left.
    Each is `cancelled` with `reason` (the sentence colleagues read) and a `reply.updated`."""
    held = session.scalars(
        select(Reply.id)
        .where(
            Reply.author_id == author_id,
            Reply.status.in_((ReplyStatus.QUEUED, ReplyStatus.STOPPED)),
            Reply.attempts == 0,
        )
        .order_by(Reply.id)
    ).all()
    cancelled: list[int] = []
    for reply_id in held:
        reply = locked_reply(session, reply_id)
        if reply.status not in (ReplyStatus.QUEUED, ReplyStatus.STOPPED) or reply.attempts > 0:
            continue  # the sender took it first
        reply.status = ReplyStatus.CANCELLED
        reply.next_attempt_at = None
        reply.error = reason
        _changed(session, reply, by=by, now=now)
        cancelled.append(reply.id)
    return cancelled
