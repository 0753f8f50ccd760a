"""Follow-ups: the check-backs due (mine, or everyone's for managers) and marking one done."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.models.schemas import MentionPublic
from app.models.team_schemas import FollowupsPublic
from app.server.api.deps import (
    ERRORS,
    CurrentUser,
    DatabaseDep,
    MentionIdPath,
    NowDep,
    Offset,
    ReadSessionDep,
)
from app.server.api.transaction import in_write_transaction
from app.server.services import followups as service

router = APIRouter(prefix="/followups", tags=["followups"], responses=ERRORS)


@router.get("", response_model=FollowupsPublic)
def list_followups(
    user: CurrentUser,
    session: ReadSessionDep,
    now: NowDep,
    scope: Annotated[str, Query(description="me (default) | all (managers)")] = "me",
    when: Annotated[str, Query(description="due (default) | upcoming | any")] = "due",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> FollowupsPublic:
    return service.list_followups(
        session, scope=scope, when=when, by=user, now=now, limit=limit, offset=offset
    )


@router.post("/{mention_id}/done", response_model=MentionPublic)
async def complete_followup(
    mention_id: MentionIdPath, user: CurrentUser, db: DatabaseDep, now: NowDep
) -> MentionPublic:
    """The owner (or a manager) checked back: the follow-up leaves the list."""
    return await in_write_transaction(
        db, lambda s: service.complete(s, mention_id, by=user, now=now)
    )
