"""Broadcasts: managers send, everyone lists and acknowledges."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from app.models.schemas import BroadcastCreate, BroadcastPublic, BroadcastsPublic
from app.server.api.deps import (
    ERRORS,
    CurrentUser,
    DatabaseDep,
    IdPath,
    ManagerUser,
    NowDep,
    Offset,
    ReadSessionDep,
)
from app.server.api.transaction import in_write_transaction
from app.server.errors import Invalid
from app.server.services import broadcasts as service

router = APIRouter(prefix="/broadcasts", tags=["broadcasts"], responses=ERRORS)


@router.post("", response_model=BroadcastPublic, status_code=status.HTTP_201_CREATED)
async def send_broadcast(
    body: BroadcastCreate, manager: ManagerUser, db: DatabaseDep, now: NowDep
) -> BroadcastPublic:
    """Send a note to every console (`broadcast.sent`)."""
    return await in_write_transaction(db, lambda s: service.send(s, body, by=manager, now=now))


@router.get("", response_model=BroadcastsPublic)
def list_broadcasts(
    user: CurrentUser,
    session: ReadSessionDep,
    unacked: Annotated[
        str | None, Query(description="'me': only those I have not acknowledged yet")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> BroadcastsPublic:
    """Newest first, each with who acknowledged it and which on-duty people have not."""
    if unacked not in (None, "me"):
        raise Invalid("unacked accepts only 'me'.")
    unacked_by = user.user_id if unacked == "me" else None
    return service.list_broadcasts(session, unacked_by=unacked_by, limit=limit, offset=offset)


@router.get("/{broadcast_id}", response_model=BroadcastPublic)
def read_broadcast(
    broadcast_id: IdPath, _user: CurrentUser, session: ReadSessionDep
) -> BroadcastPublic:
    return service.get_broadcast(session, broadcast_id)


@router.post("/{broadcast_id}/ack", response_model=BroadcastPublic)
async def acknowledge_broadcast(
    broadcast_id: IdPath, user: CurrentUser, db: DatabaseDep, now: NowDep
) -> BroadcastPublic:
    """Idempotent: acknowledging twice changes nothing the second time."""
    return await in_write_transaction(
        db, lambda s: service.acknowledge(s, broadcast_id, by=user, now=now)
    )
