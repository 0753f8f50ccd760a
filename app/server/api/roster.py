"""The duty roster: who is on duty, away or off, per team, since when."""

from __future__ import annotations

from fastapi import APIRouter

from app.models.team_schemas import RosterPublic
from app.server.api.deps import ERRORS, CurrentUser, NowDep, ReadSessionDep
from app.server.services import roster as service

router = APIRouter(tags=["roster"], responses=ERRORS)


@router.get("/roster", response_model=RosterPublic)
def read_roster(_user: CurrentUser, session: ReadSessionDep, now: NowDep) -> RosterPublic:
    return service.roster(session, now=now)
