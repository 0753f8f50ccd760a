"""How a waiting mention's priority ages: when it next moves visibly.

Waiting adds points to a mention's priority as time passes (`waiting_points`), but a re-score is
published only when the priority moves visibly (`visible_change`). Since the rest of the
priority is fixed at ingest (the stored reading and the author's reach), the moment of the next
visible move is known in advance: each mention keeps it in `mentions.rescore_at`, and the
re-score job (services/jobs.py) reads only the mentions that are due — its cost follows what
changes, not how many mentions wait."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.tone.priority import (
    URGENT_THRESHOLD,
    WAITING_WEIGHT_MAX,
    WAITING_WEIGHT_PER_HOUR,
    MentionReading,
    priority_of,
)

# A re-score is published only when the priority moves by at least this much (or crosses the
# urgent line): smaller drifts would churn versions and events without changing what reps see.
VISIBLE_PRIORITY_STEP = 2.0
# Past this much waiting, waiting adds nothing more: a mention's priority stops moving.
FULL_WAITING = timedelta(hours=WAITING_WEIGHT_MAX / WAITING_WEIGHT_PER_HOUR)
_RESOLUTION = timedelta(seconds=1)


def visible_change(old: float, new: float) -> bool:
    crossed = (old >= URGENT_THRESHOLD) != (new >= URGENT_THRESHOLD)
    return crossed or abs(new - old) >= VISIBLE_PRIORITY_STEP


def next_visible_change(
    reading: MentionReading,
    *,
    followers: int | None,
    priority: float,
    created_at: datetime,
    now: datetime,
) -> datetime | None:
    """The first moment (to the second, not before `now`) at which the priority of a mention
    read as `reading`, that now shows `priority`, moves visibly with waiting; None when it
    never will. Priorities never fall with waiting, so the answer is found by bisection."""

    def moved(waited: timedelta) -> bool:
        new = priority_of(reading, followers=followers, waiting=waited)
        return visible_change(priority, new)

    waited = max(now - created_at, timedelta(0))
    if moved(waited):
        return now
    if waited >= FULL_WAITING or not moved(FULL_WAITING):
        return None
    low, high = waited, FULL_WAITING  # not moved at low, moved at high
    while high - low > _RESOLUTION:
        middle = low + (high - low) / 2
        if moved(middle):
            high = middle
        else:
            low = middle
    return created_at + high
