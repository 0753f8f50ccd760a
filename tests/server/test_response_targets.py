"""Response-time targets (SLA, DESIGN.md part 2): per team and priority level, minutes to a
first answer, counted in the team's rota hours and time zone when it has a rota; every open
mention carries its clock (`sla`), a missed one is announced once (`sla.breached`, naming
the owner and the team's on-duty managers), the first reply the network took stops it, and
the overview reports attainment per team and day. The clock is the test's (no sleeping).
On SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.models.enums import PriorityLevel
from app.models.tables import RotaShift
from app.server.services.replies import mark_reply_sent
from app.server.services.working_time import add_working_minutes, working_minutes_between
from app.tone.priority import priority_level
from tests.server.helpers import World
from tests.support.live_server import mention_json

_ids = itertools.count(1)
BERLIN = ZoneInfo("Europe/Berlin")
URGENT_TEXT = "The charger caught fire and burned my hand, this is dangerous!"


def _team(w: World, name: str) -> int:
    return next(t["id"] for t in w.call("GET", "/teams").json()["data"] if t["name"] == name)


def _post(w: World, text: str, **fields: Any) -> dict[str, Any]:
    response = w.call(
        "POST", "/mentions", json=[{**mention_json(f"sla-{next(_ids)}", text), **fields}]
    )
    assert response.status_code == 200, response.text
    mention_id = int(response.json()["created"][0])
    return dict(w.call("GET", f"/mentions/{mention_id}", "boss").json())


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _billing(w: World, **minutes: int) -> int:
    w.user("boss", role="manager", teams=["billing"])
    w.user("ana", teams=["billing"])
    billing = _team(w, "billing")
    routing = w.call("PUT", f"/teams/{billing}/routing", "boss", {"mode": "manual"})
    assert routing.status_code == 200, routing.text
    saved = w.call("PUT", f"/teams/{billing}/sla", "boss", {"first_response_minutes": minutes})
    assert saved.status_code == 200, saved.text
    return billing


def test_targets_are_read_by_anyone_set_by_managers_and_checked(team_app: World) -> None:
    w = team_app
    billing = _billing(w, urgent=15, normal=240)
    got = w.call("GET", f"/teams/{billing}/sla", "ana").json()
    assert got["first_response_minutes"] == {"urgent": 15, "normal": 240}
    assert got["rota_hours"] is False
    assert got["updated_by"]["name"] == "boss"
    refused = w.call("PUT", f"/teams/{billing}/sla", "ana", {"first_response_minutes": {}})
    assert refused.status_code == 403
    for bad in (
        {"first_response_minutes": {"urgent": 0}},
        {"first_response_minutes": {"whenever": 5}},
        {"first_response_minutes": {"low": 60 * 24 * 31}},
        {"first_response_minutes": {"low": "soon"}},
        {},
    ):
        response = w.call("PUT", f"/teams/{billing}/sla", "boss", bad)
        assert response.status_code == 422, (bad, response.text)
    assert w.call("GET", "/teams/999999/sla", "ana").status_code == 404


def test_every_open_mention_carries_its_clock_and_a_miss_is_announced_once(
    team_app: World,
) -> None:
    w = team_app
    _billing(w, urgent=15, high=30, normal=60, low=240)
    w.duty("boss", "on_duty")
    start = w.clock()
    urgent = _post(w, URGENT_TEXT)
    quiet = _post(w, "Hi, what are your opening hours")
    assert priority_level(urgent["priority"]) is PriorityLevel.URGENT
    assert urgent["sla"] == {"due_at": _iso(start + timedelta(minutes=15)), "breached": False}
    quiet_minutes = {"urgent": 15, "high": 30, "normal": 60, "low": 240}[
        priority_level(quiet["priority"]).value
    ]
    assert quiet["sla"]["due_at"] == _iso(start + timedelta(minutes=quiet_minutes))
    claimed = w.call("POST", f"/mentions/{urgent['id']}/claim", "ana", {"version": 1})
    assert claimed.status_code == 200

    after = w.last_event_id()
    w.clock.advance(minutes=14)
    assert w.run_jobs()["sla_breached"] == []
    w.clock.advance(minutes=2)
    assert w.run_jobs()["sla_breached"] == [urgent["id"]]
    assert w.run_jobs()["sla_breached"] == []  # once
    (event,) = w.events("sla.breached", after=after)
    assert event.payload["mention"]["id"] == urgent["id"]
    assert event.payload["notify"] == sorted([w.ids["ana"], w.ids["boss"]])
    assert event.payload["late_minutes"] == 1.0
    assert event.audience == f"manager+{w.ids['ana']}"
    shown = w.call("GET", f"/mentions/{urgent['id']}", "ana").json()
    assert shown["sla"]["breached"] is True


def test_a_first_reply_stops_the_clock_and_the_overview_reports_attainment(
    team_app: World,
) -> None:
    w = team_app
    billing = _billing(w, urgent=15, high=15, normal=15, low=15)
    w.brand_account()
    answered = _post(w, "Where is my parcel")
    missed = _post(w, "My parcel is lost")
    pending = _post(w, "Is the shop open on Sunday")
    reply = w.call(
        "POST", f"/mentions/{answered['id']}/claim", "ana", {"version": answered["version"]}
    )
    assert reply.status_code == 200
    w.clock.advance(minutes=10)
    queued = w.call(
        "POST",
        f"/mentions/{answered['id']}/replies",
        "ana",
        {
            "client_id": "2f1c7f1e-5b1e-4b0e-9a53-4ea4a1f0e001",
            "body": "Sorry about the wait — it ships today.",
            "base_version": reply.json()["version"],
        },
    )
    assert queued.status_code == 202, queued.text
    with w.db.write() as session:  # the network took it (what the sender does)
        mark_reply_sent(
            session, queued.json()["id"], external_id="x1", external_url=None, now=w.clock()
        )
    assert w.call("GET", f"/mentions/{answered['id']}", "ana").json()["sla"] is None
    w.clock.advance(minutes=10)  # 20 minutes in: `missed` is past due, `pending` too
    assert set(w.run_jobs()["sla_breached"]) == {missed["id"], pending["id"]}
    # A late first answer still counts as missed; one that waits is missed once past due.
    overview = w.call("GET", "/overview", "boss", days=2).json()
    (day,) = [d for d in overview["response_targets"] if d["team_id"] == billing]
    assert (day["due"], day["met"], day["missed"]) == (3, 1, 2)
    assert day["attainment"] == round(1 / 3, 4)
    assert day["day"] == "2026-03-27"


def test_a_rota_counts_the_target_in_working_hours_of_the_team_zone(team_app: World) -> None:
    w = team_app
    billing = _billing(w, urgent=60, high=60, normal=60, low=60)
    shifts = [
        {"weekday": day, "start": "09:00", "end": "17:00", "user_id": w.ids["ana"]}
        for day in range(5)  # Monday to Friday, Berlin time
    ]
    rota = w.call(
        "PUT",
        f"/teams/{billing}/rota",
        "boss",
        {"time_zone": "Europe/Berlin", "shifts": shifts},
    )
    assert rota.status_code == 200, rota.text
    assert w.call("GET", f"/teams/{billing}/sla", "ana").json()["rota_hours"] is True
    # Friday 27 March 16:30 in Berlin (CET, UTC+1): half an hour left of Friday's shift,
    # then the weekend, then Monday 30 March 09:00 — summer time (CEST, UTC+2) by then.
    w.clock.set(datetime(2026, 3, 27, 15, 30, tzinfo=UTC))
    mention = _post(w, "My order is late")
    assert mention["sla"]["due_at"] == _iso(datetime(2026, 3, 30, 9, 30, tzinfo=BERLIN))


def _shift(weekday: int, start: str, end: str) -> RotaShift:
    hours, minutes = (int(x) for x in start.split(":"))
    end_hours, end_minutes = (int(x) for x in end.split(":"))
    return RotaShift(
        team_id=1,
        user_id=1,
        weekday=weekday,
        start_minute=hours * 60 + minutes,
        end_minute=end_hours * 60 + end_minutes,
    )


def test_working_minutes_join_overlapping_and_overnight_shifts() -> None:
    shifts = [_shift(0, "09:00", "13:00"), _shift(0, "12:00", "17:00"), _shift(2, "22:00", "02:00")]
    monday = datetime(2026, 3, 30, 8, 0, tzinfo=BERLIN)
    # Overlapping shifts count once: 09:00–17:00 is 480 minutes, not 540.
    assert add_working_minutes(monday, 480, shifts, BERLIN) == datetime(
        2026, 3, 30, 17, 0, tzinfo=BERLIN
    )
    # The 481st minute is Wednesday night's shift, which runs past midnight.
    assert add_working_minutes(monday, 481 + 150, shifts, BERLIN) == datetime(
        2026, 4, 2, 0, 31, tzinfo=BERLIN
    )
    assert (
        working_minutes_between(monday, datetime(2026, 4, 2, 0, 31, tzinfo=BERLIN), shifts, BERLIN)
        == 631
    )
    # No rota: around the clock.
    assert add_working_minutes(monday, 90, [], BERLIN) == monday + timedelta(minutes=90)
