"""Teams: list (anyone), create and membership (admins), settings (managers), weekly rota."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from app.models.enums import Role
from app.models.schemas import (
    RotaPublic,
    RotaUpdate,
    TeamCreate,
    TeamMembersUpdate,
    TeamPublic,
    TeamsPublic,
    TeamUpdate,
)
from app.server.api.deps import (
    CurrentUser,
    ManagerUser,
    NowDep,
    ReadSessionDep,
    SessionDep,
    manager,
)
from app.server.api.users import ERRORS
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
def create_team(
    body: TeamCreate, _admin: AdminUser, session: SessionDep, now: NowDep
) -> TeamPublic:
    return service.create_team(session, body, now=now)


@router.get("/{team_id}", response_model=TeamPublic)
def read_team(team_id: int, _user: CurrentUser, session: ReadSessionDep) -> TeamPublic:
    return service.read_team(session, team_id)


@router.patch("/{team_id}", response_model=TeamPublic)
def update_team(
    team_id: int, body: TeamUpdate, user: ManagerUser, session: SessionDep
) -> TeamPublic:
    """Managers set `escalate_after_minutes` and `time_zone`; admins also rename/describe."""
    return service.update_team(session, team_id, body, by=user)


@router.put("/{team_id}/members", response_model=TeamPublic)
def set_members(
    team_id: int, body: TeamMembersUpdate, _admin: AdminUser, session: SessionDep
) -> TeamPublic:
    """Replace the whole member list."""
    return service.set_members(session, team_id, body.user_ids)


@router.post("/{team_id}/members/{user_id}", response_model=TeamPublic)
def add_member(team_id: int, user_id: int, _admin: AdminUser, session: SessionDep) -> TeamPublic:
    return service.add_member(session, team_id, user_id)


@router.delete("/{team_id}/members/{user_id}", response_model=TeamPublic)
def remove_member(team_id: int, user_id: int, _admin: AdminUser, session: SessionDep) -> TeamPublic:
    return service.remove_member(session, team_id, user_id)


@router.get("/{team_id}/rota", response_model=RotaPublic)
def read_rota(team_id: int, _user: CurrentUser, session: ReadSessionDep, now: NowDep) -> RotaPublic:
    return rota_service.get_rota(session, team_id, now)


@router.put("/{team_id}/rota", response_model=RotaPublic)
def set_rota(
    team_id: int, body: RotaUpdate, _manager: ManagerUser, session: SessionDep, now: NowDep
) -> RotaPublic:
    """Replace the weekly rota (local times in the team's zone) and apply it now."""
    return rota_service.set_rota(session, team_id, body, now=now)
