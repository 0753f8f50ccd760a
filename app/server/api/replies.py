"""Replies: POST /mentions/{id}/replies queues a reply (202) for the sender to post."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from app.models.schemas import ReplyCreate, ReplyPublic
from app.server.api.deps import ERRORS, CurrentUser, MentionIdPath, NowDep, SessionDep
from app.server.services import replies as service

router = APIRouter(tags=["replies"], responses=ERRORS)


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
    """Queue a reply. The same `client_id` again returns the same reply; a reply written
    against an older version of the mention is refused with 409 unless `force` is true."""
    reply, created = service.queue_reply(session, mention_id, body, by=user, now=now)
    if not created:
        response.headers["X-Duplicate"] = "1"
    return reply
