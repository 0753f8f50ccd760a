"""Response-time target attainment in the manager overview: each team's today, yesterday and
past week are read in the team's own time zone; a day's words never round a miss up to 100 %;
and the overview loads them from a real server's report."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import httpx

from app.client.connection.api import ResponderApi
from app.client.manager.attainment import Tally, team_attainment
from app.client.manager.overview import load_overview
from app.client.manager.routing_words import tally_words
from app.models.routing_schemas import AttainmentDay, ResponseTargetsUpdate, RoutingUpdate
from tests.support.live_server import LiveServer, mention_json

# 23:30 UTC on Wednesday: already Thursday in Berlin.
NOW = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)


def _day(team_id: int, team: str, day: date, due: int, met: int, missed: int) -> AttainmentDay:
    judged = met + missed
    return AttainmentDay(
        team_id=team_id,
        team=team,
        day=day,
        due=due,
        met=met,
        missed=missed,
        attainment=round(met / judged, 4) if judged else None,
    )


def _team(server: LiveServer, name: str, zone: str) -> int:
    created = httpx.post(
        f"{server.base_url}/api/v1/teams",
        json={"name": name, "time_zone": zone},
        headers=server.headers(),
        timeout=10,
    )
    created.raise_for_status()
    return int(created.json()["id"])


def test_each_team_reads_today_in_its_own_zone() -> None:
    report = [
        _day(1, "billing", date(2026, 12, 3), due=25, met=23, missed=2),
        _day(1, "billing", date(2026, 12, 2), due=4, met=4, missed=0),
        _day(1, "billing", date(2026, 11, 20), due=9, met=0, missed=9),  # before the week
        _day(2, "Alpha", date(2026, 12, 2), due=5, met=1, missed=1),
        _day(2, "Alpha", date(2026, 11, 27), due=2, met=0, missed=2),
    ]
    zones = {1: "Europe/Berlin", 2: "UTC"}
    alpha, billing = team_attainment(report, zones, NOW)  # by name, whatever the case
    assert billing.today == Tally(25, 23, 2)
    assert billing.yesterday == Tally(4, 4, 0)
    assert billing.week == Tally(29, 27, 2)
    assert billing.line() == (
        "billing — today 92 % (23 of 25 in time), yesterday 100 % (4 of 4 in time); "
        "past week 93 % (27 of 29 in time)"
    )
    assert alpha.today == Tally(5, 1, 1)
    assert alpha.yesterday == Tally()
    assert alpha.week == Tally(7, 1, 3)
    assert alpha.line() == (
        "Alpha — today 50 % (1 of 2 in time), 3 open, yesterday —; past week 25 % (1 of 4 in "
        "time), 3 open"
    )
    # An unknown zone reads the day in UTC rather than failing.
    (utc,) = team_attainment(report[:2], {1: "Mars/Olympus"}, NOW)
    assert utc.today == Tally(4, 4, 0)


def test_a_miss_never_reads_as_a_hundred_percent() -> None:
    assert tally_words(met=199, missed=1, pending=0) == "99 % (199 of 200 in time)"
    assert tally_words(met=0, missed=0, pending=3) == "3 open, none due yet"
    assert tally_words(met=0, missed=0, pending=0) == "—"


async def test_the_overview_loads_attainment_from_the_server(live_server: LiveServer) -> None:
    team = f"targets-{uuid.uuid4().hex[:6]}"
    word = f"zork{uuid.uuid4().hex[:6]}"
    team_id = _team(live_server, team, "Pacific/Auckland")
    _, token = live_server.create_user(f"boss-{team}", role="manager", teams=[team])
    async with ResponderApi(live_server.base_url, token) as api:
        await api.set_routing(team_id, RoutingUpdate(keywords=[word]))
        minutes = {"urgent": 60, "high": 60, "normal": 60, "low": 60}
        await api.set_response_targets(
            team_id, ResponseTargetsUpdate.model_validate({"first_response_minutes": minutes})
        )
        live_server.ingest(
            [mention_json(f"{word}-{n}", f"My {word} order is late ({n})") for n in range(3)]
        )
        overview = await load_overview(api, [], None, datetime.now(UTC))
    assert overview.problems == []
    (ours,) = [t for t in overview.attainment if t.team_id == team_id]
    # Just arrived, an hour to go: counted as open, neither met nor missed.
    assert ours.today == Tally(3, 0, 0)
    assert ours.line() == (
        f"{team} — today 3 open, none due yet, yesterday —; past week 3 open, none due yet"
    )
