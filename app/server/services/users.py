"""People: creating users and their tokens, and duty changes (which open or close coverage
gaps, services/coverage.py, and end the on-call escalations someone coming on duty covers,
services/pages.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models.enums import Duty, EventType, Role
from app.models.schemas import UserCreate, UserCreated, UserPublic, UsersPublic
from app.models.tables import Team, User
from app.server.auth import USER_TOKEN, Principal, issue_token
from app.server.errors import Conflict, Forbidden, Invalid, NotFound
from app.server.event_log import record_event
from app.server.services.coverage import close_gaps, record_coverage_gap
from app.server.services.pages import end_covered_escalations
from app.server.services.routing import lock_routing, team_ids_of
from app.server.services.routing_queue import give_back, route_waiting
from app.server.views import user_public


def list_users(session: Session) -> UsersPublic:
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)).all()
    return UsersPublic(data=[user_public(u) for u in users], count=len(users))


def _teams(session: Session, names: list[str], *, by: Principal | None) -> list[Team]:
    """The named teams. Only an admin creates teams (here as in POST /teams and `add-team`;
    `by` None is the server's command line, an operator): for anyone else an unknown name is
    refused."""
    teams: list[Team] = []
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        team = session.scalar(select(Team).where(Team.name == name))
        if team is None:
            if by is not None and by.role is not Role.ADMIN:
                raise Invalid(
                    f"There is no team named {name!r}; only an admin creates teams. "
                    "Pick an existing team or ask an admin to create it.",
                    code="unknown_team",
                )
            team = Team(name=name)
            session.add(team)
            session.flush()
        teams.append(team)
    return teams


def create_user(
    session: Session, request: UserCreate, *, by: Principal | None, now: datetime
) -> UserCreated:
    """Create a user and their first token. Only admins create admins."""
    if by is not None and request.role is Role.ADMIN and by.role is not Role.ADMIN:
        raise Forbidden("Only an admin can create another admin.")
    if session.scalar(select(User.id).where(User.name == request.name)) is not None:
        raise Conflict(f"A user named {request.name!r} already exists.", code="name_taken")
    user = User(
        name=request.name,
        role=request.role,
        duty=Duty.OFF_DUTY,
        duty_since=now,
        created_at=now,
        teams=_teams(session, request.teams, by=by),
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(f"A user named {request.name!r} already exists.", code="name_taken") from exc
    token = issue_token(session, kind=USER_TOKEN, name=user.name, user_id=user.id)
    return UserCreated(**user_public(user).model_dump(), token=token)


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotFound(f"No user with id {user_id}.")
    return user


def me(session: Session, principal: Principal) -> UserPublic:
    assert principal.user_id is not None
    return user_public(get_user(session, principal.user_id))


def set_duty(
    session: Session, user_id: int, duty: Duty, *, by: Principal, now: datetime
) -> UserPublic:
    """Reps change only their own duty; managers and admins anyone's."""
    if by.user_id != user_id and not (by.role is not None and by.role.is_manager):
        raise Forbidden("Only a manager can change someone else's duty.")
    # The routing rows of the person's teams first, as everyone who hands out mentions
    # locks them: no mention is handed to them as they go off duty.
    team_ids = team_ids_of(session, user_id)
    lock_routing(session, team_ids)
    user = session.scalar(select(User).where(User.id == user_id).with_for_update())
    if user is None or not user.active:
        raise NotFound(f"No user with id {user_id}.")
    if user.duty is duty:
        return user_public(user)
    user.duty = duty
    user.duty_since = now
    session.flush()
    public = user_public(user)
    record_event(
        session,
        EventType.DUTY_CHANGED,
        {"user": public.model_dump(mode="json")},
        at=now,
        actor_id=by.user_id,
    )
    if duty is Duty.OFF_DUTY:
        give_back(session, user, now=now, by=by)
    route_waiting(session, now, team_ids)
    if duty is not Duty.ON_DUTY:
        record_coverage_gap(
            session,
            reason=f"{user.name} went {duty.value.replace('_', ' ')}; nobody is on duty.",
            now=now,
            mention_id=None,
            actor_id=by.user_id,
        )
    else:
        close_gaps(session, now)
        end_covered_escalations(session, user, now=now, actor_id=by.user_id)
    return public


def user_count(session: Session) -> int:
    return int(session.scalar(select(func.count(User.id))) or 0)


def admin_exists(session: Session) -> bool:
    return session.scalar(select(User.id).where(User.role == Role.ADMIN).limit(1)) is not None


def ensure_local_owner(session: Session, name: str, *, now: datetime) -> User:
    """Solo mode: the desktop's own user, an admin on duty (created once, kept afterwards)."""
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        user = User(name=name, role=Role.ADMIN, duty=Duty.ON_DUTY, duty_since=now, created_at=now)
        session.add(user)
        session.flush()
    else:
        user.active = True
        if user.role is not Role.ADMIN:
            user.role = Role.ADMIN
        if user.duty is not Duty.ON_DUTY:
            user.duty = Duty.ON_DUTY
            user.duty_since = now
        session.flush()
    return user
