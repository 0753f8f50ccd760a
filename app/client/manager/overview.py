"""The manager overview's numbers, without Qt: mentions per hour by priority band (from the
cached stream), open handoffs by team (from the server), who is on duty per team now (from
the roster), and the server's history: first-response times per day and duty coverage per hour
over the past week, and each team's first responses in time against its response-time
targets (app/client/manager/attainment.py). The plots in app/ui/manager/overview.py only draw
these.

People in no team are not a team: they are left out of the per-team figures and counted apart
(`Overview.not_in_team`). The server leaves out the days and hours before it began, so a new
server's coverage starts with its first hour (`CoverageTrend.since_start`). Every series says
when it has nothing to plot (`empty`), for the plots to say "none yet" instead of drawing an
empty frame; `count_ticks` gives whole-number ticks for the axes that count people or
mentions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.client.connection.api import ResponderApi
from app.client.connection.errors import ApiError
from app.client.manager.attainment import TeamAttainment, team_attainment
from app.client.stream.rows import URGENT_PRIORITY, MentionRow
from app.models.schemas import HandoffPublic
from app.models.storm_schemas import StormPublic
from app.models.team_schemas import OverviewPublic, RosterPublic

RAISED_PRIORITY = 30.0
HISTORY_DAYS = 7
BANDS = ("urgent", "raised", "routine")
NONE_YET = "none yet"  # what an empty plot says


@dataclass(frozen=True, slots=True)
class HourlyCounts:
    """Mentions that arrived in each of the last hours, oldest hour first, per priority band."""

    starts: list[datetime]
    urgent: list[int]
    raised: list[int]
    routine: list[int]

    @property
    def total(self) -> int:
        return sum(self.urgent) + sum(self.raised) + sum(self.routine)

    @property
    def empty(self) -> bool:
        """No mention arrived in these hours: the plot says "none yet"."""
        return self.total == 0


@dataclass(frozen=True, slots=True)
class Overview:
    hourly: HourlyCounts
    handoffs_by_team: list[tuple[str, int]]
    on_duty_by_team: list[tuple[str, int, int]]  # team, on duty, members (real teams only)
    problems: list[str]
    history: OverviewPublic | None = None  # None: not loaded (see problems)
    not_in_team: tuple[int, int] = (0, 0)  # people in no team: on duty, all of them
    storms: tuple[StormPublic, ...] = ()  # the period's storms, newest first
    # First responses in time per team with targets: today, yesterday, the past week.
    attainment: tuple[TeamAttainment, ...] = ()

    @property
    def no_open_handoffs(self) -> bool:
        return not self.handoffs_by_team

    @property
    def no_teams(self) -> bool:
        return not self.on_duty_by_team


@dataclass(frozen=True, slots=True)
class ResponseTrend:
    """First-response minutes per day (None where nothing was answered), oldest day first."""

    days: list[datetime]
    median_minutes: list[float | None]
    p90_minutes: list[float | None]
    answered: int
    unanswered: int

    @property
    def empty(self) -> bool:
        """No mention of the window was answered yet: the plot says "none yet"."""
        return self.answered == 0


@dataclass(frozen=True, slots=True)
class CoverageTrend:
    """People on duty in each hour of the window since the server began, oldest first; `gaps`
    marks hours with nobody. `since_start`: the series begins when the server began, later
    than the window (a server younger than the window)."""

    starts: list[datetime]
    on_duty: list[int]
    gaps: list[bool]
    since_start: bool = False

    @property
    def gap_hours(self) -> int:
        return sum(self.gaps)

    @property
    def empty(self) -> bool:
        return not self.starts


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def response_trend(history: OverviewPublic) -> ResponseTrend:
    buckets = history.response_by_day
    return ResponseTrend(
        days=[b.start for b in buckets],
        median_minutes=[_minutes(b.median_seconds) for b in buckets],
        p90_minutes=[_minutes(b.p90_seconds) for b in buckets],
        answered=sum(b.answered for b in buckets),
        unanswered=sum(b.unanswered for b in buckets),
    )


def coverage_trend(history: OverviewPublic) -> CoverageTrend:
    hours = history.coverage
    began = history.started_at
    return CoverageTrend(
        starts=[h.start for h in hours],
        on_duty=[h.on_duty for h in hours],
        gaps=[h.gap for h in hours],
        since_start=began is not None and began > history.since,
    )


def coverage_words(trend: CoverageTrend) -> str:
    """The coverage sentence of the summary: over the past week, or since the server began."""
    hours = trend.gap_hours
    counted = f"{hours} hour{'' if hours == 1 else 's'} with nobody on duty"
    if trend.empty:
        return f"Hours with nobody on duty: {NONE_YET}."
    if trend.since_start:
        tracked = len(trend.starts)
        return (
            f"Since the server began ({tracked} hour{'' if tracked == 1 else 's'} ago): {counted}."
        )
    return f"Past week: {counted}."


def count_ticks(top: int, most: int = 5) -> list[int]:
    """Whole-number ticks from 0 for an axis that counts people or mentions: at most `most`
    steps, never a fraction (a count of 1 is not drawn in steps of 0.2)."""
    top = max(top, 1)
    step = -(-top // most)
    last = -(-top // step) * step
    return list(range(0, last + 1, step))


def band(priority: float) -> str:
    if priority >= URGENT_PRIORITY:
        return "urgent"
    return "raised" if priority >= RAISED_PRIORITY else "routine"


def hourly_by_priority(rows: Iterable[MentionRow], now: datetime, hours: int = 24) -> HourlyCounts:
    top = now.replace(minute=0, second=0, microsecond=0)
    first = top - timedelta(hours=hours - 1)
    counts = {name: [0] * hours for name in BANDS}
    for row in rows:
        if row.created_at < first or row.created_at >= top + timedelta(hours=1):
            continue
        slot = int((row.created_at - first).total_seconds() // 3600)
        counts[band(row.priority)][slot] += 1
    starts = [first + timedelta(hours=i) for i in range(hours)]
    return HourlyCounts(starts, counts["urgent"], counts["raised"], counts["routine"])


def handoffs_by_team(handoffs: Sequence[HandoffPublic]) -> list[tuple[str, int]]:
    """Open handoffs per receiving team; handoffs to a person count as "to a person"."""
    counts = Counter(h.to_team or "to a person" for h in handoffs)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def on_duty_by_team(roster: RosterPublic | None) -> list[tuple[str, int, int]]:
    """Per real team: on duty now, members. People in no team are not a team (see
    `not_in_team`)."""
    if roster is None:
        return []
    return [
        (
            team.team,
            len(team.on_duty),
            len(team.on_duty) + len(team.away) + len(team.off_duty),
        )
        for team in roster.teams
        if team.team is not None and team.team_id is not None
    ]


def not_in_team(roster: RosterPublic | None) -> tuple[int, int]:
    """People in no team: how many are on duty now, and how many there are."""
    if roster is None:
        return (0, 0)
    on, everyone = 0, 0
    for team in roster.teams:
        if team.team is None or team.team_id is None:
            on += len(team.on_duty)
            everyone += len(team.on_duty) + len(team.away) + len(team.off_duty)
    return (on, everyone)


async def load_overview(
    api: ResponderApi, rows: Iterable[MentionRow], roster: RosterPublic | None, now: datetime
) -> Overview:
    """Everything the overview plots; what could not be loaded is said in `problems`. Who is
    on duty is read fresh (a duty change made a moment ago counts even before its event has
    reached this console); `roster`, the console's own, stands in when that read fails."""
    problems: list[str] = []
    try:
        roster = await api.roster()
    except ApiError as exc:
        if roster is None:
            problems.append(f"Who is on duty not loaded: {exc.detail}")
    handoffs: list[HandoffPublic] = []
    try:
        handoffs = (await api.handoffs(box="all", status="open")).data
    except ApiError as exc:
        problems.append(f"Open handoffs not loaded: {exc.detail}")
    history: OverviewPublic | None = None
    try:
        history = await api.overview(HISTORY_DAYS)
    except ApiError as exc:
        problems.append(f"Response times and coverage history not loaded: {exc.detail}")
    storms: list[StormPublic] = []
    try:
        storms = (await api.storms(state="all")).data
    except ApiError as exc:
        problems.append(f"Storms not loaded: {exc.detail}")
    attainment: tuple[TeamAttainment, ...] = ()
    if history is not None and history.response_targets:
        zones: dict[int, str] = {}
        try:  # each team's day is its own zone's: "today" in Berlin is not today in UTC
            zones = {team.id: team.time_zone for team in (await api.teams()).data}
        except ApiError as exc:
            problems.append(f"Teams' time zones not loaded (days read in UTC): {exc.detail}")
        attainment = team_attainment(history.response_targets, zones, now)
    return Overview(
        hourly=hourly_by_priority(rows, now),
        handoffs_by_team=handoffs_by_team(handoffs),
        on_duty_by_team=on_duty_by_team(roster),
        problems=problems,
        history=history,
        not_in_team=not_in_team(roster),
        storms=storms_since(storms, now - timedelta(days=HISTORY_DAYS)),
        attainment=attainment,
    )


def storms_since(storms: Iterable[StormPublic], start: datetime) -> tuple[StormPublic, ...]:
    """The storms of the period (started in it, or still on), newest first."""
    kept = [s for s in storms if s.started_at >= start or s.over_at is None or s.over_at >= start]
    return tuple(sorted(kept, key=lambda s: s.started_at, reverse=True))
