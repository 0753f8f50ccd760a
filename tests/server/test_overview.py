"""`GET /api/v1/overview`: first-response times from mentions and their first sent reply, and
duty coverage per hour rebuilt from `duty.changed` events, at chosen instants of a fake clock."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.models.enums import ReplyStatus
from app.models.tables import Reply
from tests.server.helpers import World

DAY1 = datetime(2026, 3, 27, tzinfo=UTC)  # the conftest clock starts at 08:00 that day
NOW = datetime(2026, 3, 28, 12, 20, tzinfo=UTC)
_client_ids = itertools.count(1)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return DAY1 + timedelta(days=day, hours=hour, minutes=minute)


def duty_at(w: World, moment: datetime, name: str, duty: str) -> None:
    w.clock.set(moment)
    w.duty(name, duty)


def mention_at(w: World, moment: datetime) -> int:
    w.clock.set(moment)
    return w.mention()


def reply(w: World, mention_id: int, sent_at: datetime | None, status: ReplyStatus) -> None:
    """A reply as the sender leaves it (sent at a known instant, or failed)."""
    with w.db.write() as session:
        session.add(
            Reply(
                client_id=f"overview-{next(_client_ids)}",
                mention_id=mention_id,
                author_id=w.ids["ann"],
                body="Sorry about that!",
                base_version=1,
                status=status,
                created_at=sent_at or w.clock(),
                updated_at=sent_at or w.clock(),
                sent_at=sent_at,
            )
        )


@pytest.fixture
def history(team_app: World) -> World:
    """Two days: ann (support) 09:30–11:00, bob (billing) 10:15–12:45, carl (support) from
    23:00 to 01:30 the next day, ann again from 11:30 on the second day; five mentions."""
    w = team_app
    w.user("ann", teams=["support"])
    w.user("bob", teams=["billing"])
    w.user("carl", teams=["support"])
    w.user("boss", role="manager")
    duty_at(w, at(0, 9, 30), "ann", "on_duty")
    first = mention_at(w, at(0, 9))
    second = mention_at(w, at(0, 9, 10))
    duty_at(w, at(0, 10, 15), "bob", "on_duty")
    third = mention_at(w, at(0, 10))
    fourth = mention_at(w, at(0, 10, 30))
    duty_at(w, at(0, 11), "ann", "off_duty")
    duty_at(w, at(0, 12, 45), "bob", "off_duty")
    duty_at(w, at(0, 23), "carl", "on_duty")
    duty_at(w, at(1, 1, 30), "carl", "off_duty")
    fifth = mention_at(w, at(1, 11))
    duty_at(w, at(1, 11, 30), "ann", "on_duty")
    reply(w, first, at(0, 9, 5), ReplyStatus.SENT)  # 5 min
    reply(w, second, at(0, 9, 30), ReplyStatus.SENT)  # 20 min (the later one is not first)
    reply(w, second, at(0, 9, 40), ReplyStatus.SENT)
    reply(w, third, at(0, 11), ReplyStatus.SENT)  # 60 min
    reply(w, fourth, None, ReplyStatus.FAILED)  # never answered
    reply(w, fifth, at(1, 11, 10), ReplyStatus.SENT)  # 10 min
    w.clock.set(NOW)
    return w


def _overview(w: World, days: int, who: str = "boss") -> dict[str, Any]:
    response = w.call("GET", "/overview", who, days=days)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _hour(body: dict[str, Any], moment: datetime) -> dict[str, Any]:
    for hour in body["coverage"]:
        if datetime.fromisoformat(hour["start"]) == moment:
            return hour
    raise AssertionError(f"no coverage hour at {moment}")


def test_first_response_per_day_and_hour(history: World) -> None:
    body = _overview(history, 2)
    assert datetime.fromisoformat(body["since"]) == DAY1
    day1, day2 = body["response_by_day"]
    assert (day1["answered"], day1["unanswered"]) == (3, 1)
    assert day1["median_seconds"] == 20 * 60
    assert day1["p90_seconds"] == 60 * 60  # nearest rank of three: the largest
    assert (day2["answered"], day2["median_seconds"], day2["p90_seconds"]) == (1, 600, 600)
    hours = body["response_by_hour"]
    assert len(hours) == 24
    assert datetime.fromisoformat(hours[0]["start"]) == at(0, 13)
    answered = [h for h in hours if h["answered"]]
    assert [datetime.fromisoformat(h["start"]) for h in answered] == [at(1, 11)]
    assert answered[0]["median_seconds"] == 600
    assert sum(h["unanswered"] for h in hours) == 0  # the unanswered one is older than 24 h


def test_coverage_per_hour_from_duty_changes(history: World) -> None:
    body = _overview(history, 2)
    hours = body["coverage"]
    # The server began at 08:00 on the first day (its admin was created then): nothing before.
    assert datetime.fromisoformat(body["started_at"]) == at(0, 8)
    assert len(hours) == 16 + 13
    assert datetime.fromisoformat(hours[0]["start"]) == at(0, 8)
    assert hours[0]["gap"]  # nobody before 09:30 on the first day
    nine = _hour(body, at(0, 9))
    assert (nine["on_duty"], nine["covered_minutes"], nine["gap"]) == (1, 30, False)
    assert nine["teams"] == [{"team": "support", "on_duty": 1}]
    ten = _hour(body, at(0, 10))
    assert (ten["on_duty"], ten["covered_minutes"]) == (2, 60)
    assert ten["teams"] == [{"team": "billing", "on_duty": 1}, {"team": "support", "on_duty": 1}]
    assert _hour(body, at(0, 11))["on_duty"] == 1  # ann went off at 11:00 sharp
    assert _hour(body, at(0, 12))["covered_minutes"] == 45
    assert _hour(body, at(0, 23))["covered_minutes"] == 60
    assert _hour(body, at(1, 1))["covered_minutes"] == 30
    last = _hour(body, at(1, 12))
    assert (last["on_duty"], last["covered_minutes"]) == (1, 20)  # up to now, 12:20
    gaps = [datetime.fromisoformat(h["start"]) for h in hours if h["gap"]]
    expected = [at(0, 8)] + [at(0, h) for h in range(13, 23)] + [at(1, h) for h in range(2, 11)]
    assert gaps == expected
    assert body["gap_hours"] == len(expected) == 20


def test_coverage_starts_from_the_state_before_the_window(history: World) -> None:
    body = _overview(history, 1)  # from midnight of the second day: carl is already on duty
    hours = body["coverage"]
    assert len(hours) == 13
    assert (hours[0]["on_duty"], hours[0]["covered_minutes"]) == (1, 60)
    assert hours[0]["teams"] == [{"team": "support", "on_duty": 1}]
    assert hours[1]["covered_minutes"] == 30
    assert body["gap_hours"] == 9
    assert len(body["response_by_day"]) == 1
    assert body["response_by_day"][0]["answered"] == 1


def test_team_changes_move_coverage_between_teams(team_app: World) -> None:
    w = team_app
    w.user("dana", teams=["support"])
    duty_at(w, at(0, 9), "dana", "on_duty")
    w.clock.set(at(0, 10, 30))
    returns = w.call("POST", "/teams", json={"name": "returns"})
    assert returns.status_code == 201, returns.text
    added = w.call("POST", f"/teams/{returns.json()['id']}/members/{w.ids['dana']}")
    assert added.status_code == 200, added.text
    w.clock.set(at(0, 11, 30))
    body = _overview(w, 1, who="admin")
    assert _hour(body, at(0, 9))["teams"] == [{"team": "support", "on_duty": 1}]
    ten = _hour(body, at(0, 10))
    assert ten["teams"] == [{"team": "returns", "on_duty": 1}, {"team": "support", "on_duty": 1}]
    assert (ten["on_duty"], ten["covered_minutes"]) == (1, 60)
    assert _hour(body, at(0, 11))["teams"] == [
        {"team": "returns", "on_duty": 1},
        {"team": "support", "on_duty": 1},
    ]


def test_a_rep_may_not_read_the_overview(history: World) -> None:
    response = history.call("GET", "/overview", "ann", days=7)
    assert response.status_code == 403
    assert response.json()["detail"]


@pytest.mark.parametrize("days", [0, 32, "week"])
def test_days_out_of_range_is_refused(history: World, days: object) -> None:
    response = history.call("GET", "/overview", "boss", days=days)
    assert response.status_code == 422
    assert "days" in response.json()["detail"]


def test_a_server_minutes_old_counts_from_its_start(world: World) -> None:
    """A server set up 20 minutes ago with nobody on duty: one hour (a gap), not a week of
    gaps; the response-time days are there, empty (no median: "none yet")."""
    world.user("boss", role="manager")
    started = world.clock()
    world.clock.advance(minutes=20)
    body = _overview(world, 7)
    assert datetime.fromisoformat(body["started_at"]) == started
    assert datetime.fromisoformat(body["since"]) == started - timedelta(days=6, hours=8)
    assert [datetime.fromisoformat(h["start"]) for h in body["coverage"]] == [started]
    assert body["gap_hours"] == 1
    days = body["response_by_day"]
    assert len(days) == 7
    assert datetime.fromisoformat(days[-1]["start"]) == started.replace(hour=0)
    assert all((d["answered"], d["median_seconds"]) == (0, None) for d in days)


def test_people_in_no_team_count_on_duty_but_are_no_team(world: World) -> None:
    world.user("boss", role="manager")
    world.user("solo")  # in no team
    world.user("ann", teams=["support"])
    world.clock.advance(minutes=5)
    world.duty("solo", "on_duty")
    world.duty("ann", "on_duty")
    world.clock.advance(minutes=30)
    [hour] = _overview(world, 1)["coverage"]
    assert hour["on_duty"] == 2
    assert hour["teams"] == [{"team": "support", "on_duty": 1}]
