"""Teams (functions such as support, billing, legal): listing, creating and renaming them,
their settings (escalation time, rota time zone) and who belongs to them.

A change of someone's teams is announced as `duty.changed` with their full `UserPublic` (and
`"reason": "teams"`): consoles already reload coverage and the roster on that event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.enums import EventType, Role
from app.models.tables import Team, TeamMember, User
from app.models.team_schemas import TeamCreate, TeamPublic, TeamsPublic, TeamUpdate
from app.server.auth import Principal
from app.server.errors import Conflict, Forbidden, Invalid, NotFound
from app.server.event_log import record_event
from app.server.services.routing_book import forget_routing_book
from app.server.services.users import get_user
from app.server.services.zones import zone as zone  # re-exported
from app.server.views import user_public, user_ref


def _members(session: Session, team_ids: Sequence[int]) -> dict[int, list[User]]:
    if not team_ids:
        return {}
    rows = session.execute(
        select(TeamMember.team_id, User)
        .join(User, User.id == TeamMember.user_id)
        .where(TeamMember.team_id.in_(team_ids), User.active.is_(True))
        .order_by(User.name)
    ).all()
    members: dict[int, list[User]] = {}
    for team_id, user in rows:
        members.setdefault(team_id, []).append(user)
    return members


def team_public(team: Team, members: Sequence[User]) -> TeamPublic:
    return TeamPublic(
        id=team.id,
        name=team.name,
        description=team.description,
        time_zone=team.time_zone,
        escalate_after_minutes=team.escalate_after_minutes,
        members=[user_ref(u) for u in members],
        created_at=team.created_at,
    )


def get_team(session: Session, team_id: int, *, for_update: bool = False) -> Team:
    query = select(Team).where(Team.id == team_id)
    if for_update:
        query = query.with_for_update()
    team = session.scalar(query)
    if team is None:
        raise NotFound(f"No team with id {team_id}.")
    return team


def read_team(session: Session, team_id: int) -> TeamPublic:
    team = get_team(session, team_id)
    return team_public(team, _members(session, [team.id]).get(team.id, []))


def list_teams(session: Session) -> TeamsPublic:
    teams = session.scalars(select(Team).order_by(Team.name)).all()
    members = _members(session, [t.id for t in teams])
    return TeamsPublic(
        data=[team_public(t, members.get(t.id, [])) for t in teams], count=len(teams)
    )


def _name_free(session: Session, name: str, but: int | None = None) -> None:
    existing = session.scalar(select(Team.id).where(Team.name == name))
    if existing is not None and existing != but:
        raise Conflict(f"A team named {name!r} already exists.", code="name_taken")


def create_team(session: Session, request: TeamCreate, *, now: datetime) -> TeamPublic:
    name = request.name.strip()
    if not name:
        raise Invalid("A team needs a name.")
    zone(request.time_zone)
    _name_free(session, name)
    team = Team(
        name=name,
        description=request.description.strip(),
        time_zone=request.time_zone,
        escalate_after_minutes=request.escalate_after_minutes,
        created_at=now,
    )
    session.add(team)
    session.flush()
    return team_public(team, [])


def update_team(
    session: Session, team_id: int, request: TeamUpdate, *, by: Principal, now: datetime
) -> TeamPublic:
    """Admins rename and describe; managers (and admins) set escalation time and time zone."""
    team = get_team(session, team_id, for_update=True)
    if (request.name is not None or request.description is not None) and by.role is not Role.ADMIN:
        raise Forbidden("Only an admin can rename or describe a team.", code="role")
    if request.name is not None:
        name = request.name.strip()
        if not name:
            raise Invalid("A team needs a name.")
        _name_free(session, name, but=team.id)
        renamed = name != team.name
        team.name = name
        forget_routing_book(session)  # routing's reasons name the team
        if renamed:
            session.flush()
            members = set(
                session.scalars(select(TeamMember.user_id).where(TeamMember.team_id == team.id))
            )
            _announce(session, members, by=by, now=now)
    if request.description is not None:
        team.description = request.description.strip()
    if request.time_zone is not None:
        zone(request.time_zone)
        team.time_zone = request.time_zone
        forget_routing_book(session)  # response clocks count in the team's zone
        team.rota_applied_until = None  # the rota now means other instants: apply it afresh
    if request.escalate_after_minutes is not None:
        team.escalate_after_minutes = request.escalate_after_minutes
    session.flush()
    return read_team(session, team.id)


def set_members(
    session: Session, team_id: int, user_ids: Sequence[int], *, by: Principal, now: datetime
) -> TeamPublic:
    """Replace the team's members with exactly `user_ids` (admins)."""
    team = get_team(session, team_id, for_update=True)
    wanted = list(dict.fromkeys(user_ids))
    for user_id in wanted:
        get_user(session, user_id)  # 404 for an unknown id before anything changes
    current = set(session.scalars(select(TeamMember.user_id).where(TeamMember.team_id == team.id)))
    for user_id in current - set(wanted):
        member = session.get(TeamMember, (team.id, user_id))
        if member is not None:
            session.delete(member)
    for user_id in wanted:
        if user_id not in current:
            session.add(TeamMember(team_id=team.id, user_id=user_id))
    session.flush()
    _announce(session, set(wanted) ^ current, by=by, now=now)
    return read_team(session, team.id)


def add_member(
    session: Session, team_id: int, user_id: int, *, by: Principal, now: datetime
) -> TeamPublic:
    team = get_team(session, team_id, for_update=True)
    get_user(session, user_id)
    if session.get(TeamMember, (team.id, user_id)) is None:
        session.add(TeamMember(team_id=team.id, user_id=user_id))
        session.flush()
        _announce(session, {user_id}, by=by, now=now)
    return read_team(session, team.id)


def remove_member(
    session: Session, team_id: int, user_id: int, *, by: Principal, now: datetime
) -> TeamPublic:
    team = get_team(session, team_id, for_update=True)
    member = session.get(TeamMember, (team.id, user_id))
    if member is None:
        raise NotFound(f"User {user_id} is not in team {team.name!r}.")
    session.delete(member)
    session.flush()
    _announce(session, {user_id}, by=by, now=now)
    return read_team(session, team.id)


def _announce(session: Session, user_ids: set[int], *, by: Principal, now: datetime) -> None:
    """Membership rows changed underneath `User.teams`: reload it, then tell the consoles."""
    for user_id in sorted(user_ids):
        user = session.get(User, user_id)
        if user is None:
            continue
        session.refresh(user, ["teams"])
        record_event(
            session,
            EventType.DUTY_CHANGED,
            {"user": user_public(user).model_dump(mode="json"), "reason": "teams"},
            at=now,
            actor_id=by.user_id,
        )


def is_member(session: Session, team_id: int, user_id: int) -> bool:
    return session.get(TeamMember, (team_id, user_id)) is not None
