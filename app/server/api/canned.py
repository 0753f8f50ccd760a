"""Canned replies, the playbook and the cool-off: what the composer offers and how long a
reply waits. Anyone reads what is meant for them; managers edit."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlalchemy import select

from app.models.composer import (
    CannedCreate,
    CannedKind,
    CannedPublic,
    CannedsPublic,
    CannedUpdate,
    CoolOffPublic,
    CoolOffUpdate,
    ReplyAccountPublic,
    ReplyAccountsPublic,
)
from app.models.tables import Account
from app.server.api.deps import (
    ERRORS,
    CurrentUser,
    IdPath,
    ManagerUser,
    NowDep,
    ReadSessionDep,
    SessionDep,
)
from app.server.services import canned as service
from app.server.services import cool_off as cool_off_service

router = APIRouter(tags=["composer"], responses=ERRORS)


@router.get("/canned", response_model=CannedsPublic)
def list_canned(
    user: CurrentUser, session: ReadSessionDep, kind: CannedKind | None = None
) -> CannedsPublic:
    """Canned replies and playbook entries for the caller's role and teams (managers: all)."""
    return service.list_canned(session, by=user, kind=kind)


@router.post("/canned", response_model=CannedPublic, status_code=status.HTTP_201_CREATED)
def create_canned(
    body: CannedCreate, user: ManagerUser, session: SessionDep, now: NowDep
) -> CannedPublic:
    return service.create_canned(session, body, by=user, now=now)


@router.patch("/canned/{canned_id}", response_model=CannedPublic)
def update_canned(
    canned_id: IdPath, body: CannedUpdate, user: ManagerUser, session: SessionDep, now: NowDep
) -> CannedPublic:
    return service.update_canned(session, canned_id, body, now=now, by=user)


@router.delete("/canned/{canned_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_canned(
    canned_id: IdPath, user: ManagerUser, session: SessionDep, now: NowDep
) -> Response:
    service.delete_canned(session, canned_id, now=now, by=user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/cool-off", response_model=CoolOffPublic)
def my_cool_off(user: CurrentUser, session: ReadSessionDep) -> CoolOffPublic:
    """The caller's cool-off: the longest of their teams' settings, else 20 s / 60 s."""
    return cool_off_service.my_cool_off(session, by=user)


@router.get("/teams/{team_id}/cool-off", response_model=CoolOffPublic)
def read_team_cool_off(
    team_id: IdPath, _user: CurrentUser, session: ReadSessionDep
) -> CoolOffPublic:
    return cool_off_service.team_cool_off(session, team_id)


@router.put("/teams/{team_id}/cool-off", response_model=CoolOffPublic)
def set_team_cool_off(
    team_id: IdPath, body: CoolOffUpdate, user: ManagerUser, session: SessionDep, now: NowDep
) -> CoolOffPublic:
    return cool_off_service.set_team_cool_off(session, team_id, body, by=user, now=now)


@router.get("/reply-accounts", response_model=ReplyAccountsPublic)
def reply_accounts(_user: CurrentUser, session: ReadSessionDep) -> ReplyAccountsPublic:
    """The brand accounts replies go out as (names only), so the composer can say which."""
    rows = session.execute(
        select(Account.id, Account.network, Account.name).order_by(Account.id)
    ).all()
    data = [ReplyAccountPublic(id=r[0], network=r[1].value, name=r[2]) for r in rows]
    return ReplyAccountsPublic(data=data, count=len(data))
