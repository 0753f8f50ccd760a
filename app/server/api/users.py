"""Users: the caller (/me), the list and creation (managers), duty (self or manager), coverage."""

from __future__ import annotations

from fastapi import APIRouter, status

from app.models.schemas import (
    CoveragePublic,
    DutyUpdate,
    UserCreate,
    UserCreated,
    UserPublic,
    UsersPublic,
)
from app.server.api.deps import (
    ERRORS,
    CurrentUser,
    IdPath,
    ManagerUser,
    NowDep,
    ReadSessionDep,
    SessionDep,
)
from app.server.services import users as service
from app.server.services.coverage import coverage as coverage_now

router = APIRouter(tags=["users"], responses=ERRORS)


@router.get("/me", response_model=UserPublic)
def read_me(user: CurrentUser, session: ReadSessionDep) -> UserPublic:
    return service.me(session, user)


@router.get("/users", response_model=UsersPublic)
def list_users(_manager: ManagerUser, session: ReadSessionDep) -> UsersPublic:
    return service.list_users(session)


@router.post("/users", response_model=UserCreated, status_code=status.HTTP_201_CREATED)
def create_user(
    body: UserCreate, manager: ManagerUser, session: SessionDep, now: NowDep
) -> UserCreated:
    """Create a user; the response carries their token, shown this once."""
    return service.create_user(session, body, by=manager, now=now)


@router.put("/users/{user_id}/duty", response_model=UserPublic)
def set_duty(
    user_id: IdPath, body: DutyUpdate, user: CurrentUser, session: SessionDep, now: NowDep
) -> UserPublic:
    return service.set_duty(session, user_id, body.duty, by=user, now=now)


@router.get("/coverage", response_model=CoveragePublic)
def coverage(_user: CurrentUser, session: ReadSessionDep) -> CoveragePublic:
    return coverage_now(session)
