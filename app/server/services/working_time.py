"""Working time: where a rota's weekly shifts fall as moments (`shift_intervals`, which the
rota applies), and adding minutes to a moment counting only the hours a team works — the
union of its shifts, in its own time zone (daylight saving honoured) — or around the clock
when it has no rota. Arithmetic only, no database: response-time targets
(services/response_targets.py) are counted with it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.models.tables import RotaShift

# A rota with shifts works some minutes every week: a target is met within a few weeks of
# them. Past this the shifts cannot be a rota (a bug): count around the clock instead.
_LOOK_AHEAD = timedelta(days=7 * 60)
_STEP = timedelta(days=7)


def _local(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    # Aware + timedelta is wall-clock arithmetic: 02:30 on a spring-forward night stays 02:30
    # local (zoneinfo reads a time in the gap with the offset before it).
    return (datetime.combine(day, time(0), tzinfo=tz) + timedelta(minutes=minutes)).astimezone(UTC)


def shift_intervals(
    shift: RotaShift, tz: ZoneInfo, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The shift's occurrences (UTC start, UTC end) that may touch [start, end]."""
    first = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date() + timedelta(days=1)
    intervals: list[tuple[datetime, datetime]] = []
    day = first
    while day <= last:
        if day.weekday() == shift.weekday:
            begins = _local(day, shift.start_minute, tz)
            if shift.end_minute > shift.start_minute:
                ends = _local(day, shift.end_minute, tz)
            else:  # runs past midnight
                ends = _local(day + timedelta(days=1), shift.end_minute, tz)
            intervals.append((begins, ends))
        day += timedelta(days=1)
    return intervals


def _merged(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def working_intervals(
    shifts: Sequence[RotaShift], tz: ZoneInfo, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The team's working time within [start, end), as merged UTC intervals."""
    found: list[tuple[datetime, datetime]] = []
    for shift in shifts:
        for begins, ends in shift_intervals(shift, tz, start, end):
            begins, ends = max(begins, start), min(ends, end)
            if begins < ends:
                found.append((begins, ends))
    return _merged(found)


def add_working_minutes(
    start: datetime, minutes: int, shifts: Sequence[RotaShift], tz: ZoneInfo
) -> datetime:
    """The moment `minutes` of working time after `start`: counted inside the shifts (a
    mention that arrives at night is due `minutes` into the next shift), or plainly when
    there are no shifts."""
    if not shifts:
        return start + timedelta(minutes=minutes)
    left = timedelta(minutes=minutes)
    window_start = start
    while window_start - start < _LOOK_AHEAD:
        window_end = window_start + _STEP
        for begins, ends in working_intervals(shifts, tz, window_start, window_end):
            if ends - begins >= left:
                return begins + left
            left -= ends - begins
        window_start = window_end
    return start + timedelta(minutes=minutes)


def working_minutes_between(
    start: datetime, end: datetime, shifts: Sequence[RotaShift], tz: ZoneInfo
) -> float:
    """Minutes of working time from `start` to `end` (negative when `end` is earlier)."""
    if end < start:
        return -working_minutes_between(end, start, shifts, tz)
    if not shifts:
        return (end - start).total_seconds() / 60
    total = timedelta(0)
    for begins, ends in working_intervals(shifts, tz, start, end):
        total += ends - begins
    return total.total_seconds() / 60
