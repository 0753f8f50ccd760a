"""How many mentions arrive, and how many usually do: the counts behind storm detection, per
scope (every mention together, or one brand account's), kept in memory as mentions arrive.

The rule (services/storm_detector.py applies it; all times in UTC):

- *What arrives now* is the count of the last `WINDOW` (10 minutes), as a rate per hour; for
  anger, the count of angry mentions (a stored reading at or below the tone check's hostile
  sentiment, app/tone/mention.py `HOSTILE_SENTIMENT`).
- *The usual level for that hour of the week* is the mean count of the same hour of the week
  over the past `HISTORY_WEEKS` (4) weeks — only the weeks since the scope's first mention, so a
  week without history does not count as a quiet week. It is never taken below a floor:
  `VOLUME_FLOOR_PER_HOUR` (30 an hour) for volume, `ANGER_FLOOR_PER_HOUR` (10) for anger.
- A storm *starts* when the window holds at least `MIN_MENTIONS` (30) mentions (for anger
  `MIN_ANGRY`, 10 angry ones) and the rate is at least `START_RATIO` (3×) the usual level. A
  brand-new install with no history therefore needs 30 mentions within ten minutes — a rate
  of 180 an hour, six times the floor — before it calls anything a storm; its first 20
  mentions never do.
- It *grows* (announced again) when its rate reaches `GROW_RATIO` (2×) the rate last
  announced; it is *rising* for a window after each announcement, *ongoing* after; it is
  *over* once the rate has fallen below `END_RATIO` (1.5×) the usual level."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

WINDOW_MINUTES = 10
WINDOW = timedelta(minutes=WINDOW_MINUTES)
HISTORY_WEEKS = 4
HOURS_PER_WEEK = 168
VOLUME_FLOOR_PER_HOUR = 30.0
ANGER_FLOOR_PER_HOUR = 10.0
MIN_MENTIONS = 30
MIN_ANGRY = 10
START_RATIO = 3.0
GROW_RATIO = 2.0
END_RATIO = 1.5

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def minute_of(moment: datetime) -> int:
    return int((moment - _EPOCH).total_seconds() // 60)


def hour_of(moment: datetime) -> int:
    return int((moment - _EPOCH).total_seconds() // 3600)


@dataclass(frozen=True, slots=True)
class Level:
    """A scope's window now against its usual level for this hour of the week."""

    count: int  # mentions in the window
    angry: int
    usual: float  # mentions usually arriving in this hour of the week (before the floor)
    usual_angry: float

    @property
    def rate(self) -> float:
        return self.count * 60 / WINDOW_MINUTES

    @property
    def angry_rate(self) -> float:
        return self.angry * 60 / WINDOW_MINUTES

    @property
    def usual_floored(self) -> float:
        return max(self.usual, VOLUME_FLOOR_PER_HOUR)

    @property
    def usual_angry_floored(self) -> float:
        return max(self.usual_angry, ANGER_FLOOR_PER_HOUR)

    @property
    def volume_spike(self) -> bool:
        return self.count >= MIN_MENTIONS and self.rate >= START_RATIO * self.usual_floored

    @property
    def anger_spike(self) -> bool:
        return self.angry >= MIN_ANGRY and self.angry_rate >= START_RATIO * self.usual_angry_floored


@dataclass(slots=True)
class ScopeCounts:
    """One scope's counts: per hour for the past weeks, per minute for the window."""

    hours: dict[int, list[int]] = field(default_factory=dict)  # hour → [count, angry]
    minutes: dict[int, list[int]] = field(default_factory=dict)  # minute → [count, angry]
    first_hour: int | None = None  # the hour of the scope's first mention

    def add(self, at: datetime, angry: bool, *, now: datetime) -> None:
        hour = hour_of(at)
        counts = self.hours.setdefault(hour, [0, 0])
        counts[0] += 1
        counts[1] += int(angry)
        if self.first_hour is None or hour < self.first_hour:
            self.first_hour = hour
        if at > now - WINDOW:
            minute = self.minutes.setdefault(minute_of(at), [0, 0])
            minute[0] += 1
            minute[1] += int(angry)

    def seen_since(self, hour: int) -> None:
        """The scope has history from `hour` on (its first mention, read from the database)."""
        if self.first_hour is None or hour < self.first_hour:
            self.first_hour = hour

    def level(self, now: datetime) -> Level:
        newest = minute_of(now)
        count = angry = 0
        for minute in range(newest - WINDOW_MINUTES + 1, newest + 1):
            counts = self.minutes.get(minute)
            if counts is not None:
                count += counts[0]
                angry += counts[1]
        hour = hour_of(now)
        past = [
            hour - HOURS_PER_WEEK * week
            for week in range(1, HISTORY_WEEKS + 1)
            if self.first_hour is not None and hour - HOURS_PER_WEEK * week >= self.first_hour
        ]
        usual = usual_angry = 0.0
        if past:
            usual = sum(self.hours.get(h, (0, 0))[0] for h in past) / len(past)
            usual_angry = sum(self.hours.get(h, (0, 0))[1] for h in past) / len(past)
        return Level(count, angry, usual, usual_angry)

    def forget_before(self, now: datetime) -> None:
        """Drop minutes older than the window and hours older than the history."""
        oldest_minute = minute_of(now) - WINDOW_MINUTES
        for minute in [m for m in self.minutes if m < oldest_minute]:
            del self.minutes[minute]
        oldest_hour = hour_of(now) - HOURS_PER_WEEK * HISTORY_WEEKS - 1
        for hour in [h for h in self.hours if h < oldest_hour]:
            del self.hours[hour]
