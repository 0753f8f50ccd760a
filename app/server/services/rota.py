"""The weekly rota: per team, shifts written in the team's local time (IANA zone, so daylight
saving is honoured) that switch people's duty automatically at each shift boundary.

A manual duty change holds until the person's next rota boundary: the rota acts only when a
boundary (a shift's start or end) has passed since it last ran for that team, and then sets
each affected person to on duty if any shift of any team covers them now, else off duty."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.enums import Duty, Role
from app.models.tables import RotaShift, Team, User
from app.models.team_schemas import RotaPublic, RotaShiftPublic, RotaUpdate
from app.server.auth import USER_TOKEN, Principal
from app.server.errors import Invalid
from app.server.services.routing_book import forget_routing_book
from app.server.services.teams import get_team, is_member, zone
from app.server.services.users import get_user, set_duty
from app.server.services.working_time import shift_intervals
from app.server.views import user_ref, users_by_id

# Duty changes made by the rota carry no actor (the event's actor_id is null).
ROTA = Principal(kind=USER_TOKEN, name="rota", user_id=None, role=Role.ADMIN)
# After a longer pause (server down) only the current state matters, not every boundary missed.
MAX_CATCH_UP = timedelta(days=8)
DAY_MINUTES = 24 * 60


def parse_hhmm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def format_hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def on_rota_at(shifts: Iterable[tuple[RotaShift, ZoneInfo]], at: datetime) -> set[int]:
    """Users whom some shift puts on duty at `at`."""
    return {
        shift.user_id
        for shift, tz in shifts
        if any(a <= at < b for a, b in shift_intervals(shift, tz, at, at))
    }


def _shifts_of(session: Session, team_ids: Sequence[int] | None = None) -> list[RotaShift]:
    query = select(RotaShift).order_by(RotaShift.team_id, RotaShift.weekday, RotaShift.start_minute)
    if team_ids is not None:
        query = query.where(RotaShift.team_id.in_(team_ids))
    return list(session.scalars(query))


def _rota_public(
    session: Session, team: Team, shifts: Sequence[RotaShift], now: datetime
) -> RotaPublic:
    tz = zone(team.time_zone)
    users = users_by_id(session, {s.user_id for s in shifts})
    on_now = on_rota_at(((s, tz) for s in shifts), now)
    return RotaPublic(
        team_id=team.id,
        team=team.name,
        time_zone=team.time_zone,
        shifts=[
            RotaShiftPublic(
                weekday=s.weekday,
                start=format_hhmm(s.start_minute),
                end=format_hhmm(s.end_minute),
                user=user_ref(users[s.user_id]),
            )
            for s in shifts
            if s.user_id in users
        ],
        on_rota_now=[user_ref(users[i]) for i in sorted(on_now) if i in users],
    )


def get_rota(session: Session, team_id: int, now: datetime) -> RotaPublic:
    team = get_team(session, team_id)
    return _rota_public(session, team, _shifts_of(session, [team.id]), now)


def set_rota(session: Session, team_id: int, request: RotaUpdate, *, now: datetime) -> RotaPublic:
    """Replace the team's rota and apply it at once (duty follows the new rota from now)."""
    team = get_team(session, team_id, for_update=True)
    if request.time_zone is not None:
        zone(request.time_zone)
        team.time_zone = request.time_zone
    for entry in request.shifts:
        user = get_user(session, entry.user_id)
        if not is_member(session, team.id, user.id):
            raise Invalid(f"{user.name} is not in team {team.name!r}; add them to it first.")
        if entry.start == entry.end:
            raise Invalid(f"A shift cannot start and end at {entry.start}.")
    for old in _shifts_of(session, [team.id]):
        session.delete(old)
    session.flush()
    for entry in request.shifts:
        session.add(
            RotaShift(
                team_id=team.id,
                user_id=entry.user_id,
                weekday=entry.weekday,
                start_minute=parse_hhmm(entry.start),
                end_minute=parse_hhmm(entry.end),  # 24:00 is 1440: the end of the day
            )
        )
    team.rota_applied_until = None
    session.flush()
    forget_routing_book(session)  # response clocks count in the rota's hours
    apply_rotas(session, now, team_ids=[team.id])
    return get_rota(session, team.id, now)


def apply_rotas(
    session: Session, now: datetime, *, team_ids: Sequence[int] | None = None
) -> list[int]:
    """Switch duty for everyone whose rota boundary passed since the last run; returns the ids
    of users whose duty changed. Each change is a normal duty change (`duty.changed`)."""
    shifts = _shifts_of(session)
    if not shifts:
        return []
    teams = {
        t.id: t
        for t in session.scalars(
            select(Team).where(Team.id.in_({s.team_id for s in shifts})).order_by(Team.id)
        )
    }
    zones = {team_id: zone(team.time_zone) for team_id, team in teams.items()}
    affected: set[int] = set()
    for team_id, team in teams.items():
        if team_ids is not None and team_id not in team_ids:
            continue
        own = [s for s in shifts if s.team_id == team_id]
        since = team.rota_applied_until
        if since is None or since > now or now - since > MAX_CATCH_UP:
            affected.update(s.user_id for s in own)
        else:
            for shift in own:
                if any(
                    since < a <= now or since < b <= now
                    for a, b in shift_intervals(shift, zones[team_id], since, now)
                ):
                    affected.add(shift.user_id)
        team.rota_applied_until = now
    session.flush()
    if not affected:
        return []
    on_now = on_rota_at(((s, zones[s.team_id]) for s in shifts), now)
    # Lock the people first (in id order, before any event is written) so the lock order
    # matches a duty change made through the API.
    people = session.scalars(
        select(User)
        .where(User.id.in_(affected), User.active.is_(True))
        .order_by(User.id)
        .with_for_update()
    ).all()
    changed: list[int] = []
    for user in people:
        wanted = Duty.ON_DUTY if user.id in on_now else Duty.OFF_DUTY
        if user.duty is not wanted:
            set_duty(session, user.id, wanted, by=ROTA, now=now)
            changed.append(user.id)
    return changed
