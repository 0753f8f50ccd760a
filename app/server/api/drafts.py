"""Drafts: GET/PUT/DELETE /mentions/{id}/draft — the caller's own draft of a reply, synced.

A PUT against an older revision than the server holds is not an error: the answer has
`saved: false` and both copies (`body` and `conflict`), so the console can ask the rep."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from app.models.composer import DraftPublic, DraftUpdate
from app.server.api.deps import (
    ERRORS,
    CurrentUser,
    MentionIdPath,
    NowDep,
    ReadSessionDep,
    SessionDep,
)
from app.server.services import drafts as service

router = APIRouter(tags=["drafts"], responses=ERRORS)


@router.get("/mentions/{mention_id}/draft", response_model=DraftPublic)
def read_draft(
    mention_id: MentionIdPath, user: CurrentUser, session: ReadSessionDep
) -> DraftPublic:
    """The caller's draft for this mention (404 `no_draft` when there is none)."""
    return service.read_draft(session, mention_id, by=user)


@router.put("/mentions/{mention_id}/draft", response_model=DraftPublic)
def save_draft(
    mention_id: MentionIdPath,
    body: DraftUpdate,
    user: CurrentUser,
    session: SessionDep,
    now: NowDep,
) -> DraftPublic:
    """Save the caller's draft at `base_revision`; a stale copy is kept as `conflict`."""
    return service.save_draft(session, mention_id, body, by=user, now=now)


@router.delete("/mentions/{mention_id}/draft", status_code=status.HTTP_204_NO_CONTENT)
def delete_draft(mention_id: MentionIdPath, user: CurrentUser, session: SessionDep) -> Response:
    service.delete_draft(session, mention_id, by=user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
