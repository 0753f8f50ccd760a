"""A mention's first-response clock as the stream shows it: how long is left before its team's
target ("12m", "2h 5m" under the stream's Due header), or how late it is ("late 4m"), and how
urgent that looks — running, soon (the last `SOON` of it) or late. The server gives the due
time (`sla.due_at`); the console counts down from it with its own clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.client.stream.rows import MentionRow

# The clock turns amber this long before the target.
SOON = timedelta(minutes=10)


class ClockState(StrEnum):
    RUNNING = "running"
    SOON = "soon"
    LATE = "late"


@dataclass(frozen=True, slots=True)
class ClockReading:
    text: str  # under the Due header: "12m" (left), "late 4m"
    state: ClockState
    sentence: str  # the detail pane's and the tooltip's words


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "<1m"
    if minutes < 60:
        return f"{minutes}m"
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {rest}m" if rest else f"{hours}h"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h" if hours else f"{days}d"


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%a %H:%M")


def read_clock(row: MentionRow, now: datetime) -> ClockReading | None:
    """The clock of an open mention whose team has a target; None otherwise."""
    due = row.sla_due_at
    if due is None or not row.is_open:
        return None
    left = due - now
    if left.total_seconds() <= 0 or row.sla_breached:
        late = max(now - due, timedelta(0))
        return ClockReading(
            f"late {_span(late)}" if late >= timedelta(minutes=1) else "late",
            ClockState.LATE,
            f"First-response target missed {_span(late)} ago (due {_local(due)}).",
        )
    state = ClockState.SOON if left <= SOON else ClockState.RUNNING
    return ClockReading(
        _span(left),
        state,
        f"First response due by {_local(due)} — {_span(left)} left.",
    )


def due_sort_key(row: MentionRow) -> float:
    """Soonest due first; mentions without a running clock after every one with."""
    if row.sla_due_at is None or not row.is_open:
        return float("inf")
    return row.sla_due_at.timestamp()
