"""Each team's on-call order: who an urgent mention with nobody on duty pages first, second, ….

A manager may set the order by hand; with none set (or after setting an empty one) it follows
the rota: the team's managers (and admins) on the rota now first, then by the start of their
next shift, then the team's other managers by name. The overall order — for a mention no team
watches — is every manager, by the same rule over every team's rota."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models.enums import Role
from app.models.on_call_schemas import OnCallPublic, OnCallUpdate
from app.models.on_call_tables import OnCallPlace
from app.models.tables import RotaShift, Team, TeamMember, User
from app.server.errors import Invalid
from app.server.services.teams import get_team, is_member, zone
from app.server.services.users import get_user
from app.server.services.working_time import shift_intervals
from app.server.views import user_ref

# The overall order has no team row to keep its own.
DEFAULT_PAGE_ESCALATE_MINUTES = 5
_LOOK_AHEAD = timedelta(days=8)

Source = Literal["rota", "manual"]


def escalate_after(team: Team | None) -> timedelta:
    minutes = team.page_escalate_minutes if team is not None else DEFAULT_PAGE_ESCALATE_MINUTES
    return timedelta(minutes=minutes)


def _managers(session: Session, team_id: int | None) -> list[User]:
    query = select(User).where(User.active.is_(True), User.role.in_((Role.MANAGER, Role.ADMIN)))
    if team_id is not None:
        query = query.join(TeamMember, TeamMember.user_id == User.id).where(
            TeamMember.team_id == team_id
        )
    return list(session.scalars(query.order_by(User.name)))


def _rota_order(session: Session, team_id: int | None, now: datetime) -> list[User]:
    managers = _managers(session, team_id)
    query = select(RotaShift).where(RotaShift.user_id.in_([u.id for u in managers]))
    if team_id is not None:
        query = query.where(RotaShift.team_id == team_id)
    shifts = list(session.scalars(query))
    zones = {
        t.id: zone(t.time_zone)
        for t in session.scalars(select(Team).where(Team.id.in_({s.team_id for s in shifts})))
    }
    on_now: set[int] = set()
    next_start: dict[int, datetime] = {}
    for shift in shifts:
        for begins, ends in shift_intervals(shift, zones[shift.team_id], now, now + _LOOK_AHEAD):
            if begins <= now < ends:
                on_now.add(shift.user_id)
            elif now < begins and begins < next_start.get(shift.user_id, now + _LOOK_AHEAD):
                next_start[shift.user_id] = begins
    far = now + _LOOK_AHEAD

    def rank(user: User) -> tuple[int, datetime, str]:
        if user.id in on_now:
            return (0, now, user.name)
        if user.id in next_start:
            return (1, next_start[user.id], user.name)
        return (2, far, user.name)

    return sorted(managers, key=rank)


def _manual_order(session: Session, team_id: int) -> list[User]:
    rows = session.execute(
        select(User)
        .join(OnCallPlace, OnCallPlace.user_id == User.id)
        .join(
            TeamMember,
            (TeamMember.user_id == User.id) & (TeamMember.team_id == OnCallPlace.team_id),
        )
        .where(OnCallPlace.team_id == team_id, User.active.is_(True))
        .order_by(OnCallPlace.position)
    ).scalars()
    return list(rows)


def order_of(session: Session, team: Team | None, now: datetime) -> tuple[list[User], Source]:
    """The order pages follow now, and where it comes from."""
    if team is None:
        return _rota_order(session, None, now), "rota"
    manual = _manual_order(session, team.id)
    if manual:
        return manual, "manual"
    return _rota_order(session, team.id, now), "rota"


def on_call_public(session: Session, team: Team, now: datetime) -> OnCallPublic:
    order, source = order_of(session, team, now)
    return OnCallPublic(
        team_id=team.id,
        team=team.name,
        order=[user_ref(u) for u in order],
        source=source,
        escalate_after_minutes=team.page_escalate_minutes,
    )


def read_on_call(session: Session, team_id: int, now: datetime) -> OnCallPublic:
    return on_call_public(session, get_team(session, team_id), now)


def set_on_call(
    session: Session, team_id: int, request: OnCallUpdate, *, now: datetime
) -> OnCallPublic:
    """Replace the team's manual order (managers; the route checks): every person must be in
    the team, each once; an empty list follows the rota again."""
    team = get_team(session, team_id, for_update=True)
    if len(set(request.user_ids)) != len(request.user_ids):
        raise Invalid("Each person can have only one place in the on-call order.")
    people: Sequence[User] = [get_user(session, user_id) for user_id in request.user_ids]
    for person in people:
        if not is_member(session, team.id, person.id):
            raise Invalid(f"{person.name} is not in team {team.name!r}; add them to it first.")
    session.execute(delete(OnCallPlace).where(OnCallPlace.team_id == team.id))
    for position, person in enumerate(people):
        session.add(OnCallPlace(team_id=team.id, user_id=person.id, position=position))
    if request.escalate_after_minutes is not None:
        team.page_escalate_minutes = request.escalate_after_minutes
    session.flush()
    return on_call_public(session, team, now)
