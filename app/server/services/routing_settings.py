"""A team's routing and response-time targets as managers set them (`/teams/{id}/routing`,
`/teams/{id}/sla`): reading them, and changing them. A change of routing hands out at once
what now has room (a raised capacity, a mode that hands out); new targets apply to mentions
that arrive from then on."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.enums import PriorityLevel, RoutingMode
from app.models.routing_schemas import (
    ResponseTargetsPublic,
    ResponseTargetsUpdate,
    RoutingPublic,
    RoutingUpdate,
)
from app.models.routing_tables import TeamResponseTargets, TeamRouting
from app.models.tables import RotaShift, Team, User
from app.server.auth import Principal
from app.server.errors import Forbidden
from app.server.services.routing_book import forget_routing_book
from app.server.services.routing_queue import route_waiting
from app.server.services.teams import get_team
from app.server.views import user_ref

DEFAULT_CAPACITY = 10


def _require_manager(by: Principal, what: str) -> None:
    if by.role is None or not by.role.is_manager:
        raise Forbidden(f"Only a manager can change a team's {what}.", code="role")


def _updated_by(session: Session, user_id: int | None) -> User | None:
    return session.get(User, user_id) if user_id is not None else None


def _routing_public(session: Session, team: Team, row: TeamRouting | None) -> RoutingPublic:
    updated_by = _updated_by(session, row.updated_by_id) if row is not None else None
    return RoutingPublic(
        team_id=team.id,
        team=team.name,
        saved=row is not None,
        mode=row.mode if row is not None else RoutingMode.MANUAL,
        capacity=row.capacity if row is not None else DEFAULT_CAPACITY,
        languages=list(row.languages) if row is not None else [],
        networks=list(row.networks) if row is not None else [],
        keywords=list(row.keywords) if row is not None else [],
        priorities=[PriorityLevel(p) for p in row.priorities] if row is not None else [],
        updated_at=row.updated_at if row is not None else None,
        updated_by=user_ref(updated_by) if updated_by is not None else None,
    )


def get_routing(session: Session, team_id: int) -> RoutingPublic:
    team = get_team(session, team_id)
    return _routing_public(session, team, session.get(TeamRouting, team_id))


def set_routing(
    session: Session, team_id: int, request: RoutingUpdate, *, by: Principal, now: datetime
) -> RoutingPublic:
    """Change the team's routing (managers): fields left out keep their value; the first save
    makes the team route (its rules decide which new mentions are its)."""
    _require_manager(by, "routing")
    team = get_team(session, team_id, for_update=True)
    row = session.get(TeamRouting, team_id, with_for_update=True)
    if row is None:
        row = TeamRouting(
            team_id=team_id,
            mode=RoutingMode.MANUAL,
            capacity=DEFAULT_CAPACITY,
            languages=[],
            networks=[],
            keywords=[],
            priorities=[],
        )
        session.add(row)
    if request.mode is not None:
        row.mode = request.mode
    if request.capacity is not None:
        row.capacity = request.capacity
    if request.languages is not None:
        row.languages = _distinct(x.strip().lower() for x in request.languages)
    if request.networks is not None:
        row.networks = _distinct(n.value for n in request.networks)
    if request.keywords is not None:
        row.keywords = _distinct(k.strip() for k in request.keywords)
    if request.priorities is not None:
        row.priorities = _distinct(p.value for p in request.priorities)
    row.updated_at = now
    row.updated_by_id = by.user_id
    session.flush()
    forget_routing_book(session)
    route_waiting(session, now, [team_id])
    return _routing_public(session, team, row)


def _distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _targets_public(
    session: Session, team: Team, row: TeamResponseTargets | None
) -> ResponseTargetsPublic:
    has_rota = session.scalar(select(RotaShift.id).where(RotaShift.team_id == team.id).limit(1))
    updated_by = _updated_by(session, row.updated_by_id) if row is not None else None
    return ResponseTargetsPublic(
        team_id=team.id,
        team=team.name,
        first_response_minutes={
            PriorityLevel(level): minutes
            for level, minutes in (row.first_response_minutes if row else {}).items()
        },
        time_zone=team.time_zone,
        rota_hours=has_rota is not None,
        updated_at=row.updated_at if row is not None else None,
        updated_by=user_ref(updated_by) if updated_by is not None else None,
    )


def get_targets(session: Session, team_id: int) -> ResponseTargetsPublic:
    team = get_team(session, team_id)
    return _targets_public(session, team, session.get(TeamResponseTargets, team_id))


def set_targets(
    session: Session,
    team_id: int,
    request: ResponseTargetsUpdate,
    *,
    by: Principal,
    now: datetime,
) -> ResponseTargetsPublic:
    """Replace the team's targets (managers). Mentions already waiting keep their due time."""
    _require_manager(by, "response times")
    team = get_team(session, team_id, for_update=True)
    row = session.get(TeamResponseTargets, team_id)
    if row is None:
        row = TeamResponseTargets(team_id=team_id)
        session.add(row)
    row.first_response_minutes = {
        level.value: minutes for level, minutes in request.first_response_minutes.items()
    }
    row.updated_at = now
    row.updated_by_id = by.user_id
    session.flush()
    forget_routing_book(session)
    return _targets_public(session, team, row)
