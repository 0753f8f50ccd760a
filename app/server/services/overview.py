"""The manager overview's history: first-response times (from a mention's arrival to its first
sent reply) per day and per hour, and duty coverage per hour, reconstructed from the
`duty.changed` events walking forward from each person's state at the window start.

The window is whole UTC days: it starts at midnight `days - 1` days before today and ends now.
Coverage is counted only from when the server began (`server_started_at`: its first user or its
first event): a server minutes old has an hour of coverage, not a week of gaps. Response times
keep every day of the window (a mention may be older than the server; an empty day has no
median: "none yet")."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.models.enums import Duty, EventType, ReplyStatus
from app.models.tables import Event, Mention, Reply, User
from app.models.team_schemas import (
    CoverageHour,
    CoverageTeamHour,
    OverviewPublic,
    ResponseTimeBucket,
)
from app.server.services.response_targets import attainment

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def window_start(now: datetime, days: int) -> datetime:
    midnight = _utc(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - (days - 1) * DAY


def server_started_at(session: Session) -> datetime | None:
    """When this server began: its first user (`init` creates the first admin) or its first
    event, whichever is earlier; None for an empty database."""
    moments = [
        session.scalar(select(func.min(User.created_at))),
        session.scalar(select(func.min(Event.created_at))),
    ]
    known = [_utc(m) for m in moments if m is not None]
    return min(known) if known else None


# --- first responses -------------------------------------------------------------------------


def p90(values: Sequence[float]) -> float:
    """The nearest-rank 90th percentile: the smallest value at or above 90 % of the values."""
    ordered = sorted(values)
    return ordered[max(math.ceil(0.9 * len(ordered)) - 1, 0)]


@dataclass(frozen=True, slots=True)
class Arrival:
    at: datetime
    first_response: datetime | None


def arrivals(session: Session, since: datetime, until: datetime) -> list[Arrival]:
    """Every mention that arrived in [since, until), with its first sent reply (if any)."""
    first_sent = func.min(Reply.sent_at)
    query = (
        select(Mention.created_at, first_sent)
        .outerjoin(
            Reply,
            and_(
                Reply.mention_id == Mention.id,
                Reply.status == ReplyStatus.SENT,
                Reply.sent_at.is_not(None),
            ),
        )
        .where(Mention.created_at >= since, Mention.created_at < until)
        .group_by(Mention.id, Mention.created_at)
    )
    return [
        Arrival(_utc(created), _utc(sent) if sent is not None else None)
        for created, sent in session.execute(query)
    ]


def response_buckets(
    items: Iterable[Arrival], start: datetime, step: timedelta, count: int, until: datetime
) -> list[ResponseTimeBucket]:
    waits: list[list[float]] = [[] for _ in range(count)]
    open_: list[int] = [0] * count
    for item in items:
        index = int((item.at - start) // step)
        if not 0 <= index < count:
            continue
        if item.first_response is None or item.first_response > until:
            open_[index] += 1
        else:
            waits[index].append(max((item.first_response - item.at).total_seconds(), 0.0))
    return [
        ResponseTimeBucket(
            start=start + i * step,
            end=min(start + (i + 1) * step, until),
            answered=len(values),
            unanswered=open_[i],
            median_seconds=float(statistics.median(values)) if values else None,
            p90_seconds=p90(values) if values else None,
        )
        for i, values in enumerate(waits)
    ]


# --- coverage --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DutySpell:
    """One stretch of someone being on duty, with the teams they were in then."""

    user_id: int
    start: datetime
    end: datetime
    teams: frozenset[str]


@dataclass(slots=True)
class _State:
    on_duty: bool
    teams: frozenset[str]
    since: datetime


def _payload_state(payload: dict[str, object]) -> tuple[int, bool, frozenset[str]] | None:
    user = payload.get("user")
    if not isinstance(user, dict):
        return None
    user_id, duty, teams = user.get("id"), user.get("duty"), user.get("teams", [])
    if not isinstance(user_id, int) or not isinstance(duty, str) or not isinstance(teams, list):
        return None
    return user_id, duty == Duty.ON_DUTY, frozenset(str(t) for t in teams)


def duty_spells(session: Session, since: datetime, until: datetime) -> list[DutySpell]:
    """Who was on duty when in [since, until). Each person's state at `since` is the last
    `duty.changed` before it (or, with none, their current state if it already held then,
    else off duty); the changes in the window then apply in order. A current state newer than
    the last event (a person created on duty) applies at its `duty_since`."""
    users = {u.id: u for u in session.scalars(select(User))}
    states: dict[int, _State] = {}
    last_seen: dict[int, datetime] = {}
    spells: list[DutySpell] = []

    def apply(user_id: int, on_duty: bool, teams: frozenset[str], at: datetime) -> None:
        at = min(max(at, since), until)
        state = states.get(user_id)
        if state is None:
            states[user_id] = _State(on_duty, teams, at)
            return
        if state.on_duty and (not on_duty or teams != state.teams) and at > state.since:
            spells.append(DutySpell(user_id, state.since, at, state.teams))
        if state.on_duty != on_duty or teams != state.teams:
            state.on_duty, state.teams, state.since = on_duty, teams, at

    before = (
        select(Event.payload)
        .where(Event.type == str(EventType.DUTY_CHANGED), Event.created_at < since)
        .order_by(Event.id)
    )
    for payload in session.scalars(before):
        parsed = _payload_state(payload)
        if parsed is not None:
            user_id, on_duty, teams = parsed
            states[user_id] = _State(on_duty, teams, since)
    for user in users.values():
        if user.id not in states:
            held = _utc(user.duty_since) <= since
            teams = frozenset(t.name for t in user.teams)
            states[user.id] = _State(held and user.duty == Duty.ON_DUTY, teams, since)
    during = (
        select(Event.payload, Event.created_at)
        .where(
            Event.type == str(EventType.DUTY_CHANGED),
            Event.created_at >= since,
            Event.created_at < until,
        )
        .order_by(Event.id)
    )
    for payload, at in session.execute(during):
        parsed = _payload_state(payload)
        if parsed is not None:
            user_id, on_duty, teams = parsed
            apply(user_id, on_duty, teams, _utc(at))
            last_seen[user_id] = _utc(at)
    for user in users.values():
        changed = _utc(user.duty_since)
        if since < changed < until and changed > last_seen.get(user.id, since):
            teams = frozenset(t.name for t in user.teams)
            apply(user.id, user.duty == Duty.ON_DUTY, teams, changed)
    for user_id, state in states.items():
        if state.on_duty and until > state.since:
            spells.append(DutySpell(user_id, state.since, until, state.teams))
    return spells


def _covered_seconds(spells: Sequence[DutySpell], start: datetime, end: datetime) -> float:
    pieces = sorted((max(s.start, start), min(s.end, end)) for s in spells)
    total, reach = 0.0, start
    for a, b in pieces:
        a = max(a, reach)
        if b > a:
            total += (b - a).total_seconds()
            reach = b
    return total


def coverage_hours(
    spells: Sequence[DutySpell], since: datetime, until: datetime
) -> list[CoverageHour]:
    hours: list[CoverageHour] = []
    start = since
    while start < until:
        end = min(start + HOUR, until)
        inside = [s for s in spells if s.start < end and s.end > start]
        people = {s.user_id for s in inside}
        per_team: dict[str, set[int]] = {}
        for spell in inside:
            for team in spell.teams:
                per_team.setdefault(team, set()).add(spell.user_id)
        hours.append(
            CoverageHour(
                start=start,
                on_duty=len(people),
                covered_minutes=round(_covered_seconds(inside, start, end) / 60, 2),
                gap=not people,
                teams=[
                    CoverageTeamHour(team=name, on_duty=len(ids))
                    for name, ids in sorted(per_team.items())
                ],
            )
        )
        start += HOUR
    return hours


# --- the whole overview ----------------------------------------------------------------------


def overview(session: Session, *, now: datetime, days: int) -> OverviewPublic:
    now = _utc(now)
    since = window_start(now, days)
    began = min(server_started_at(session) or now, now)
    last_day = now.replace(minute=0, second=0, microsecond=0) + HOUR - 24 * HOUR
    items = arrivals(session, min(since, last_day), now)
    # Coverage counts from the server's first hour: before it nobody could be on duty here.
    coverage_start = max(since, began.replace(minute=0, second=0, microsecond=0))
    coverage = coverage_hours(duty_spells(session, since, now), coverage_start, now)
    return OverviewPublic(
        at=now,
        since=since,
        started_at=began,
        days=days,
        response_by_day=response_buckets(items, since, DAY, days, now),
        response_by_hour=response_buckets(
            [i for i in items if i.at >= last_day], last_day, HOUR, 24, now
        ),
        coverage=coverage,
        gap_hours=sum(1 for hour in coverage if hour.gap),
        response_targets=attainment(session, since=since, now=now),
    )
