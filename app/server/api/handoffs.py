"""Handoffs: hand a mention to a person or a team, list the boxes, accept, decline."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from app.models.schemas import HandoffCreate, HandoffDecline, HandoffPublic, HandoffsPublic
from app.server.api.deps import (
    ERRORS,
    CurrentUser,
    DatabaseDep,
    IdPath,
    MentionIdQuery,
    NowDep,
    Offset,
    ReadSessionDep,
)
from app.server.api.transaction import in_write_transaction
from app.server.services import handoffs as service

router = APIRouter(prefix="/handoffs", tags=["handoffs"], responses=ERRORS)


@router.post("", response_model=HandoffPublic, status_code=status.HTTP_201_CREATED)
async def create_handoff(
    body: HandoffCreate, user: CurrentUser, db: DatabaseDep, now: NowDep
) -> HandoffPublic:
    """Hand a mention (that you own, or nobody owns; managers: any) to `to_user_id` or
    `to_team` with a note. The mention's status becomes `handoff` until it is answered."""
    return await in_write_transaction(db, lambda s: service.create(s, body, by=user, now=now))


@router.get("", response_model=HandoffsPublic)
def list_handoffs(
    user: CurrentUser,
    session: ReadSessionDep,
    now: NowDep,
    box: Annotated[
        str | None,
        Query(
            description="to_me | to_my_teams | from_me | all (managers); default: all three of mine"
        ),
    ] = None,
    status: Annotated[
        str | None, Query(description="open (default: pending or escalated), all, or a list")
    ] = None,
    mention_id: MentionIdQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> HandoffsPublic:
    """Oldest first, each with `waiting_seconds`."""
    return service.list_handoffs(
        session,
        box=box,
        statuses=service.parse_statuses(status),
        mention_id=mention_id,
        by=user,
        now=now,
        limit=limit,
        offset=offset,
    )


@router.get("/{handoff_id}", response_model=HandoffPublic)
def read_handoff(
    handoff_id: IdPath, user: CurrentUser, session: ReadSessionDep, now: NowDep
) -> HandoffPublic:
    """Its sender, its recipient (or a member of the recipient team) and managers only."""
    return service.get_handoff(session, handoff_id, by=user, now=now)


@router.post("/{handoff_id}/accept", response_model=HandoffPublic)
async def accept_handoff(
    handoff_id: IdPath, user: CurrentUser, db: DatabaseDep, now: NowDep
) -> HandoffPublic:
    """The recipient (or someone on duty in the recipient team) becomes the owner; when a
    whole team presses accept at once, one wins and the others get 409."""
    return await in_write_transaction(db, lambda s: service.accept(s, handoff_id, by=user, now=now))


@router.post("/{handoff_id}/decline", response_model=HandoffPublic)
async def decline_handoff(
    handoff_id: IdPath, body: HandoffDecline, user: CurrentUser, db: DatabaseDep, now: NowDep
) -> HandoffPublic:
    """Decline with a reason; the mention returns to the sender."""
    return await in_write_transaction(
        db, lambda s: service.decline(s, handoff_id, body.reason, by=user, now=now)
    )
