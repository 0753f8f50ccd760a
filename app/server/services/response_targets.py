"""Response-time targets (SLA): per team and priority level, how many minutes a new mention
may wait for its first answer — counted in the team's rota hours, in its time zone, when it
has a rota, else around the clock. The clock starts when the mention reaches the team
(ingest) and stops at the first reply the network took; a mention keeps the due time it was
given when it arrived.

A mention past its due time unanswered is announced once (`sla.breached`, to its owner and
the managers; the consoles of the owner and the team's on-duty managers raise it), by the
server's upkeep round (`announce_breaches`). The overview's report gives each team's
attainment per day (`attainment`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models.enums import Duty, EventType, PriorityLevel, Role
from app.models.routing_schemas import (
    AttainmentDay,
)
from app.models.routing_tables import TeamResponseTargets
from app.models.tables import Mention, RotaShift, Team, TeamMember, User
from app.server.event_log import MANAGERS, managers_and, record_event
from app.server.services.working_time import add_working_minutes
from app.server.services.zones import zone
from app.server.views import mention_payload
from app.tone.priority import priority_level

# At most this many breaches are announced per round (the rest in the next round).
BREACH_BATCH = 200


@dataclass(frozen=True)
class TeamClock:
    """One team's targets and working hours, loaded once per transaction."""

    minutes: Mapping[str, int]
    shifts: tuple[RotaShift, ...]
    tz: ZoneInfo

    def due(self, priority: float, start: datetime) -> datetime | None:
        return self.due_for_level(priority_level(priority), start)

    def due_for_level(self, level: PriorityLevel, start: datetime) -> datetime | None:
        minutes = self.minutes.get(level.value)
        if minutes is None:
            return None
        return add_working_minutes(start, minutes, self.shifts, self.tz)


def team_clocks(session: Session, team_ids: Iterable[int] | None) -> dict[int, TeamClock]:
    """The clocks of the teams among `team_ids` (None: every team) that have targets."""
    query = select(TeamResponseTargets, Team.time_zone).join(
        Team, Team.id == TeamResponseTargets.team_id
    )
    if team_ids is not None:
        ids = sorted(set(team_ids))
        if not ids:
            return {}
        query = query.where(TeamResponseTargets.team_id.in_(ids))
    rows = session.execute(query).all()
    targets = {t.team_id: (t, tz) for t, tz in rows if t.first_response_minutes}
    if not targets:
        return {}
    shifts: dict[int, list[RotaShift]] = {}
    for shift in session.scalars(select(RotaShift).where(RotaShift.team_id.in_(list(targets)))):
        shifts.setdefault(shift.team_id, []).append(shift)
    return {
        team_id: TeamClock(
            dict(target.first_response_minutes), tuple(shifts.get(team_id, ())), zone(tz)
        )
        for team_id, (target, tz) in targets.items()
    }


def due_times(
    clocks: Mapping[int, TeamClock],
    teams: Mapping[int, int],
    priorities: Mapping[int, float],
    start: datetime,
) -> dict[int, datetime]:
    """Each new mention's due time (mention key → team id; keys without a target left out),
    its clock starting at `start`, from the teams' clocks (`team_clocks`)."""
    due: dict[int, datetime] = {}
    # A batch starts every clock at the same moment: one sum per team and level, not per
    # mention (counting in a rota's hours walks its shifts).
    known: dict[tuple[int, PriorityLevel], datetime | None] = {}
    for key, team_id in teams.items():
        clock = clocks.get(team_id)
        if clock is None:
            continue
        level = priority_level(priorities.get(key, 0.0))
        if (team_id, level) not in known:
            known[team_id, level] = clock.due_for_level(level, start)
        at = known[team_id, level]
        if at is not None:
            due[key] = at
    return due


# --- the clock running out ---------------------------------------------------------------------


