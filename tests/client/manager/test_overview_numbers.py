"""The manager overview's numbers without Qt: people in no team are not a team (left out of the
per-team figures, counted apart); a server younger than the week is summed up since it began,
not as a week of gaps; every series says when it is empty (the plot says "none yet"); count
axes get whole-number ticks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.client.manager.overview import (
    NONE_YET,
    count_ticks,
    coverage_trend,
    coverage_words,
    hourly_by_priority,
    not_in_team,
    on_duty_by_team,
    response_trend,
)
from app.models.enums import Duty, Role
from app.models.schemas import UserRef
from app.models.team_schemas import (
    CoverageHour,
    OverviewPublic,
    ResponseTimeBucket,
    RosterMember,
    RosterPublic,
    RosterTeam,
)

NOW = datetime(2026, 11, 30, 10, 20, tzinfo=UTC)


def _member(user_id: int, duty: Duty) -> RosterMember:
    return RosterMember(
        user=UserRef(id=user_id, name=f"user-{user_id}"), role=Role.REP, duty=duty, since=NOW
    )


def _roster() -> RosterPublic:
    return RosterPublic(
        at=NOW,
        teams=[
            RosterTeam(
                team_id=1,
                team="support",
                on_duty=[_member(1, Duty.ON_DUTY)],
                away=[],
                off_duty=[_member(2, Duty.OFF_DUTY)],
            ),
            RosterTeam(
                team_id=None,
                team=None,
                on_duty=[_member(3, Duty.ON_DUTY), _member(4, Duty.ON_DUTY)],
                away=[_member(5, Duty.AWAY)],
                off_duty=[],
            ),
        ],
    )


def test_people_in_no_team_are_not_a_team() -> None:
    roster = _roster()
    assert on_duty_by_team(roster) == [("support", 1, 2)]
    assert not_in_team(roster) == (2, 3)
    assert not_in_team(None) == (0, 0)


def _history(started: datetime, hours: int) -> OverviewPublic:
    since = NOW.replace(hour=0, minute=0) - timedelta(days=6)
    first = started.replace(minute=0)
    return OverviewPublic(
        at=NOW,
        since=since,
        started_at=started,
        days=7,
        response_by_day=[
            ResponseTimeBucket(
                start=NOW.replace(hour=0, minute=0),
                end=NOW,
                answered=0,
                unanswered=0,
                median_seconds=None,
                p90_seconds=None,
            )
        ],
        response_by_hour=[],
        coverage=[
            CoverageHour(
                start=first + timedelta(hours=i),
                on_duty=0,
                covered_minutes=0,
                gap=True,
                teams=[],
            )
            for i in range(hours)
        ],
        gap_hours=hours,
    )


def test_a_young_server_is_summed_up_since_it_began() -> None:
    trend = coverage_trend(_history(NOW - timedelta(minutes=20), 1))
    assert trend.since_start
    assert trend.gap_hours == 1
    assert (
        coverage_words(trend) == "Since the server began (1 hour ago): 1 hour with nobody on duty."
    )
    older = _history(NOW.replace(hour=0, minute=0) - timedelta(days=6), 3)
    week = coverage_trend(older)
    assert not week.since_start
    assert coverage_words(week) == "Past week: 3 hours with nobody on duty."


def test_empty_series_say_none_yet() -> None:
    history = _history(NOW - timedelta(minutes=20), 1)
    assert response_trend(history).empty
    assert hourly_by_priority([], NOW).empty
    no_hours = history.model_copy(update={"coverage": [], "gap_hours": 0})
    empty = coverage_trend(no_hours)
    assert empty.empty
    assert NONE_YET in coverage_words(empty)


def test_count_axes_get_whole_number_ticks() -> None:
    assert count_ticks(0) == [0, 1]
    assert count_ticks(1) == [0, 1]
    assert count_ticks(3) == [0, 1, 2, 3]
    assert count_ticks(7) == [0, 2, 4, 6, 8]
    assert count_ticks(23) == [0, 5, 10, 15, 20, 25]
    for top in range(0, 60):
        ticks = count_ticks(top)
        assert all(isinstance(t, int) for t in ticks)
        assert ticks[-1] >= top
        assert len(ticks) <= 6
