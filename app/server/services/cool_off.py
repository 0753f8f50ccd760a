"""The per-team cool-off between Send and a reply leaving, set by managers. A rep in several
teams gets the longest of their teams' settings (the cautious one); in none, the defaults.
A change writes `cool_off.changed` in the same transaction: consoles reload `GET /cool-off`.

The server holds every rep's reply at least `seconds` from when it arrives
(`reply_hold_until`), whatever the console asks: the console's countdown is a view of that
hold, not the guard. Managers' and admins' replies are held only as long as their console asks:
they are the people who set the minimum (and could set it to zero in the open), so holding
them to it protects nothing, and in a storm an admin's script must be able to answer at once.
The longer `heated_seconds` is asked for by the console, which reads the draft's tone as the
rep types. `approval_required` (services/approvals.py) lives here too: it is part of how a
team's replies leave."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.composer import (
    DEFAULT_COOL_OFF_SECONDS,
    DEFAULT_HEATED_COOL_OFF_SECONDS,
    CoolOffPublic,
    CoolOffUpdate,
)
from app.models.enums import EventType
from app.models.tables import Team, TeamCoolOff
from app.server.auth import Principal
from app.server.errors import Invalid, NotFound
from app.server.event_log import record_event
from app.server.services.canned import user_team_ids


def _team(session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"No team with id {team_id}.")
    return team


def _public(team: Team, row: TeamCoolOff | None) -> CoolOffPublic:
    if row is None:
        return CoolOffPublic(team_id=team.id, team=team.name)
    return CoolOffPublic(
        team_id=team.id,
        team=team.name,
        seconds=row.seconds,
        heated_seconds=row.heated_seconds,
        approval_required=row.approval_required,
    )


def team_cool_off(session: Session, team_id: int) -> CoolOffPublic:
    team = _team(session, team_id)
    return _public(team, session.get(TeamCoolOff, team_id))


def set_team_cool_off(
    session: Session, team_id: int, request: CoolOffUpdate, *, by: Principal, now: datetime
) -> CoolOffPublic:
    team = _team(session, team_id)
    if request.heated_seconds < request.seconds:
        raise Invalid(
            "The heated cool-off cannot be shorter than the normal one "
            f"({request.heated_seconds} s < {request.seconds} s).",
            code="heated_shorter",
        )
    row = session.get(TeamCoolOff, team_id)
    if row is None:
        row = TeamCoolOff(team_id=team_id)
        session.add(row)
    row.seconds = request.seconds
    row.heated_seconds = request.heated_seconds
    if request.approval_required is not None:
        row.approval_required = request.approval_required
    row.updated_at = now
    row.updated_by_id = by.user_id
    session.flush()
    public = _public(team, row)
    record_event(
        session,
        EventType.COOL_OFF_CHANGED,
        {"cool_off": public.model_dump(mode="json")},
        at=now,
        actor_id=by.user_id,
    )
    return public


def my_cool_off(session: Session, *, by: Principal) -> CoolOffPublic:
    """The caller's cool-off: the longest among their teams' settings, else the defaults;
    approval required when any of their teams requires it (the cautious setting again)."""
    assert by.user_id is not None
    teams = user_team_ids(session, by.user_id)
    if not teams:
        return CoolOffPublic(team_id=None)
    rows = session.scalars(select(TeamCoolOff).where(TeamCoolOff.team_id.in_(teams))).all()
    settings = [(r.seconds, r.heated_seconds) for r in rows]
    if len(rows) < len(teams):  # a team that set nothing uses the defaults
        settings.append((DEFAULT_COOL_OFF_SECONDS, DEFAULT_HEATED_COOL_OFF_SECONDS))
    return CoolOffPublic(
        team_id=None,
        seconds=max(s for s, _ in settings),
        heated_seconds=max(h for _, h in settings),
        approval_required=any(r.approval_required for r in rows),
    )


def reply_hold_until(
    session: Session, *, by: Principal, requested_seconds: int | None, since: datetime
) -> datetime:
    """When a reply that arrived at `since` may leave at the earliest: the longer of what the
    console asks and, for a rep, their team cool-off (`my_cool_off().seconds`)."""
    is_manager = by.role is not None and by.role.is_manager
    minimum = 0 if is_manager else my_cool_off(session, by=by).seconds
    return since + timedelta(seconds=max(requested_seconds or 0, minimum))
