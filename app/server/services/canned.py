"""Canned replies and the playbook of pre-approved actions, per role and per team: the rep sees
the entries meant for them; managers see and edit all of them.

Every change writes `canned.changed` in the same transaction, so running consoles reload what
they offer. The event names the entry and the change only (not its text: an entry may be meant
for another role or team); a console reloads `GET /canned`, which filters for its user."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.composer import (
    CannedCreate,
    CannedKind,
    CannedPublic,
    CannedsPublic,
    CannedUpdate,
)
from app.models.enums import EventType
from app.models.tables import CannedReply, Team, TeamMember
from app.server.auth import Principal
from app.server.errors import Invalid, NotFound
from app.server.event_log import record_event


def user_team_ids(session: Session, user_id: int) -> set[int]:
    return set(session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user_id)))


def _team_id(session: Session, name: str | None) -> int | None:
    if name is None:
        return None
    team_id = session.scalar(select(Team.id).where(Team.name == name))
    if team_id is None:
        raise Invalid(f"No team named {name!r}.", code="unknown_team")
    return team_id


def _public(entry: CannedReply, team_names: dict[int, str]) -> CannedPublic:
    return CannedPublic(
        id=entry.id,
        kind=CannedKind(entry.kind),
        title=entry.title,
        body=entry.body,
        role=entry.role,
        team=team_names.get(entry.team_id) if entry.team_id is not None else None,
        shortcut=entry.shortcut,
        position=entry.position,
        updated_at=entry.updated_at,
    )


def _team_names(session: Session) -> dict[int, str]:
    return {row[0]: row[1] for row in session.execute(select(Team.id, Team.name))}


def list_canned(
    session: Session, *, by: Principal, kind: CannedKind | None = None
) -> CannedsPublic:
    """What the caller may insert: everyone's entries, their role's and their teams'.
    Managers see every entry (they edit them)."""
    assert by.user_id is not None
    query = select(CannedReply).order_by(CannedReply.kind, CannedReply.position, CannedReply.id)
    if kind is not None:
        query = query.where(CannedReply.kind == kind.value)
    entries: Sequence[CannedReply] = session.scalars(query).all()
    is_manager = by.role is not None and by.role.is_manager
    if not is_manager:
        teams = user_team_ids(session, by.user_id)
        entries = [
            e
            for e in entries
            if (e.role is None or e.role is by.role) and (e.team_id is None or e.team_id in teams)
        ]
    names = _team_names(session)
    data = [_public(e, names) for e in entries]
    return CannedsPublic(data=data, count=len(data))


def _get(session: Session, canned_id: int) -> CannedReply:
    entry = session.get(CannedReply, canned_id)
    if entry is None:
        raise NotFound(f"No canned reply with id {canned_id}.")
    return entry


def create_canned(
    session: Session, request: CannedCreate, *, by: Principal, now: datetime
) -> CannedPublic:
    entry = CannedReply(
        kind=request.kind.value,
        title=request.title.strip(),
        body=request.body,
        role=request.role,
        team_id=_team_id(session, request.team),
        shortcut=request.shortcut,
        position=request.position,
        created_by_id=by.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(entry)
    session.flush()
    _record(session, entry, "created", by=by, now=now)
    return _public(entry, _team_names(session))


def update_canned(
    session: Session,
    canned_id: int,
    request: CannedUpdate,
    *,
    now: datetime,
    by: Principal | None = None,
) -> CannedPublic:
    entry = _get(session, canned_id)
    if request.everyone:
        entry.role = None
        entry.team_id = None
    if request.kind is not None:
        entry.kind = request.kind.value
    if request.title is not None:
        entry.title = request.title.strip()
    if request.body is not None:
        entry.body = request.body
    if request.role is not None:
        entry.role = request.role
    if request.team is not None:
        entry.team_id = _team_id(session, request.team)
    if request.shortcut is not None:
        entry.shortcut = request.shortcut
    if request.position is not None:
        entry.position = request.position
    entry.updated_at = now
    session.flush()
    _record(session, entry, "updated", by=by, now=now)
    return _public(entry, _team_names(session))


def delete_canned(
    session: Session, canned_id: int, *, now: datetime, by: Principal | None = None
) -> None:
    entry = _get(session, canned_id)
    _record(session, entry, "deleted", by=by, now=now)
    session.delete(entry)
    session.flush()


def _record(
    session: Session, entry: CannedReply, action: str, *, by: Principal | None, now: datetime
) -> None:
    record_event(
        session,
        EventType.CANNED_CHANGED,
        {"action": action, "canned": {"id": entry.id, "kind": entry.kind}},
        at=now,
        actor_id=by.user_id if by is not None else None,
    )
