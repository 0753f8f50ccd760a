"""Routing after ingest: mentions that wait in a team are handed out as capacity frees
(`route_waiting`: someone comes on duty, answers, resolves or releases one, or a manager
raises the capacity), and someone who goes off duty gives their unanswered mentions back to
the team (`give_back`). Each change is a compare-and-set on the mention's version, as a
claim is, made with the team's routing row locked (services/routing.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models.enums import MentionStatus, RoutingMode
from app.models.routing_tables import TeamRouting
from app.models.schemas import MentionPublic, UserRef
from app.models.tables import Mention, Team, User
from app.server.auth import Principal
from app.server.services.mention_changes import mark_changed
from app.server.services.routing import Candidate, candidates, lock_routing, pick, save_turns
from app.server.services.routing_rules import MODE_WORDS


def _take_waiting(
    session: Session, mention: Mention, owner: Candidate, reason: str, now: datetime
) -> MentionPublic | None:
    """Give a waiting mention to `owner` by compare-and-set on its version (a claim that got
    there first wins); None when it was no longer waiting."""
    taken = session.execute(
        update(Mention)
        .where(
            Mention.id == mention.id,
            Mention.version == mention.version,
            Mention.assignee_id.is_(None),
            Mention.status == MentionStatus.NEW,
        )
        .values(
            assignee_id=owner.user_id,
            status=MentionStatus.ASSIGNED,
            version=Mention.version + 1,
            routed_reason=reason,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.refresh(mention)
    return mark_changed(
        session,
        mention,
        "routed",
        by=None,
        now=now,
        bump=False,
        owner=UserRef(id=owner.user_id, name=owner.name),
    )


def team_part(reason: str | None, team: str) -> str:
    """The part of a routing reason that names the team and the rules it matched
    ("billing (keyword “refund”)"), or the team alone when the reason says something else
    (the mention was claimed or assigned by hand since)."""
    first = (reason or "").split(" · ", 1)[0]
    return first if first.startswith(team) else team


def route_waiting(
    session: Session, now: datetime, team_ids: Iterable[int] | None = None
) -> list[int]:
    """Hand out the mentions waiting in the teams (None: every team that hands out) to
    whoever has room now, most urgent first, then the longest waiting. The ids handed out."""
    query = select(TeamRouting.team_id).where(TeamRouting.mode != RoutingMode.MANUAL)
    if team_ids is not None:
        query = query.where(TeamRouting.team_id.in_(list(team_ids)))
    wanted = list(session.scalars(query))
    if not wanted:
        return []
    names = dict(session.execute(select(Team.id, Team.name).where(Team.id.in_(wanted))).all())
    locked = lock_routing(session, wanted)
    given: list[int] = []
    for team_id, routing in locked.items():
        if routing.mode is RoutingMode.MANUAL:
            continue
        # Read after the hand-outs before it: someone in two teams is counted with both.
        people = candidates(session, team_id)
        room = sum(max(routing.capacity - p.held, 0) for p in people)
        if room <= 0:
            continue
        waiting = session.scalars(
            select(Mention)
            .where(
                Mention.team_id == team_id,
                Mention.assignee_id.is_(None),
                Mention.status == MentionStatus.NEW,
            )
            .order_by(Mention.priority.desc(), Mention.created_at, Mention.id)
            .limit(room)
        ).all()
        for mention in waiting:
            chosen = pick(routing.mode, people, routing.capacity, routing.last_user_id)
            if chosen is None:
                break
            team = names.get(team_id, "team")
            reason = f"{team_part(mention.routed_reason, team)} · {MODE_WORDS[routing.mode]}"
            if _take_waiting(session, mention, chosen, reason, now) is None:
                continue
            routing.gave_to(chosen.user_id)
            chosen.held += 1
            given.append(mention.id)
    save_turns(session, locked.values())
    return given


def give_back(session: Session, user: User, *, now: datetime, by: Principal) -> list[int]:
    """Someone went off duty: the unanswered mentions routing gave them, or that they hold in
    a team that hands out, go back to the team (waiting, unassigned); handoffs stay."""
    mentions = session.scalars(
        select(Mention)
        .where(
            Mention.assignee_id == user.id,
            Mention.status == MentionStatus.ASSIGNED,
            Mention.team_id.is_not(None),
            Mention.first_response_at.is_(None),
        )
        .order_by(Mention.id)
    ).all()
    names = dict(
        session.execute(
            select(Team.id, Team.name).where(Team.id.in_({m.team_id for m in mentions}))
        ).all()
    )
    returned: list[int] = []
    for mention in mentions:
        taken = session.execute(
            update(Mention)
            .where(
                Mention.id == mention.id,
                Mention.version == mention.version,
                Mention.assignee_id == user.id,
            )
            .values(
                assignee_id=None,
                status=MentionStatus.NEW,
                version=Mention.version + 1,
                routed_reason=(
                    f"{team_part(mention.routed_reason, names.get(mention.team_id or 0, 'team'))}"
                    f" · back from {user.name} (off duty)"
                ),
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            continue
        session.refresh(mention)
        mark_changed(session, mention, "returned", by=by, now=now, bump=False)
        returned.append(mention.id)
    return returned
