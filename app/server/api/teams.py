"""Teams: list (anyone), create and membership (admins), settings (managers), weekly rota."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from app.models.enums import Role
from app.models.team_schemas import (
    RotaPublic,
    RotaUpdate,
    TeamCreate,
    TeamMembersUpdate,
    TeamPublic,
    TeamsPublic,
    TeamUpdate,
)
from app.server.api.deps import (
    ERRORS,
    CurrentUser,
    DatabaseDep,
    IdPath,
    ManagerUser,
    NowDep,
    ReadSessionDep,
    manager,
)
from app.server.api.transaction import in_write_transaction
from app.server.auth import Principal
from app.server.errors import Forbidden
from app.server.services import rota as rota_service
from app.server.services import teams as service

router = APIRouter(prefix="/teams", tags=["teams"], responses=ERRORS)


async def admin(user: Annotated[Principal, Depends(manager)]) -> Principal:
    if user.role is not Role.ADMIN:
        raise Forbidden("Only an admin can do this.", code="role")
    return user


AdminUser = Annotated[Principal, Depends(admin)]


@router.get("", response_model=TeamsPublic)
def list_teams(_user: CurrentUser, session: ReadSessionDep) -> TeamsPublic:
    return service.list_teams(session)


@router.post("", response_model=TeamPublic, status_code=status.HTTP_201_CREATED)
async def create_team(
    body: TeamCreate, _admin: AdminUser, db: DatabaseDep, now: NowDep
) -> TeamPublic:
    return await in_write_transaction(db, lambda s: service.create_team(s, body, now=now))


@router.get("/{team_id}", response_model=TeamPublic)
def read_team(team_id: IdPath, _user: CurrentUser, session: ReadSessionDep) -> TeamPublic:
    return service.read_team(session, team_id)


@router.patch("/{team_id}", response_model=TeamPublic)
async def update_team(
    team_id: IdPath, body: TeamUpdate, user: ManagerUser, db: DatabaseDep, now: NowDep
) -> TeamPublic:
    """Managers set `escalate_after_minutes` and `time_zone`; admins also rename/describe."""
    return await in_write_transaction(
        db, lambda s: service.update_team(s, team_id, body, by=user, now=now)
    )


@router.put("/{team_id}/members", response_model=TeamPublic)
async def set_members(
    team_id: IdPath, body: TeamMembersUpdate, admin: AdminUser, db: DatabaseDep, now: NowDep
) -> TeamPublic:
    """Replace the whole member list."""
    return await in_write_transaction(
        db, lambda s: service.set_members(s, team_id, body.user_ids, by=admin, now=now)
    )


@router.post("/{team_id}/members/{user_id}", response_model=TeamPublic)
async def add_member(
    team_id: IdPath, user_id: IdPath, admin: AdminUser, db: DatabaseDep, now: NowDep
) -> TeamPublic:
    return await in_write_transaction(
        db, lambda s: service.add_member(s, team_id, user_id, by=admin, now=now)
    )


@router.delete("/{team_id}/members/{user_id}", response_model=TeamPublic)
async def remove_member(
    team_id: IdPath, user_id: IdPath, admin: AdminUser, db: DatabaseDep, now: NowDep
) -> TeamPublic:
    return await in_write_transaction(
        db, lambda s: service.remove_member(s, team_id, user_id, by=admin, now=now)
    )


@router.get("/{team_id}/rota", response_model=RotaPublic)
def read_rota(
    team_id: IdPath, _user: CurrentUser, session: ReadSessionDep, now: NowDep
) -> RotaPublic:
    return rota_service.get_rota(session, team_id, now)


@router.put("/{team_id}/rota", response_model=RotaPublic)
async def set_rota(
    team_id: IdPath, body: RotaUpdate, _manager: ManagerUser, db: DatabaseDep, now: NowDep
) -> RotaPublic:
    """Replace the weekly rota (local times in the team's zone) and apply it now."""
    return await in_write_transaction(
        db, lambda s: rota_service.set_rota(s, team_id, body, now=now)
    )
