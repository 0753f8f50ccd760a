"""A team's routing and response-time targets: anyone reads them, managers change them."""

from __future__ import annotations

from fastapi import APIRouter

from app.models.routing_schemas import (
    ResponseTargetsPublic,
    ResponseTargetsUpdate,
    RoutingPublic,
    RoutingUpdate,
)
from app.server.api.deps import (
    ERRORS,
    CurrentUser,
    DatabaseDep,
    IdPath,
    ManagerUser,
    NowDep,
    ReadSessionDep,
)
from app.server.api.transaction import in_write_transaction
from app.server.services import routing_settings as service

router = APIRouter(prefix="/teams", tags=["routing"], responses=ERRORS)


@router.get("/{team_id}/routing", response_model=RoutingPublic)
def read_routing(team_id: IdPath, _user: CurrentUser, session: ReadSessionDep) -> RoutingPublic:
    return service.get_routing(session, team_id)


@router.put("/{team_id}/routing", response_model=RoutingPublic)
async def set_routing(
    team_id: IdPath, body: RoutingUpdate, user: ManagerUser, db: DatabaseDep, now: NowDep
) -> RoutingPublic:
    """Change how the team's new mentions are handed out; fields left out keep their value.
    What waits and now has room is handed out at once."""
    return await in_write_transaction(
        db, lambda s: service.set_routing(s, team_id, body, by=user, now=now)
    )


@router.get("/{team_id}/sla", response_model=ResponseTargetsPublic)
def read_targets(
    team_id: IdPath, _user: CurrentUser, session: ReadSessionDep
) -> ResponseTargetsPublic:
    return service.get_targets(session, team_id)


@router.put("/{team_id}/sla", response_model=ResponseTargetsPublic)
async def set_targets(
    team_id: IdPath, body: ResponseTargetsUpdate, user: ManagerUser, db: DatabaseDep, now: NowDep
) -> ResponseTargetsPublic:
    """Replace the team's first-response targets (minutes per priority level); mentions
    that arrive from now on are given them."""
    return await in_write_transaction(
        db, lambda s: service.set_targets(s, team_id, body, by=user, now=now)
    )