def on_duty_managers(session: Session, team_id: int | None) -> list[int]:
    """The team's managers (and admins) on duty now."""
    if team_id is None:
        return []
    return sorted(
        session.scalars(
            select(User.id)
            .join(TeamMember, TeamMember.user_id == User.id)
            .where(
                TeamMember.team_id == team_id,
                User.active.is_(True),
                User.duty == Duty.ON_DUTY,
                User.role.in_([role for role in Role if role.is_manager]),
            )
        )
    )


def announce_breaches(session: Session, now: datetime) -> list[int]:
    """Mark the open unanswered mentions past their due time as missed, each announced once
    (`sla.breached`): to its owner and every manager, naming in `notify` whom to alert — the
    owner and the team's on-duty managers."""
    due = session.scalars(
        select(Mention)
        .where(
            Mention.sla_due_at <= now,
            Mention.sla_breached_at.is_(None),
            Mention.first_response_at.is_(None),
        )
        .order_by(Mention.sla_due_at, Mention.id)
        .limit(BREACH_BATCH)
        .with_for_update(skip_locked=True, of=Mention)
    ).all()
    announced: list[int] = []
    for mention in due:
        if not mention.status.is_open:
            continue
        marked = session.execute(
            update(Mention)
            .where(Mention.id == mention.id, Mention.sla_breached_at.is_(None))
            .values(sla_breached_at=now)
            .execution_options(synchronize_session=False)
        )
        if marked.rowcount != 1:  # type: ignore[attr-defined]
            continue
        mention.sla_breached_at = now
        owner = mention.assignee_id
        notify = sorted({*on_duty_managers(session, mention.team_id), *([owner] if owner else [])})
        record_event(
            session,
            EventType.SLA_BREACHED,
            {
                "mention": mention_payload(mention),
                "due_at": mention.sla_due_at.isoformat() if mention.sla_due_at else None,
                "late_minutes": round((now - mention.sla_due_at).total_seconds() / 60, 1)
                if mention.sla_due_at
                else 0,
                "notify": notify,
            },
            at=now,
            mention_id=mention.id,
            audience=managers_and(owner) if owner is not None else MANAGERS,
        )
        announced.append(mention.id)
    return announced


def first_answer(mention: Mention, now: datetime) -> None:
    """The network took the first reply to `mention`: its clock stops."""
    if mention.first_response_at is None:
        mention.first_response_at = now


# --- the report --------------------------------------------------------------------------------


def attainment(session: Session, *, since: datetime, now: datetime) -> list[AttainmentDay]:
    """Per team and local day since `since`: the mentions with a target that arrived that day,
    how many were answered in time and how many missed (or are past due unanswered)."""
    rows = session.execute(
        select(
            Mention.team_id,
            Team.name,
            Team.time_zone,
            Mention.ingested_at,
            Mention.sla_due_at,
            Mention.first_response_at,
        )
        .join(Team, Team.id == Mention.team_id)
        .where(Mention.sla_due_at.is_not(None), Mention.ingested_at >= since)
    ).all()
    days: dict[tuple[int, date], list[int]] = {}
    names: dict[int, str] = {}
    for team_id, name, tz, arrived, due_at, answered in rows:
        assert team_id is not None  # joined on the team
        assert due_at is not None  # only mentions with a target
        names[team_id] = name
        day = arrived.astimezone(zone(tz)).date()
        counts = days.setdefault((team_id, day), [0, 0, 0])
        counts[0] += 1
        if answered is not None and answered <= due_at:
            counts[1] += 1
        elif answered is not None or due_at <= now:
            counts[2] += 1
    report = []
    for (team_id, day), (total, met, missed) in sorted(
        days.items(), key=lambda item: (names[item[0][0]].casefold(), item[0][1])
    ):
        judged = met + missed
        report.append(
            AttainmentDay(
                team_id=team_id,
                team=names[team_id],
                day=day,
                due=total,
                met=met,
                missed=missed,
                attainment=round(met / judged, 4) if judged else None,
            )
        )
    return report
