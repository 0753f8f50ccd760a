"""Response-time target attainment per team, from the overview's report (`response_targets`:
one row per team and local day): today, yesterday and the past week in each team's own time
zone, for the overview's table and lines. Qt-free."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.client.manager import routing_words as words
from app.models.routing_schemas import AttainmentDay

WEEK_DAYS = 7


@dataclass(frozen=True, slots=True)
class Tally:
    """Mentions with a target that arrived in a period: answered in time, missed (late, or
    past due unanswered), and still open before their due time."""

    due: int = 0
    met: int = 0
    missed: int = 0

    @property
    def pending(self) -> int:
        return self.due - self.met - self.missed

    @property
    def attainment(self) -> float | None:
        judged = self.met + self.missed
        return self.met / judged if judged else None

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.due + other.due, self.met + other.met, self.missed + other.missed)

    @classmethod
    def of(cls, day: AttainmentDay) -> Tally:
        return cls(day.due, day.met, day.missed)

    def words(self) -> str:
        return words.tally_words(self.met, self.missed, self.pending)


@dataclass(frozen=True, slots=True)
class TeamAttainment:
    team_id: int
    team: str
    today: Tally
    yesterday: Tally
    week: Tally

    def line(self) -> str:
        """ "billing — today 92 % (23 of 25 in time), yesterday —; past week …"."""
        return (
            f"{self.team} — today {self.today.words()}, yesterday {self.yesterday.words()}; "
            f"past week {self.week.words()}"
        )


def local_today(zone_name: str | None, now: datetime) -> date:
    """Today's date in a team's zone (UTC for an unknown one)."""
    try:
        zone = ZoneInfo(zone_name) if zone_name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()


def team_attainment(
    days: Iterable[AttainmentDay], zones: Mapping[int, str], now: datetime
) -> tuple[TeamAttainment, ...]:
    """Per team (by name): today, yesterday and the last seven days (today included), each
    day as that team's time zone counts it."""
    by_team: dict[int, list[AttainmentDay]] = {}
    for day in days:
        by_team.setdefault(day.team_id, []).append(day)
    teams = []
    for team_id, rows in by_team.items():
        today = local_today(zones.get(team_id), now)
        tallies = {row.day: Tally.of(row) for row in rows}
        week = sum(
            (t for d, t in tallies.items() if today - timedelta(days=WEEK_DAYS) < d <= today),
            Tally(),
        )
        teams.append(
            TeamAttainment(
                team_id=team_id,
                team=rows[0].team,
                today=tallies.get(today, Tally()),
                yesterday=tallies.get(today - timedelta(days=1), Tally()),
                week=week,
            )
        )
    return tuple(sorted(teams, key=lambda t: (t.team.casefold(), t.team_id)))
