"""Users: the caller (/me), the list and creation (managers), duty (self or manager), coverage;
revoking tokens (admin, or the user's own) and changing or deactivating a user (admin)."""

from __future__ import annotations

from fastapi import APIRouter, status

from app.models.schemas import (
    CoveragePublic,
    DutyUpdate,
    TokensRevoked,
    UserCreate,
    UserCreated,
    UserPublic,
    UsersPublic,
    UserUpdate,
)
from app.server.api.deps import (
    ERRORS,
    CurrentUser,
    DatabaseDep,
    IdPath,
    ManagerUser,
    NowDep,
    ReadSessionDep,
    SessionDep,
    TokenCacheDep,
)
from app.server.api.transaction import in_write_transaction
from app.server.services import user_admin
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


@router.put("/users/{user_id}", response_model=UserPublic)
async def update_user(
    user_id: IdPath,
    body: UserUpdate,
    user: CurrentUser,
    db: DatabaseDep,
    cache: TokenCacheDep,
    now: NowDep,
) -> UserPublic:
    """Admins: change `role`, or `{"active": false}` to deactivate (their tokens are revoked,
    their open mentions go back to the queue, handoffs waiting on them are cancelled). Open
    event streams follow within seconds: closed, or re-filtered for the new role."""
    updated = await in_write_transaction(
        db, lambda s: user_admin.update_user(s, user_id, body, by=user, now=now)
    )
    cache.forget_user(user_id)
    return updated


@router.delete("/users/{user_id}/tokens", response_model=TokensRevoked)
async def revoke_tokens(
    user_id: IdPath, user: CurrentUser, db: DatabaseDep, cache: TokenCacheDep, now: NowDep
) -> TokensRevoked:
    """Revoke every token of the user (admins; anyone their own): they answer 401 within
    5 s on every server process, and open event streams close."""
    revoked = await in_write_transaction(
        db, lambda s: user_admin.revoke_user_tokens(s, user_id, by=user, now=now)
    )
    cache.forget_user(user_id)
    return revoked


@router.put("/users/{user_id}/duty", response_model=UserPublic)
def set_duty(
    user_id: IdPath, body: DutyUpdate, user: CurrentUser, session: SessionDep, now: NowDep
) -> UserPublic:
    return service.set_duty(session, user_id, body.duty, by=user, now=now)


@router.get("/coverage", response_model=CoveragePublic)
def coverage(_user: CurrentUser, session: ReadSessionDep) -> CoveragePublic:
    return coverage_now(session)
