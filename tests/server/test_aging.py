"""When a waiting mention's priority next moves visibly (services/aging.py): the moment found
is the first second at which waiting changes what reps see, and none once waiting adds
nothing more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.server.services.aging import FULL_WAITING, next_visible_change, visible_change
from app.tone.priority import MentionReading, priority_of

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

READINGS = {
    "angry complaint": MentionReading(-0.8, (), True),
    "neutral complaint": MentionReading(0.0, (), True),
    "praise": MentionReading(0.9, (), False),
    "legal threat": MentionReading(-0.6, ("legal",), True),
    "near the urgent line": MentionReading(-0.9, ("legal",), True),
    "fire": MentionReading(-0.4, ("safety",), True),
}


def _priority(reading: MentionReading, followers: int | None, at: datetime) -> float:
    return priority_of(reading, followers=followers, waiting=max(at - T0, timedelta(0)))


@pytest.mark.parametrize("followers", [None, 250, 40_000])
@pytest.mark.parametrize("name", sorted(READINGS))
def test_the_next_visible_change_is_the_first_second_it_shows(
    name: str, followers: int | None
) -> None:
    reading = READINGS[name]
    now = T0
    shown = _priority(reading, followers, now)
    moves = 0
    while True:
        due = next_visible_change(
            reading, followers=followers, priority=shown, created_at=T0, now=now
        )
        if due is None:
            # Nothing changes visibly any more, however long it waits.
            assert not visible_change(shown, _priority(reading, followers, T0 + FULL_WAITING))
            assert not visible_change(shown, _priority(reading, followers, T0 + timedelta(days=9)))
            break
        assert due > now
        assert not visible_change(shown, _priority(reading, followers, due - timedelta(seconds=1)))
        assert visible_change(shown, _priority(reading, followers, due))
        shown, now = _priority(reading, followers, due), due
        moves += 1
    assert moves <= 5  # ten points of waiting, in steps of two at least


def test_a_mention_posted_long_before_it_arrived_never_moves() -> None:
    reading = READINGS["angry complaint"]
    arrived = T0 + timedelta(hours=6)
    priority = priority_of(reading, followers=100, waiting=arrived - T0)
    assert (
        next_visible_change(reading, followers=100, priority=priority, created_at=T0, now=arrived)
        is None
    )


def test_a_priority_already_behind_is_due_at_once() -> None:
    reading = READINGS["angry complaint"]
    later = T0 + timedelta(hours=2)
    stale = priority_of(reading, followers=None)
    due = next_visible_change(reading, followers=None, priority=stale, created_at=T0, now=later)
    assert due == later
