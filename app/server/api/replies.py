"""Replies: POST /mentions/{id}/replies queues a reply (202) for the sender to post after its
cool-off; while it is held, its author edits it (PUT /replies/{id}), cancels it
(POST /replies/{id}/cancel, a manager too) or asks for it sooner (POST /replies/{id}/send-now)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from app.models.schemas import INT64_MAX, ReplyCreate, ReplyPublic, ReplyUpdate
from app.server.api.deps import ERRORS, CurrentUser, MentionIdPath, NowDep, SessionDep
from app.server.services import replies as service
from app.server.services import reply_hold

router = APIRouter(tags=["replies"], responses=ERRORS)

ReplyIdPath = Annotated[int, Path(ge=1, lt=INT64_MAX + 1, description="A reply id (1 … 2^63−1).")]


@router.post(
    "/mentions/{mention_id}/replies",
    response_model=ReplyPublic,
    status_code=status.HTTP_202_ACCEPTED,
)
def queue_reply(
    mention_id: MentionIdPath,
    body: ReplyCreate,
    user: CurrentUser,
    session: SessionDep,
    now: NowDep,
    response: Response,
) -> ReplyPublic:
    """Queue a reply. The server holds it for `cool_off_seconds` or the author's team cool-off
    from now, whichever is longer (`due_at` says until when). The same `client_id` again
    returns the same reply; a reply written against an older version of the mention is refused
    with 409 unless `force` is true."""
    reply, created = service.queue_reply(session, mention_id, body, by=user, now=now)
    if not created:
        response.headers["X-Duplicate"] = "1"
    return reply


@router.put("/replies/{reply_id}", response_model=ReplyPublic)
def edit_reply(
    reply_id: ReplyIdPath, body: ReplyUpdate, user: CurrentUser, session: SessionDep, now: NowDep
) -> ReplyPublic:
    """New text for a held reply (its author). The countdown never shortens or restarts; it
    lengthens to `cool_off_seconds` from now when asked. 409 `reply_left` once the sender has
    taken it, `reply_cancelled` after a cancel."""
    return reply_hold.edit_reply(session, reply_id, body, by=user, now=now)


@router.post("/replies/{reply_id}/cancel", response_model=ReplyPublic)
def cancel_reply(
    reply_id: ReplyIdPath, user: CurrentUser, session: SessionDep, now: NowDep
) -> ReplyPublic:
    """Take back a held reply (its author, or a manager): status `cancelled`, never sent.
    409 `reply_left` when the sender took it first."""
    return reply_hold.cancel_reply(session, reply_id, by=user, now=now)


@router.post("/replies/{reply_id}/send-now", response_model=ReplyPublic)
def send_reply_now(
    reply_id: ReplyIdPath, user: CurrentUser, session: SessionDep, now: NowDep
) -> ReplyPublic:
    """Skip the rest of a held reply's countdown (its author), but not the team cool-off
    counted from its arrival: `due_at` says when it leaves."""
    return reply_hold.send_reply_now(session, reply_id, by=user, now=now)
