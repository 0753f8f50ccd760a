"""Storms: the spikes of volume or anger the server found, open ones or all, and one storm."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.models.storm_schemas import StormPublic, StormsPublic
from app.server.api.deps import ERRORS, CurrentUser, IdPath, Offset, ReadSessionDep
from app.server.services import storms as service

router = APIRouter(prefix="/storms", tags=["storms"], responses=ERRORS)


@router.get("", response_model=StormsPublic)
def list_storms(
    user: CurrentUser,
    session: ReadSessionDep,
    state: Annotated[str, Query(pattern="^(open|all)$", description="open (default) | all")] = (
        "open"
    ),
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> StormsPublic:
    """Storms newest first, with their risen phrases and hashtags, groups and counts."""
    return service.list_storms(session, state=state, limit=limit, offset=offset)


@router.get("/{storm_id}", response_model=StormPublic)
def storm_detail(storm_id: IdPath, user: CurrentUser, session: ReadSessionDep) -> StormPublic:
    """One storm; 404 with a sentence when there is none."""
    return service.storm_public(session, service.get_storm(session, storm_id))
