"""The manager overview's history: first-response times and duty coverage over the past days."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.models.team_schemas import OverviewPublic
from app.server.api.deps import ERRORS, ManagerUser, NowDep, ReadSessionDep
from app.server.services import overview as service

router = APIRouter(tags=["overview"], responses=ERRORS)

MAX_DAYS = 31


@router.get("/overview", response_model=OverviewPublic)
def read_overview(
    _user: ManagerUser,
    session: ReadSessionDep,
    now: NowDep,
    days: Annotated[
        int, Query(ge=1, le=MAX_DAYS, description="Whole UTC days, the last one ending now.")
    ] = 7,
) -> OverviewPublic:
    return service.overview(session, now=now, days=days)
