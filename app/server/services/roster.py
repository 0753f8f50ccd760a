"""The duty roster: for every team (and the people in none), who is on duty, away or off duty,
and since when — what the console's roster view and the tray's duty submenu show."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.enums import Duty
from app.models.tables import RotaShift, Team, TeamMember, User
from app.models.team_schemas import RosterMember, RosterPublic, RosterTeam
from app.server.views import user_ref


def _member(user: User) -> RosterMember:
    return RosterMember(user=user_ref(user), role=user.role, duty=user.duty, since=user.duty_since)


def _group(team_id: int | None, name: str | None, people: list[User], has_rota: bool) -> RosterTeam:
    entry = RosterTeam(
        team_id=team_id, team=name, on_duty=[], away=[], off_duty=[], has_rota=has_rota
    )
    lists = {Duty.ON_DUTY: entry.on_duty, Duty.AWAY: entry.away, Duty.OFF_DUTY: entry.off_duty}
    # Longest on duty (or away, or off) first: "since when" is what the roster is read for.
    for user in sorted(people, key=lambda u: (u.duty_since, u.name)):
        lists[user.duty].append(_member(user))
    return entry


def roster(session: Session, *, now: datetime) -> RosterPublic:
    users = {
        u.id: u
        for u in session.scalars(select(User).where(User.active.is_(True)).order_by(User.id))
    }
    teams = session.scalars(select(Team).order_by(Team.name)).all()
    memberships = session.execute(select(TeamMember.team_id, TeamMember.user_id)).all()
    with_rota = set(session.scalars(select(RotaShift.team_id).distinct()))
    by_team: dict[int, list[User]] = {}
    in_a_team: set[int] = set()
    for team_id, user_id in memberships:
        if user_id in users:
            by_team.setdefault(team_id, []).append(users[user_id])
            in_a_team.add(user_id)
    groups = [_group(t.id, t.name, by_team.get(t.id, []), t.id in with_rota) for t in teams]
    loners = [u for u in users.values() if u.id not in in_a_team]
    if loners:
        groups.append(_group(None, None, loners, False))
    return RosterPublic(at=now, teams=groups)
